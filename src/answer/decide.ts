/**
 * The decide stage: whether to say "no paragraph answers this" instead of showing passages, and how sure an
 * answer is. Three checks, in this order:
 * 1. Words the archive never uses. A name in the question that no indexed cable mentions ("Bhutan",
 *    "Reykjavik"), or a question none of whose words is in any cable, cannot be answered from these cables;
 *    the refusal names the words, so a misspelt name is one retype away.
 * 2. The embedder's fitted trust model (trust.ts): refuse when the cables are unlikely to answer at all. Not
 *    for a follow-up of an answer: its own words are few ("What's it for?") and the answer before it vouches
 *    for its topic, so it is refused only by the first check.
 * 3. Without a fitted model: the model-agnostic rule, refuse only when the best paragraph shares almost
 *    nothing with the question; the answer is then "unrated".
 */
import type { ConfidenceBand } from '../domain.js';
import type { Corpus, Features, QueryAnalysis } from '../retrieve/index.js';
import { bandOf, probability, trustInputs, type QuestionInputs, type TrustModel } from './trust.js';

export interface AbstainRule {
  /** Abstain only when the best sentence covers less than this share of the question (IDF-weighted)… */
  sentenceCoverage: number;
  /** …the paragraph, heading and subject less than this… */
  coverage: number;
  /** …and the conversation's earlier terms less than this. */
  contextCoverage: number;
}

/** The model-agnostic rule (no fitted trust model). */
export const ABSTAIN: AbstainRule = { sentenceCoverage: 0.15, coverage: 0.2, contextCoverage: 0.5 };

export function nothingAnswers(f: Features, rule: AbstainRule = ABSTAIN): boolean {
  // A follow-up answered next to where the previous answer was ("And what share went of their own
  // accord?") often shares no words with its paragraph: the conversation, not the wording, places it.
  return f.sentenceCoverage < rule.sentenceCoverage && f.coverage < rule.coverage && f.contextCoverage < rule.contextCoverage && f.previousParagraph === 0;
}

/**
 * Words of the question no indexed cable uses: its names (capitalised after the first word) when no cable
 * mentions at least half of them, or, when no word of the question at all is in any cable, those words. Empty
 * when the archive knows the question's words. One unknown name among several known ones (the user's
 * "Washington" for the cable's "USG") is left to the trust model. A follow-up's own words may all be new ("Who
 * runs it now?"): its conversation says what it is about, so only its names count.
 */
export function unknownWords(corpus: Corpus, q: QueryAnalysis, followUp = false): string[] {
  const store = corpus.store;
  const names = [...new Set(q.names)].filter((n) => /^\p{L}{2,}$/u.test(n));
  if (names.length) {
    const unknown = names.filter((n) => !store.mentions(n));
    if (unknown.length * 2 < names.length || unknown.length === 0) return [];
    return unknown.map((n) => q.text.slice(q.words.find((w) => w.word === n)!.start).match(/^\p{L}+/u)![0]);
  }
  const words = q.lexicalWords.filter((w) => /\p{L}/u.test(w));
  // "asdfghjkl" after an answer is not a follow-up: a follow-up has words that tie it to the turn before.
  const tied = followUp && q.words.length > words.length;
  if (!tied && words.length && !q.hasDigit && words.every((w) => !store.mentions(w))) return words;
  return [];
}

export interface Decision {
  abstained: boolean;
  /** 0..1, the chance the first passage is right; 0 when unrated. */
  confidence: number;
  band: ConfidenceBand;
  /** The reason for a refusal, for the user. */
  why?: string;
}

/**
 * From the first two passages as shown (twins folded): the models use the first one's lead over the next one
 * that is not its twin, as they were fitted (scripts/fit-trust.ts).
 */
export function decide(
  first: { features?: Features; score: number } | undefined,
  second: { score: number } | undefined,
  trust: TrustModel | null,
  unknown: readonly string[] = [],
  followUp = false,
  question: QuestionInputs = { names: 0 },
): Decision {
  const low = trust ? 'low' : 'unrated';
  if (unknown.length) return { abstained: true, confidence: 0, band: low, why: `the indexed cables never mention ${list(unknown)}` };
  if (!first) return { abstained: true, confidence: 0, band: low };
  const f = first.features;
  if (!f) throw new Error('decide needs reranked passages');
  if (!trust) return { abstained: nothingAnswers(f), confidence: 0, band: 'unrated' };
  const x = trustInputs(f, first.score - (second?.score ?? first.score), question);
  const confidence = probability(trust.confidence, x);
  if (!followUp && probability(trust.answerable, x) < trust.refuseBelow) {
    // A refusal never reads as Medium or High, whatever the passage's own numbers say.
    return { abstained: true, confidence: Math.min(confidence, trust.bands.medium / 2), band: 'low' };
  }
  return { abstained: false, confidence, band: bandOf(confidence, trust.bands) };
}

const list = (ws: readonly string[]) => (ws.length === 1 ? `"${ws[0]}"` : `${ws.slice(0, -1).map((w) => `"${w}"`).join(', ')} or "${ws.at(-1)}"`);
