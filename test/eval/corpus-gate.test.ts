/**
 * The corpus quality gate: eval/dev.jsonl (all splits) over a 110-cable slice of the shared corpus, where the
 * right cable has to be found among others. Thresholds are a little under what was measured when they were
 * set (README, Quality). Skipped, with a message, where ../shared is not next to the project.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPipeline, type Pipeline } from '../../src/cablechat.js';
import { loadQa, runEval, type Metrics } from '../../src/eval/index.js';
import { buildIndex } from '../../src/index/index.js';
import { corpusSlice, DEV_QA, haveCorpus, OFFTOPIC_QA, SEED_QA } from '../support/corpus-slice.js';
import { cachedIndexCopy } from '../support/index-cache.js';

/**
 * A little under what was measured on 2026-11-29 (49 dev cables, 225 answerable questions): hit@1 0.747,
 * hit@5 0.956, right cable in top 5 0.991. Earlier measurements on fewer questions: docs/decisions.md.
 */
export const CORPUS_GATE = { 'hit@1': 0.73, 'hit@5': 0.94, 'cable_hit@5': 0.97 };
/**
 * Refusal over many cables, where common words always match something (README, Trust): held-out off-topic
 * questions refused, answerable dev questions wrongly refused, and the seed questions, whose cable is not in
 * the slice, refused (questions nobody wrote as off-topic). Measured on 2026-11-30: 33/34, 2/225, 109/114.
 */
export const CORPUS_TRUST_GATE = { offtopicHeldoutRefused: 0.9, falseRefusals: 0.03, absentCableRefused: 0.9 };

if (!haveCorpus) console.warn('corpus gate skipped: ../shared/corpus/cablegate-2010 is not next to the project');

describe.skipIf(!haveCorpus)('corpus eval gate (dev questions over a 110-cable slice)', () => {
  let dir: string;
  let pipeline: Pipeline;
  let full: Metrics;
  beforeAll(async () => {
    // Built once for this code and these cables (kept in test/.artifacts), with worker threads on every core as
    // `npm run ingest` does: about a minute that way.
    const slice = corpusSlice();
    dir = await cachedIndexCopy('corpus-slice', slice, async (into) => {
      const report = await buildIndex(slice, { indexDir: into, model: 'use-lite' });
      expect(report.indexed.cables).toBeGreaterThanOrEqual(75);
    });
    pipeline = await openPipeline({ indexDir: dir, queryThreads: 0 });
    full = await runEval(pipeline, loadQa(DEV_QA), { mode: 'full' });
    console.log(JSON.stringify({ ...full, misses: full.misses.map((m) => m.id) }));
  }, 600_000);
  afterAll(async () => {
    await pipeline?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the right cable, and the answering paragraph first and in the top five', () => {
    expect(full['hit@1']).toBeGreaterThanOrEqual(CORPUS_GATE['hit@1']);
    expect(full['hit@5']).toBeGreaterThanOrEqual(CORPUS_GATE['hit@5']);
    expect(full['cable_hit@5']).toBeGreaterThanOrEqual(CORPUS_GATE['cable_hit@5']);
  });

  it('refuses off-topic questions and questions about cables it does not hold, and rarely an answerable one', async () => {
    const off = await runEval(pipeline, loadQa(OFFTOPIC_QA).filter((q) => q.split === 'heldout'), { mode: 'full' });
    const absent = await runEval(pipeline, loadQa(SEED_QA).filter((q) => q.unanswerable !== true && !q.history), { mode: 'full' });
    console.log(JSON.stringify({ offtopic: off.abstain_rate_unanswerable, falseRefusals: full.false_abstention_rate, absent: [absent.absent_cable_refused, absent.absent_cable], reliability: full.reliability }));
    expect(off.unanswerable).toBeGreaterThanOrEqual(30);
    expect(off.abstain_rate_unanswerable).toBeGreaterThanOrEqual(CORPUS_TRUST_GATE.offtopicHeldoutRefused);
    expect(full.false_abstention_rate).toBeLessThanOrEqual(CORPUS_TRUST_GATE.falseRefusals);
    expect(absent.absent_cable).toBeGreaterThanOrEqual(100);
    expect(absent.absent_cable_refused / absent.absent_cable).toBeGreaterThanOrEqual(CORPUS_TRUST_GATE.absentCableRefused);
    // A refusal never reads as Medium or High: every shown answer is counted in a band, refusals in none.
    expect(full.reliability.high.answers + full.reliability.medium.answers + full.reliability.low.answers).toBe(full.questions - full.abstained_correct - full.false_abstentions);
  });

  it('ranks better than each single retrieval stage (hit@1)', async () => {
    const rerank = await runEval(pipeline, loadQa(DEV_QA), { mode: 'rerank' });
    for (const mode of ['dense', 'lexical', 'fused'] as const) {
      const m = await runEval(pipeline, loadQa(DEV_QA), { mode });
      expect(rerank['hit@1'], mode).toBeGreaterThan(m['hit@1']);
    }
  });
});
