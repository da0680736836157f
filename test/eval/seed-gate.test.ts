/**
 * The quality gate: the full answer pipeline on the seed question set (eval/seed.jsonl, all splits, held-out
 * part included) must not fall below what was measured when these thresholds were set (see README, Quality).
 * Same code path as `npm run eval -- --qa eval/seed.jsonl`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cablechat } from '../../src/cablechat.js';
import { loadQa, runEval, type Metrics } from '../../src/eval/index.js';
import { seedChat } from '../support/seed-index.js';

const QA = join(import.meta.dirname, '..', '..', 'eval', 'seed.jsonl');
/**
 * A little under what was measured on 2026-11-29, second session (hit@1 0.797, hit@5 0.932, MRR 0.859,
 * follow-ups 9/10, answer inside the marked sentence 0.915, 1/74 wrongly abstained). The first session's gate
 * had hit@5 0.93 and MRR 0.80 with hit@1 0.72.
 */
export const GATE = {
  'hit@1': 0.77,
  'hit@5': 0.91,
  'mrr@10': 0.83,
  'followup_paragraph_hit@1': 0.8,
  'highlight@1': 0.88,
  false_abstention_rate: 0.05,
};

let chat: Cablechat;
let dispose: () => Promise<void>;
let full: Metrics;
beforeAll(async () => {
  ({ chat, dispose } = await seedChat());
  full = await runEval(chat, loadQa(QA), { mode: 'full' });
  console.log(JSON.stringify({ ...full, misses: full.misses.map((m) => m.id) }));
});
afterAll(() => dispose());

describe('seed eval gate (full pipeline, all questions)', () => {
  it('finds the answering paragraph first and in the top five', () => {
    expect(full.questions).toBeGreaterThanOrEqual(40);
    expect(full['hit@1']).toBeGreaterThanOrEqual(GATE['hit@1']);
    expect(full['hit@5']).toBeGreaterThanOrEqual(GATE['hit@5']);
    expect(full['mrr@10']).toBeGreaterThanOrEqual(GATE['mrr@10']);
  });

  it('marks the sentence that holds the answer', () => {
    expect(full['highlight@1']).toBeGreaterThanOrEqual(GATE['highlight@1']);
  });

  it('resolves follow-ups with the conversation', () => {
    expect(full.followups).toBeGreaterThanOrEqual(5);
    expect(full['followup_paragraph_hit@1']).toBeGreaterThanOrEqual(GATE['followup_paragraph_hit@1']);
  });

  it('rarely refuses a question the cable answers', () => {
    // Abstaining on on-topic unanswerable questions is not achieved (README, Quality); off-topic ones are
    // covered in test/answer/answer.test.ts.
    expect(full.unanswerable).toBeGreaterThanOrEqual(5);
    expect(full.false_abstention_rate).toBeLessThanOrEqual(GATE.false_abstention_rate);
  });

  it('ranks better than each single retrieval stage (hit@1)', async () => {
    const rerank = await runEval(chat, loadQa(QA), { mode: 'rerank' });
    for (const mode of ['dense', 'lexical', 'fused'] as const) {
      const m = await runEval(chat, loadQa(QA), { mode });
      expect(rerank['hit@1'], mode).toBeGreaterThan(m['hit@1']);
    }
  });
});
