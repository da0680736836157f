/**
 * The confidence shown with an answer: 0..1, the chance that its first passage is the right one. A logistic
 * model of the first passage's features and of its lead over the second passage, fitted by scripts/tune.ts on
 * all tune questions, unanswerable ones included (their first passage is never right), so the number is
 * honest for questions the cables do not answer too. The lead is on the reranker's scale: the two are
 * refitted together. No input says what kind of answer the question asks for: with one, the fit learnt a
 * habit of our question writers rather than of the cables (docs/decisions.md, 13:04–14:47).
 */
import type { Features } from '../retrieve/index.js';
import fitted from './confidence.json' with { type: 'json' };

export const CONFIDENCE_INPUTS = ['sentenceCoverage', 'coverage', 'denseMax', 'contextCoverage', 'margin'] as const;
type Input = (typeof CONFIDENCE_INPUTS)[number];

export const CONFIDENCE: { bias: number; weights: Record<Input, number> } = fitted;

/** The model's inputs in CONFIDENCE_INPUTS order. `margin`: the first passage's score minus the second's. */
export function confidenceInputs(f: Features, margin: number): number[] {
  return CONFIDENCE_INPUTS.map((k) => (k === 'margin' ? margin : f[k]));
}

export function confidenceOf(f: Features, margin: number): number {
  const x = confidenceInputs(f, margin);
  const z = CONFIDENCE.bias + CONFIDENCE_INPUTS.reduce((s, k, i) => s + CONFIDENCE.weights[k] * x[i]!, 0);
  return 1 / (1 + Math.exp(-z));
}
