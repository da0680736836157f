/**
 * Retrieval stage by stage, on two small cables whose vectors are made by hand (test/support/tiny-archive.ts):
 * what each first-stage search finds, how fusion merges them, and what the reranker's features say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, type Pipeline } from '../../src/cablechat.js';
import { rerankedFor } from '../../src/answer/index.js';
import { FEATURE_NAMES, FEATURES, type Features } from '../../src/retrieve/features.js';
import { fuse, RRF_BEST, RRF_K } from '../../src/retrieve/fuse.js';
import { analyseQuestion, PLANS, retrieve, searchQuery } from '../../src/retrieve/index.js';
import { rerankScore } from '../../src/retrieve/rerank.js';
import { MODEL_SCALE_FEATURES, NEUTRAL, rankingFor } from '../../src/retrieve/weights.js';
import fitted from '../../src/retrieve/weights.json' with { type: 'json' };
import { HARBOUR, SHELTER, TOPICS } from '../support/tiny-archive.js';
import { tinyArchive, topicEmbedder, type TopicEmbedder } from '../support/topic-embedder.js';

let pipeline: Pipeline;
let model: TopicEmbedder;
let dispose: () => Promise<void>;
beforeAll(async () => {
  model = topicEmbedder(TOPICS);
  ({ pipeline, dispose } = await tinyArchive([SHELTER, HARBOUR], model));
});
afterAll(() => dispose());

const cite = (c: { paragraph: { ref: string; key: string } }) => `${c.paragraph.ref} ¶${c.paragraph.key}`;
async function ranked(question: string, plan: (typeof PLANS)[keyof typeof PLANS], k = 10) {
  const q = analyseQuestion(question);
  return (await retrieve(pipeline.corpus, searchQuery(q, {}, q.filters), plan, k)).ranked;
}

describe('dense search alone', () => {
  it('finds paragraphs by meaning when they share no word with the question, most similar first', async () => {
    // "youngsters" is only a topic word here: the children paragraphs, ordered by cosine to the children axis.
    const r = await ranked('Where do youngsters stay?', PLANS.dense);
    expect(r.slice(0, 3).map(cite)).toEqual(['09PHNOMPENH1 ¶1', '10LAGOS2 ¶2', '09PHNOMPENH1 ¶2']);
    expect(r[0]!.score).toBeCloseTo(model.vectorOf(SHELTER.paragraphs[0]!)[0]!, 5);
    expect(await ranked('Where do youngsters stay?', PLANS.lexical)).toEqual([]);
  });
});

describe('lexical search alone', () => {
  it('finds the paragraphs with the question\'s words, by BM25, and never asks the model', async () => {
    const before = model.seen.length;
    const r = await ranked('Who funded the shelter?', PLANS.lexical);
    expect(model.seen.length).toBe(before);
    expect(r.map(cite)).toContain('09PHNOMPENH1 ¶3');
    expect(r.map(cite)).not.toContain('10LAGOS2 ¶2');
    expect(r.map((c) => c.score)).toEqual([...r.map((c) => c.score)].sort((a, b) => b - a));
  });

  it('searches only the cables the filters allow', async () => {
    const r = await ranked('origin:Lagos Who funds boats?', PLANS.lexical);
    expect(new Set(r.map((c) => c.paragraph.ref))).toEqual(new Set(['10LAGOS2']));
  });
});

describe('fusion', () => {
  it('puts what both searches found above what one found, by reciprocal rank', () => {
    const f = fuse([1, 2, 3], [
      { paragraph: 3, score: 5 },
      { paragraph: 4, score: 2 },
    ]);
    expect(f.map((x) => x.paragraph)).toEqual([3, 1, 2, 4]);
    expect(f[0]!.rrf).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1), 12);
    // A tie keeps dense order first; BM25 is kept raw and relative to the best lexical hit.
    expect(f[2]!.rrf).toBe(f[3]!.rrf);
    expect(f.map((x) => x.bm25Share)).toEqual([1, 0, 0, 0.4]);
    expect(RRF_BEST).toBe(2 / (RRF_K + 1));
  });
});

describe('the reranker', () => {
  it('has a weight for every feature in its table, and nothing else, for every fitted model', () => {
    for (const m of Object.values(fitted.models)) expect(Object.keys(m.reranker).sort()).toEqual([...FEATURE_NAMES].sort());
  });

  it("keeps each model's weights to itself: a model without a fit ranks without similarity values", () => {
    expect(rankingFor('use-lite')).toMatchObject({ kind: 'fitted', fittedFor: 'use-lite' });
    expect(rankingFor('use-lite').reranker).not.toEqual(NEUTRAL.reranker);
    const other = rankingFor(model.id);
    expect(other).toMatchObject({ kind: 'model-agnostic', fittedFor: null });
    for (const f of MODEL_SCALE_FEATURES) expect(other.reranker[f], f).toBe(0);
    expect(other.sentence.similarity).toBe(0);
    expect(pipeline.corpus.ranking.kind).toBe('model-agnostic');
  });

  it('adds up the weighted features, a feature that counts against taking away', () => {
    const ones = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 1])) as Features;
    const w = rankingFor('use-lite').reranker;
    const expected = FEATURE_NAMES.reduce((s, n) => s + FEATURES[n].sign * w[n], 0);
    expect(rerankScore(ones, w)).toBeCloseTo(expected, 10);
    expect(FEATURES.preamble.sign).toBe(-1);
    expect(rerankScore({ ...ones, preamble: 0 }, w)).toBeGreaterThan(rerankScore(ones, w));
  });

  it('ranks the paragraph that answers first, and knows which cable the question is about', async () => {
    const r = await rerankedFor(pipeline.corpus, 'How many children can the Poipet shelter house?', new Conversation());
    expect(['09PHNOMPENH1 ¶1', '09PHNOMPENH1 ¶2']).toContain(cite(r[0]!));
    for (const c of r) expect(c.features!.topCable, cite(c)).toBe(c.paragraph.ref === SHELTER.ref ? 1 : 0);
    expect(r.find((c) => c.paragraph.key === '0')!.features!.preamble).toBe(1);
    // Every feature of every candidate is a number the score can use.
    for (const c of r) for (const n of FEATURE_NAMES) expect(Number.isFinite(c.features![n]), n).toBe(true);
  });

  it('scores the shortlist the way rerankScore says', async () => {
    const r = await ranked('Who paid for the shelter near the checkpoint?', PLANS.rerank);
    for (const c of r) expect(c.score).toBe(rerankScore(c.features!, pipeline.corpus.ranking.reranker));
    expect(r.map((c) => c.score)).toEqual([...r.map((c) => c.score)].sort((a, b) => b - a));
  });
});

describe('single-signal plans', () => {
  it('order by that signal alone and leave the features unset', async () => {
    const fused = await ranked('Who paid for the shelter near the checkpoint?', PLANS.fused);
    expect(fused.map((c) => c.score)).toEqual(fused.map((c) => c.fused.rrf));
    expect(fused.every((c) => c.features === undefined)).toBe(true);
    const lexical = await ranked('Who funded the shelter?', PLANS.lexical);
    expect(lexical.map((c) => c.score)).toEqual(lexical.map((c) => c.fused.bm25));
  });
});
