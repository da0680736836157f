/**
 * The rerank stage: the shortlist rescored by a weighted sum of the features (features.ts). The weights were
 * fitted on the tune split of eval/ by scripts/tune.ts, which writes them into weights.json with how.
 */
import type { Candidate } from './candidate.js';
import type { TermWeights } from './corpus.js';
import { computeFeatures, FEATURE_NAMES, FEATURES, type Features } from './features.js';
import type { Query } from './query.js';
import fitted from './weights.json' with { type: 'json' };

export type Weights = Record<keyof Features, number>;

/** A weight for every feature of the table, or a clear failure: a feature added without a refit. */
function weightsOf(stored: Record<string, number>): Weights {
  const missing = FEATURE_NAMES.filter((n) => typeof stored[n] !== 'number');
  if (missing.length) throw new Error(`weights.json has no weight for ${missing.join(', ')}: refit with scripts/tune.ts --write`);
  return Object.fromEntries(FEATURE_NAMES.map((n) => [n, stored[n]!])) as Weights;
}

export const WEIGHTS: Weights = weightsOf(fitted.reranker);

/** The weighted sum, each feature counted the way the table says (a negative sign counts against). */
export function rerankScore(f: Features, w: Weights = WEIGHTS): number {
  let s = 0;
  for (const name of FEATURE_NAMES) {
    const term = w[name] * f[name];
    s = FEATURES[name].sign > 0 ? s + term : s - term;
  }
  return s;
}

/** Gives every candidate its features and its reranked score. */
export function rerank(candidates: Candidate[], query: Query, weights: TermWeights): void {
  const features = computeFeatures(candidates, query, weights);
  candidates.forEach((c, i) => {
    c.features = features[i]!;
    c.score = rerankScore(c.features);
  });
}
