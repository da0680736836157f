/**
 * Second-stage features and score. Every feature is computed from the question, the candidate paragraph
 * and numbers the first stage already has, so reranking 50–100 candidates costs well under a millisecond
 * each and needs no second model. Weights were set on the "tune" split of eval/ (see eval/README.md).
 */
import type { CableMeta, Span } from '../domain.js';
import { splitSentences } from '../chunk/index.js';
import type { StoredParagraph } from '../index/store.js';
import { asksForNumber, asksForTime, hasNumber, hasTime, stem, words } from './text.js';

export interface Features {
  /** Reciprocal-rank fusion score scaled to 0..1 (1 = first in both lists). */
  rrf: number;
  /** BM25 relative to the best lexical hit of this query (0..1). */
  bm25: number;
  /** Best and mean-of-two-best segment similarities to the question. */
  denseMax: number;
  denseTop2: number;
  /**
   * denseMax, but only for paragraphs lexical search also found. Over a large corpus the bundled model's
   * nearest neighbours are often from unrelated cables; agreement of both searches is the trustworthy case.
   */
  denseLex: number;
  /** IDF-weighted share of question terms found in the paragraph (0..1). */
  coverage: number;
  /** The same share for the best single sentence: terms that occur together, where an answer usually is. */
  sentenceCoverage: number;
  /** Share of the conversation's earlier terms found (follow-ups only). */
  contextCoverage: number;
  /** The question asks for a number (or a time) and the best sentence has one. */
  typeMatch: number;
  /**
   * How strongly the rest of this paragraph's cable matches (sum of the fused scores of its other candidate
   * paragraphs, 0..1): in a large corpus the cable that is about the question has several matching paragraphs.
   */
  cableSupport: number;
  /** 1 for the un-numbered preamble (subject/summary), which matches everything a little and answers little. */
  preamble: number;
  /** Best sentences (offsets into the paragraph text), best first. */
  best: { span: Span; score: number }[];
}

export interface FeatureInput {
  question: string;
  terms: string[];
  contextTerms: string[];
  idf: Map<string, number>;
  paragraph: StoredParagraph;
  cable: CableMeta;
  segments: { start: number; end: number; similarity: number }[];
  rrf: number;
  bm25: number;
}

export const WEIGHTS = {
  rrf: 0.45,
  bm25: 0.2,
  denseMax: 0.55,
  denseTop2: 0.15,
  denseLex: 0,
  coverage: 0.2,
  sentenceCoverage: 0.95,
  contextCoverage: 0.7,
  typeMatch: 0.15,
  cableSupport: 0,
  preamble: 0.4,
};

export function rerankScore(f: Features, w = WEIGHTS): number {
  return (
    w.rrf * f.rrf +
    w.bm25 * f.bm25 +
    w.denseMax * f.denseMax +
    w.denseTop2 * f.denseTop2 +
    w.denseLex * f.denseLex +
    w.coverage * f.coverage +
    w.sentenceCoverage * f.sentenceCoverage +
    w.contextCoverage * f.contextCoverage +
    w.typeMatch * f.typeMatch +
    w.cableSupport * f.cableSupport -
    w.preamble * f.preamble
  );
}

interface Analysis {
  stems: Set<string>;
  sentences: { span: Span; stems: Set<string>; number: boolean; time: boolean }[];
}

const analyses = new Map<string, Analysis>();
/**
 * Sentence split and stems of a paragraph, memoised by its text: the same paragraphs are candidates for
 * many questions, and tokenising them again was most of the cost of a query after the embedding.
 */
export function analyse(text: string): Analysis {
  let a = analyses.get(text);
  if (a) return a;
  a = {
    stems: new Set(words(text).map((w) => stem(w.word))),
    sentences: splitSentences(text).map((span) => {
      const sentence = text.slice(span.start, span.end);
      return { span, stems: new Set(words(sentence).map((w) => stem(w.word))), number: hasNumber(sentence), time: hasTime(sentence) };
    }),
  };
  if (analyses.size >= 50_000) analyses.delete(analyses.keys().next().value!);
  analyses.set(text, a);
  return a;
}

export function features(input: FeatureInput): Features {
  const { paragraph, terms, contextTerms, idf, segments } = input;
  const text = paragraph.text;
  const weigh = (ts: string[]) => ts.reduce((s, t) => s + (idf.get(t) ?? 0), 0);
  const total = weigh(terms);
  const ctxTotal = weigh(contextTerms);
  const analysis = analyse(text);
  const paraStems = analysis.stems;
  // Heading and subject words count for the paragraph as a whole: "What did the Poipet Transit Center…"
  // is about the paragraph under that heading even when the paragraph says "the PTC".
  const extra = new Set(words(`${paragraph.heading ?? ''} ${input.cable.subject ?? ''}`).map((w) => stem(w.word)));
  const coverage = total ? weigh(terms.filter((t) => paraStems.has(t) || extra.has(t))) / total : 0;
  const contextCoverage = ctxTotal ? weigh(contextTerms.filter((t) => paraStems.has(t) || extra.has(t))) / ctxTotal : 0;

  const wantsNumber = asksForNumber(input.question);
  const wantsTime = asksForTime(input.question);
  const sims = segments.map((s) => s.similarity).sort((a, b) => b - a);
  const best: { span: Span; score: number }[] = [];
  let sentenceCoverage = 0;
  let typeMatch = 0;
  for (const { span, stems, number, time } of analysis.sentences) {
    const cov = total ? weigh(terms.filter((t) => stems.has(t))) / total : 0;
    const ctx = ctxTotal ? weigh(contextTerms.filter((t) => stems.has(t))) / ctxTotal : 0;
    const seg = segments.find((s) => s.start <= span.start && span.end <= s.end) ?? segments.find((s) => s.start < span.end && span.start < s.end);
    const type = (wantsNumber && number) || (wantsTime && time) ? 1 : 0;
    const score = cov + 0.25 * ctx + 0.5 * (seg?.similarity ?? 0) + 0.2 * type;
    best.push({ span, score });
    if (cov > sentenceCoverage) sentenceCoverage = cov;
    if (type && cov > 0) typeMatch = 1;
  }
  best.sort((a, b) => b.score - a.score);
  return {
    rrf: input.rrf / (2 / 61),
    bm25: input.bm25,
    denseMax: sims[0] ?? 0,
    denseTop2: sims.length > 1 ? (sims[0]! + sims[1]!) / 2 : (sims[0] ?? 0),
    denseLex: input.bm25 > 0 ? (sims[0] ?? 0) : 0,
    coverage,
    sentenceCoverage,
    contextCoverage,
    typeMatch,
    cableSupport: 0,
    preamble: paragraph.key === '0' ? 1 : 0,
    best,
  };
}
