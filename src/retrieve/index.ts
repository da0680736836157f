/**
 * Retrieval: from a question to ranked paragraphs, as stages combined by one thin function.
 *
 *   lexical (FTS5 BM25) ─┐
 *                        ├─ fuse (reciprocal rank) → candidates read → order (rerank, or one signal alone)
 *   dense (HNSW)  ───────┘
 *
 * A plan says which stages run: the app always runs them all; the eval also measures each first stage alone
 * and plain fusion, to show what every stage adds.
 */
import { CandidateReader, type Candidate } from './candidate.js';
import type { Corpus, TermWeights } from './corpus.js';
import { dense, denseText, NO_DENSE_HITS } from './dense.js';
import { fuse } from './fuse.js';
import { lexical } from './lexical.js';
import type { Query } from './query.js';
import { rerank } from './rerank.js';
import type { Ranking } from './weights.js';

export { Corpus } from './corpus.js';
export { analyseQuestion, extractFilters, searchQuery, type Query, type QueryAnalysis } from './query.js';
export type { Candidate } from './candidate.js';
export type { Features, FeatureName } from './features.js';
export { NEUTRAL, rankingFor, type Ranking, type Weights } from './weights.js';

/** Candidates taken from each first-stage search; deep enough that the reranker can recover their misses. */
const DEPTH = 50;
/** Candidates (by fused rank) the reranker rescores: further down, nothing climbs to the top. */
export const RERANK_DEPTH = 30;
/** Candidates a single-signal plan orders, at the least. */
const SINGLE_SIGNAL_DEPTH = 10;

export interface Plan {
  name: string;
  lexical: boolean;
  dense: boolean;
  /** How many fused candidates are read and ordered, for `k` wanted. */
  depth(k: number): number;
  /** Sets every candidate's score (higher first). */
  order(candidates: Candidate[], query: Query, weights: TermWeights, ranking: Ranking): void;
}

const single = (name: string, stages: { lexical: boolean; dense: boolean }, signal: (c: Candidate) => number): Plan => ({
  name,
  ...stages,
  depth: (k) => Math.max(k, SINGLE_SIGNAL_DEPTH),
  order: (cs) => cs.forEach((c) => (c.score = signal(c))),
});

export const PLANS = {
  /** Dense search alone, by the best segment's similarity. */
  dense: single('dense', { lexical: false, dense: true }, (c) => c.sims[0] ?? 0),
  /** Lexical search alone, by BM25. */
  lexical: single('lexical', { lexical: true, dense: false }, (c) => c.fused.bm25),
  /** Both, by their fused rank alone. */
  fused: single('fused', { lexical: true, dense: true }, (c) => c.fused.rrf),
  /** Both, fused, then reranked: what the app runs. */
  rerank: { name: 'rerank', lexical: true, dense: true, depth: () => RERANK_DEPTH, order: rerank },
} satisfies Record<string, Plan>;

export interface Retrieved {
  /** Best first, at most k. */
  ranked: Candidate[];
  /** Paragraphs the filters left to search (undefined: no filters). */
  allowed?: number;
  /** The index's view searched (Corpus.refresh). */
  view: number;
}

export async function retrieve(corpus: Corpus, query: Query, plan: Plan, k: number): Promise<Retrieved> {
  const view = corpus.refresh();
  const allowed = corpus.allowed(query.filters);
  if (allowed && allowed.size === 0) return { ranked: [], allowed: 0, view };
  // With a worker-backed embedder the model runs on another core while this thread does the lexical search
  // and reads its candidates: most of a query's own work hides behind the embedding.
  // A question made only of typed filters (after one, "And what about boys?" leans on it) has no words to
  // embed, and the bundled model throws on an empty text: such a question is searched by its words alone.
  const text = plan.dense ? denseText(query) : '';
  const embedding = text.trim() ? corpus.embedder.embed([text]) : null;
  const lex = plan.lexical ? lexical(corpus, query, DEPTH, allowed) : [];
  const reader = new CandidateReader(corpus);
  reader.prefetch(
    lex.slice(0, RERANK_DEPTH).map((l) => l.paragraph),
    plan.dense,
  );
  const weights = corpus.weights(query.analysis.terms, query.contextTerms);
  const vector = embedding ? (await embedding)[0]! : null;
  const den = vector ? dense(corpus, vector, DEPTH, allowed) : NO_DENSE_HITS;
  const shortlist = fuse(den.ids, lex).slice(0, plan.depth(k));
  const candidates = reader.candidates(shortlist, vector, den, query, weights);
  plan.order(candidates, query, weights, corpus.ranking);
  candidates.sort((a, b) => b.score - a.score || a.paragraph.id - b.paragraph.id);
  return { ranked: candidates.slice(0, Math.max(k, 0)), allowed: allowed?.size, view };
}
