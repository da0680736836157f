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
export const GATE = {
  'hit@1': 0.8,
  'hit@5': 0.9,
  'mrr@10': 0.85,
  'followup_paragraph_hit@1': 0.8,
  abstain_rate_unanswerable: 0.3,
  false_abstention_rate: 0.1,
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

  it('resolves follow-ups with the conversation', () => {
    expect(full.followups).toBeGreaterThanOrEqual(5);
    expect(full['followup_paragraph_hit@1']).toBeGreaterThanOrEqual(GATE['followup_paragraph_hit@1']);
  });

  it('abstains on questions the cable does not answer, and rarely on ones it does', () => {
    expect(full.unanswerable).toBeGreaterThanOrEqual(5);
    expect(full.abstain_rate_unanswerable).toBeGreaterThanOrEqual(GATE.abstain_rate_unanswerable);
    expect(full.false_abstention_rate).toBeLessThanOrEqual(GATE.false_abstention_rate);
  });

  it('beats each single retrieval stage on hit@1', async () => {
    for (const mode of ['dense', 'lexical', 'fused'] as const) {
      const m = await runEval(chat, loadQa(QA), { mode });
      expect(full['hit@1'], mode).toBeGreaterThan(m['hit@1']);
    }
  });
});
