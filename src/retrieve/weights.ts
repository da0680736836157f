/**
 * Ranking weights belong to the embedder they were fitted with: its similarities have their own scale and
 * strength, so another model's weights would rank with numbers that mean something else. weights.json keeps
 * one set per embedder id (scripts/tune.ts writes it), and one "model-agnostic" set fitted without any feature
 * that is a similarity value (only words, ranks and positions, whose meaning does not depend on the model):
 * an embedder without its own fit ranks with that one, and says so (Ranking.kind, the log, /api/health).
 */
import { FEATURE_NAMES, type FeatureName } from './features.js';
import type { SentenceFeatures } from './sentences.js';
import stored from './weights.json' with { type: 'json' };

export type Weights = Record<FeatureName, number>;

/** The key of the weights fitted without similarity values, in weights.json. */
export const MODEL_AGNOSTIC = 'model-agnostic';
/** Features whose values are the embedder's similarities, left out of the model-agnostic fit. */
export const MODEL_SCALE_FEATURES: readonly FeatureName[] = ['denseMax', 'denseTop2', 'denseLex', 'denseCable', 'denseInTop'];

export interface Ranking {
  /** Fitted for this embedder, fitted without similarity values, or neutral (nothing fitted at all). */
  kind: 'fitted' | 'model-agnostic' | 'neutral';
  /** The embedder id the weights were fitted for, or null. */
  fittedFor: string | null;
  reranker: Weights;
  sentence: SentenceFeatures;
}

interface Stored {
  reranker: Record<string, number>;
  sentence: SentenceFeatures;
}

/** A weight for every feature of the table, or a clear failure: a feature added without a refit. */
function weightsOf(id: string, stored: Record<string, number>): Weights {
  const missing = FEATURE_NAMES.filter((n) => typeof stored[n] !== 'number');
  if (missing.length) throw new Error(`weights.json has no weight for ${missing.join(', ')} (model ${id}): refit with scripts/tune.ts --write`);
  return Object.fromEntries(FEATURE_NAMES.map((n) => [n, stored[n]!])) as Weights;
}

/** Every feature once, every sentence signal once: where a fit starts from, and what an unfitted model uses. */
export const NEUTRAL: Ranking = {
  kind: 'neutral',
  fittedFor: null,
  reranker: Object.fromEntries(FEATURE_NAMES.map((n) => [n, 1])) as Weights,
  sentence: { coverage: 1, context: 1, similarity: 1, type: 1, previous: 1 },
};

const models = stored.models as Record<string, Stored>;

export function rankingFor(embedderId: string): Ranking {
  const own = embedderId === MODEL_AGNOSTIC ? undefined : models[embedderId];
  if (own) return { kind: 'fitted', fittedFor: embedderId, reranker: weightsOf(embedderId, own.reranker), sentence: own.sentence };
  const any = models[MODEL_AGNOSTIC];
  if (any) return { kind: 'model-agnostic', fittedFor: null, reranker: weightsOf(MODEL_AGNOSTIC, any.reranker), sentence: any.sentence };
  return NEUTRAL;
}
