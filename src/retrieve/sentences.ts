/**
 * Which sentences of a paragraph answer: each sentence scored on the question's terms, its meaning and the
 * kind of answer asked for. The answer marks the best; collapsing and follow-ups read them too.
 */
import type { Span } from '../domain.js';
import type { TermWeights } from './corpus.js';
import type { SegmentSimilarity } from './dense.js';
import type { ParagraphAnalysis } from './paragraph.js';
import type { Query } from './query.js';

/** What marks a sentence as the one that answers. */
export interface SentenceFeatures {
  /** IDF-weighted share of the question's terms in the sentence. */
  coverage: number;
  /** The same for the conversation's terms (follow-ups). */
  context: number;
  /** Similarity to the question of the embedded segment that holds the sentence. */
  similarity: number;
  /** The question asks for a number (or a time) and the sentence has one. */
  type: number;
  /** Coverage of the sentence before: a paragraph often names its topic, then answers in the next sentence. */
  previous: number;
}

export interface ScoredSentence {
  span: Span;
  /** The sentence's word stems. */
  stems: Set<string>;
  f: SentenceFeatures;
  score: number;
}

/** `w`: the embedder's fitted sentence weights (weights.ts). */
export function sentenceScore(f: SentenceFeatures, w: SentenceFeatures): number {
  return w.coverage * f.coverage + w.context * f.context + w.similarity * f.similarity + w.type * f.type + w.previous * f.previous;
}

/** Every sentence of the paragraph in order, scored. */
export function scoreSentences(text: ParagraphAnalysis, segments: readonly SegmentSimilarity[], query: Query, weights: TermWeights, w: SentenceFeatures): ScoredSentence[] {
  const { terms, kind } = query.analysis;
  const { contextTerms } = query;
  const out: ScoredSentence[] = [];
  let before = 0;
  for (const { span, stems, number, time } of text.sentences) {
    const coverage = weights.total ? weights.weigh(terms.filter((t) => stems.has(t))) / weights.total : 0;
    const context = weights.contextTotal ? weights.weigh(contextTerms.filter((t) => stems.has(t))) / weights.contextTotal : 0;
    // The segment that holds the sentence, or else one that overlaps it.
    const seg = segments.find((s) => s.start <= span.start && span.end <= s.end) ?? segments.find((s) => s.start < span.end && span.start < s.end);
    const type = (kind.number && number) || (kind.time && time) ? 1 : 0;
    const f = { coverage, context, similarity: seg?.similarity ?? 0, type, previous: before };
    out.push({ span, stems, f, score: sentenceScore(f, w) });
    before = coverage;
  }
  return out;
}

/** The sentences best first (ties in text order). */
export function bestSentences(sentences: readonly ScoredSentence[]): ScoredSentence[] {
  return [...sentences].sort((a, b) => b.score - a.score);
}
