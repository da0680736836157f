/**
 * How far an answer can be trusted, from the first passage as shown (twins folded) and its lead over the next:
 * - answerable: the chance that the cables answer the question at all. Below `refuseBelow` the tool refuses.
 * - confidence: the chance that the first passage shown is the right one, and the band it is shown as
 *   (High / Medium / Low), cut where the fitted data says each band is right as often as its name claims.
 * Both are logistic models fitted per embedder by scripts/fit-trust.ts on the tune split of eval/ (trust.json),
 * over a one-cable and a 1,287-cable index, so they hold at either size. A model without a fit gets no
 * number: its answers are "unrated", and it refuses only by the model-agnostic rules in decide.ts.
 */
import type { ConfidenceBand } from '../domain.js';
import type { Features } from '../retrieve/index.js';
import stored from './trust.json' with { type: 'json' };

export const TRUST_INPUTS = ['coverage', 'sentenceCoverage', 'denseMax', 'cableCoverage', 'cableSupport', 'contextCoverage', 'previousParagraph', 'margin'] as const;
export type TrustInput = (typeof TRUST_INPUTS)[number];

export interface Logistic {
  bias: number;
  weights: Record<TrustInput, number>;
}

export interface TrustModel {
  answerable: Logistic;
  /** Refuse when the answerable chance is below this. */
  refuseBelow: number;
  confidence: Logistic;
  /**
   * Confidence at or above `high` reads High; at or above `medium`, Medium; else Low. `high` is null when no
   * cut was right often enough to be called High (fit-trust.ts): then no answer reads High.
   */
  bands: { high: number | null; medium: number };
}

/** A lead beyond this says nothing more (a lone matching paragraph can lead by 10). */
const MARGIN_CAP = 3;

/** The models' inputs in TRUST_INPUTS order. `margin`: the first passage's score minus the next one's. */
export function trustInputs(f: Features, margin: number): number[] {
  return TRUST_INPUTS.map((k) => (k === 'margin' ? Math.min(margin, MARGIN_CAP) : f[k]));
}

export function probability(m: Logistic, x: readonly number[]): number {
  const z = m.bias + TRUST_INPUTS.reduce((s, k, i) => s + m.weights[k] * x[i]!, 0);
  return 1 / (1 + Math.exp(-z));
}

export function bandOf(confidence: number, bands: TrustModel['bands']): ConfidenceBand {
  return bands.high !== null && confidence >= bands.high ? 'high' : confidence >= bands.medium ? 'medium' : 'low';
}

const models = stored.models as Record<string, TrustModel>;

/** The fitted trust model of this embedder, or null. */
export function trustFor(embedderId: string): TrustModel | null {
  return models[embedderId] ?? null;
}
