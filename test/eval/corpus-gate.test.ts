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
import { corpusSlice, DEV_QA, haveCorpus } from '../support/corpus-slice.js';
import { cachedIndexCopy } from '../support/index-cache.js';

/**
 * A little under what was measured on 2026-11-29 (49 dev cables, 225 answerable questions): hit@1 0.747,
 * hit@5 0.956, right cable in top 5 0.991. Earlier measurements on fewer questions: docs/decisions.md.
 */
export const CORPUS_GATE = { 'hit@1': 0.73, 'hit@5': 0.94, 'cable_hit@5': 0.97 };

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

  it('ranks better than each single retrieval stage (hit@1)', async () => {
    const rerank = await runEval(pipeline, loadQa(DEV_QA), { mode: 'rerank' });
    for (const mode of ['dense', 'lexical', 'fused'] as const) {
      const m = await runEval(pipeline, loadQa(DEV_QA), { mode });
      expect(rerank['hit@1'], mode).toBeGreaterThan(m['hit@1']);
    }
  });
});
