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
import type { Features, QueryAnalysis } from '../retrieve/index.js';
import { stem } from '../retrieve/text.js';
import stored from './trust.json' with { type: 'json' };

export const TRUST_INPUTS = ['coverage', 'sentenceCoverage', 'denseMax', 'cableCoverage', 'cableSupport', 'contextCoverage', 'previousParagraph', 'margin', 'names'] as const;
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

/**
 * The models' inputs in TRUST_INPUTS order. `margin`: the first passage's score minus the next one's; `names`:
 * the share of the question's names (capitalised words after the first) that the first passage has, 0 when the
 * question names nothing: a question whose names all stand in the passage is about what it says, however few
 * other words it shares ("What job does Pak Youleang hold?")
 */
export function trustInputs(f: Features, margin: number, question: QuestionInputs): number[] {
  return TRUST_INPUTS.map((k) => (k === 'margin' ? Math.min(margin, MARGIN_CAP) : k === 'names' ? question.names : f[k]));
}

/** Inputs about the question itself, against the first passage. */
export interface QuestionInputs {
  names: number;
}

export function questionInputs(q: QueryAnalysis, first: Parameters<typeof namesShare>[1]): QuestionInputs {
  return { names: namesShare(q, first) };
}

/** The `names` input: share of the question's names among the passage's (and its heading's and subject's) words. */
export function namesShare(q: QueryAnalysis, passage: { text: { stems: Set<string> }; titleStems: Set<string> } | undefined): number {
  const names = [...new Set(q.names)].map(stem);
  if (!passage || names.length === 0) return 0;
  return names.filter((n) => passage.text.stems.has(n) || passage.titleStems.has(n)).length / names.length;
}

export function probability(m: Logistic, x: readonly number[]): number {
  const z = m.bias + TRUST_INPUTS.reduce((s, k, i) => s + m.weights[k] * x[i]!, 0);
  return 1 / (1 + Math.exp(-z));
}

export function bandOf(confidence: number, bands: TrustModel['bands']): ConfidenceBand {
  return bands.high !== null && confidence >= bands.high ? 'high' : confidence >= bands.medium ? 'medium' : 'low';
}

const models = stored.models as unknown as Record<string, TrustModel>;
for (const [id, m] of Object.entries(models)) {
  const missing = TRUST_INPUTS.filter((k) => typeof m.answerable.weights[k] !== 'number' || typeof m.confidence.weights[k] !== 'number');
  if (missing.length) throw new Error(`trust.json has no weight for ${missing.join(', ')} (model ${id}): refit with scripts/fit-trust.ts --write`);
}

/** The fitted trust model of this embedder, or null. */
export function trustFor(embedderId: string): TrustModel | null {
  return models[embedderId] ?? null;
}
