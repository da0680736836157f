/** The decide stage with a trust model given by hand: what a refusal and each band read as. */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/answer/decide.js';
import { TRUST_INPUTS, type Logistic, type TrustModel } from '../../src/answer/trust.js';
import { FEATURE_NAMES, type Features } from '../../src/retrieve/features.js';

const features = (over: Partial<Features>): Features => ({ ...(Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Features), ...over });
/** A logistic model on denseMax alone: p = 1 / (1 + e^-(10·denseMax − 5)). */
const onDense: Logistic = { bias: -5, weights: { ...(Object.fromEntries(TRUST_INPUTS.map((k) => [k, 0])) as Logistic['weights']), denseMax: 10 } };
const model: TrustModel = { answerable: onDense, refuseBelow: 0.3, confidence: onDense, bands: { high: 0.9, medium: 0.6 } };
const top = (denseMax: number) => ({ features: features({ denseMax, coverage: 1, sentenceCoverage: 1 }), score: 1 });

describe('decide', () => {
  it('gives each shown answer the band its confidence falls in', () => {
    expect(decide(top(0.95), undefined, model)).toMatchObject({ abstained: false, band: 'high' });
    expect(decide(top(0.6), undefined, model)).toMatchObject({ abstained: false, band: 'medium' });
    expect(decide(top(0.45), undefined, model)).toMatchObject({ abstained: false, band: 'low' });
  });

  it('never lets a refusal read as Medium or High', () => {
    const d = decide(top(0.3), undefined, model);
    expect(d.abstained).toBe(true);
    expect(d.band).toBe('low');
    expect(d.confidence).toBeLessThan(model.bands.medium);
  });

  it('shows no High at all when the fit found no cut that earns it', () => {
    const noHigh = { ...model, bands: { high: null, medium: 0.6 } };
    expect(decide(top(0.99), undefined, noHigh).band).toBe('medium');
  });

  it('does not refuse a follow-up by the model: the answer before it vouches for its topic', () => {
    expect(decide(top(0.3), undefined, model, [], true).abstained).toBe(false);
    expect(decide(top(0.3), undefined, model, ['Bhutan'], true)).toMatchObject({ abstained: true, why: 'the indexed cables never mention "Bhutan"' });
  });

  it('without a trust model, rates nothing and refuses only what shares almost nothing with the question', () => {
    expect(decide(top(0.99), undefined, null)).toEqual({ abstained: false, confidence: 0, band: 'unrated' });
    const unrelated = { features: features({ denseMax: 0.9 }), score: 1 };
    expect(decide(unrelated, undefined, null)).toMatchObject({ abstained: true, band: 'unrated' });
  });
});
