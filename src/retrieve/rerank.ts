/**
 * The rerank stage: the shortlist rescored by a weighted sum of the features (features.ts). The weights were
 * fitted per embedder on the tune split of eval/ by scripts/tune.ts, which writes them into weights.json (weights.ts).
 */
import type { Candidate } from './candidate.js';
import type { TermWeights } from './corpus.js';
import { computeFeatures, FEATURE_NAMES, FEATURES, type Features } from './features.js';
import type { Query } from './query.js';
import type { Ranking, Weights } from './weights.js';

export type { Weights } from './weights.js';

/** The weighted sum, each feature counted the way the table says (a negative sign counts against). */
export function rerankScore(f: Features, w: Weights): number {
  let s = 0;
  for (const name of FEATURE_NAMES) {
    const term = w[name] * f[name];
    s = FEATURES[name].sign > 0 ? s + term : s - term;
  }
  return s;
}

/** Gives every candidate its features and its reranked score. */
export function rerank(candidates: Candidate[], query: Query, weights: TermWeights, ranking: Ranking): void {
  const features = computeFeatures(candidates, query, weights);
  candidates.forEach((c, i) => {
    c.features = features[i]!;
    c.score = rerankScore(c.features, ranking.reranker);
  });
}
