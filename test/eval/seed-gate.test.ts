/**
 * The quality gate: the full answer pipeline on the seed question set (eval/seed.jsonl, all splits, held-out
 * part included) must not fall below what was measured when these thresholds were set (see README, Quality).
 * Same code path as `npm run eval -- --qa eval/seed.jsonl`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/cablechat.js';
import { loadQa, runEval, type Metrics } from '../../src/eval/index.js';
import { seedChat } from '../support/seed-index.js';

const QA = join(import.meta.dirname, '..', '..', 'eval', 'seed.jsonl');
const OFFTOPIC = join(import.meta.dirname, '..', '..', 'eval', 'offtopic.jsonl');
const DEV = join(import.meta.dirname, '..', '..', 'eval', 'dev.jsonl');
/**
 * A little under what was measured on 2026-11-29 over 150 answerable questions (four batches of questions):
 * hit@1 0.753, hit@5 0.940, MRR 0.834, follow-ups 27/36, answer inside the marked sentence 0.894, 1/150
 * wrongly abstained. The follow-up floor is 0.72, not 0.75: the rate over all 36 is 0.75 itself, which would
 * leave no room for one question, and batch 4's follow-ups are mostly answered in another paragraph than the
 * turn before (7 of 12). The targets (hit@1 0.90, hit@5 0.98) are not met: README, Quality. Since the fitted
 * refusal (2026-11-30): hit@1 0.747, hit@5 0.933, 3/150 wrongly refused; every held-out off-topic question and
 * all 196 dev questions (their cables absent here) refused.
 */
export const GATE = {
  'hit@1': 0.72,
  'hit@5': 0.92,
  'mrr@10': 0.81,
  'followup_paragraph_hit@1': 0.72,
  'highlight@1': 0.88,
  false_abstention_rate: 0.03,
  offtopic_heldout_refused: 0.95,
  absent_cable_refused: 0.95,
};

let pipeline: Pipeline;
let dispose: () => Promise<void>;
let full: Metrics;
beforeAll(async () => {
  ({ pipeline, dispose } = await seedChat());
  full = await runEval(pipeline, loadQa(QA), { mode: 'full' });
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

  it('refuses off-topic questions and questions about cables it does not hold', async () => {
    // Held-out off-topic questions (eval/offtopic.jsonl), and the dev set's answerable questions, whose cables
    // are not in this one-cable index: questions nobody wrote as off-topic (README, Trust).
    const off = await runEval(pipeline, loadQa(OFFTOPIC).filter((q) => q.split === 'heldout'), { mode: 'full' });
    const absent = await runEval(pipeline, loadQa(DEV).filter((q) => q.unanswerable !== true && !q.history), { mode: 'full' });
    console.log(JSON.stringify({ offtopic: off.abstain_rate_unanswerable, absent: [absent.absent_cable_refused, absent.absent_cable], reliability: full.reliability }));
    expect(off.unanswerable).toBeGreaterThanOrEqual(30);
    expect(off.abstain_rate_unanswerable).toBeGreaterThanOrEqual(GATE.offtopic_heldout_refused);
    expect(absent.absent_cable).toBeGreaterThanOrEqual(150);
    expect(absent.absent_cable_refused / absent.absent_cable).toBeGreaterThanOrEqual(GATE.absent_cable_refused);
  });

  // Not against plain fusion: on this one cable the reranker and fusion are within a few questions of each
  // other, and on held-out seed questions fusion is ahead (README, Quality). The corpus gate, where the
  // reranker's cable features matter, holds the comparison with fusion.
  it('ranks better than dense and lexical search alone (hit@1)', async () => {
    const rerank = await runEval(pipeline, loadQa(QA), { mode: 'rerank' });
    for (const mode of ['dense', 'lexical'] as const) {
      const m = await runEval(pipeline, loadQa(QA), { mode });
      expect(rerank['hit@1'], mode).toBeGreaterThan(m['hit@1']);
    }
  });
});
