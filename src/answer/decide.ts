/**
 * The decide stage: how sure the answer is, and whether to say "no paragraph answers this" instead.
 *
 * Our features cannot tell an on-topic question the cables leave unanswered from one they answer in other
 * words (docs/decisions.md), so the tool abstains only when the best paragraph shares almost nothing with the
 * question. Honest limits: README, Known limits.
 */
import type { Features } from '../retrieve/index.js';
import { confidenceOf } from './confidence.js';

export interface AbstainRule {
  /** Abstain only when the best sentence covers less than this share of the question (IDF-weighted)… */
  sentenceCoverage: number;
  /** …the paragraph, heading and subject less than this… */
  coverage: number;
  /** …and the conversation's earlier terms less than this. */
  contextCoverage: number;
}

export const ABSTAIN: AbstainRule = { sentenceCoverage: 0.15, coverage: 0.2, contextCoverage: 0.5 };

export function nothingAnswers(f: Features, rule: AbstainRule = ABSTAIN): boolean {
  // A follow-up answered next to where the previous answer was ("And what share went of their own
  // accord?") often shares no words with its paragraph: the conversation, not the wording, places it.
  return f.sentenceCoverage < rule.sentenceCoverage && f.coverage < rule.coverage && f.contextCoverage < rule.contextCoverage && f.previousParagraph === 0;
}

export interface Decision {
  abstained: boolean;
  confidence: number;
}

/**
 * From the first two passages as shown (twins folded): the confidence uses the first one's lead over the
 * next one that is not its twin, as the model was fitted (scripts/tune.ts).
 */
export function decide(first: { features?: Features; score: number } | undefined, second: { score: number } | undefined): Decision {
  if (!first) return { abstained: true, confidence: 0 };
  const f = first.features;
  if (!f) throw new Error('decide needs reranked passages');
  return { abstained: nothingAnswers(f), confidence: confidenceOf(f, first.score - (second?.score ?? first.score)) };
}
