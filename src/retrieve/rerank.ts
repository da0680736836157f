/**
 * Second-stage features and score. Every feature is computed from the question, the candidate paragraph
 * and numbers the first stage already has, so reranking 50–100 candidates costs well under a millisecond
 * each and needs no second model. Weights were set on the "tune" split of eval/ (see eval/README.md).
 */
import type { CableMeta, Span } from '../domain.js';
import { splitSentences } from '../chunk/index.js';
import type { StoredParagraph } from '../index/store.js';
import fitted from './weights.json' with { type: 'json' };
import { asksForNumber, asksForTime, hasNumber, hasTime, isStopWord, stem, words } from './text.js';

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
  /**
   * Share of the question's neighbouring word pairs ("border checkpoint", "police team") that stand within
   * three words of each other in the paragraph: the words are used together, not just both present.
   */
  phrase: number;
  /** Share of the conversation's earlier terms found (follow-ups only). */
  contextCoverage: number;
  /** The question asks for a number (or a time) and the best sentence has one. */
  typeMatch: number;
  /**
   * How strongly the rest of this paragraph's cable matches (sum of the fused scores of its other candidate
   * paragraphs, 0..1): in a large corpus the cable that is about the question has several matching paragraphs.
   */
  cableSupport: number;
  /**
   * IDF-weighted share of question terms found anywhere in the paragraph's cable (subject and all
   * paragraphs). An answer paragraph often says "the ship" where the question says "the Faina": the name is
   * elsewhere in its cable, not in a look-alike cable.
   */
  cableCoverage: number;
  /**
   * denseMax scaled by cableCoverage². Within a cable that is about the question, the model's similarity
   * tells its paragraphs apart well; across a large corpus its neighbours are often from unrelated cables
   * (fitted alone, the seed cable wanted dense weights ~3 and the corpus ≤ 0).
   */
  denseCable: number;
  /**
   * 1 for paragraphs of the cable that best matches the question as a whole (its coverage of the question
   * plus its best BM25). Makes a corpus look like the single-cable case for the other features: which
   * cable, then which paragraph of it.
   */
  topCable: number;
  /**
   * denseMax and rrf again, for paragraphs of the top cable only, for the same reason as denseCable.
   */
  denseInTop: number;
  rrfInTop: number;
  /** Follow-ups: this paragraph's cable is the one the previous answer cited first. */
  previousCable: number;
  /** Follow-ups: this is the paragraph the previous answer cited first, or one next to it. */
  previousParagraph: number;
  /** 1 for the un-numbered preamble (subject/summary), which matches everything a little and answers little. */
  preamble: number;
  /** Best sentences (offsets into the paragraph text), best first. */
  best: { span: Span; score: number }[];
  /** Every sentence with what its score was made of (kept for fitting SENTENCE_WEIGHTS). */
  sentences: { span: Span; f: SentenceFeatures }[];
}

/** What marks a sentence as the one that answers: the question's terms, its meaning, the kind of answer. */
export interface SentenceFeatures {
  coverage: number;
  context: number;
  similarity: number;
  type: number;
  /** Coverage of the sentence before: a paragraph often names its topic, then answers in the next sentence. */
  previous: number;
}

export const SENTENCE_WEIGHTS: SentenceFeatures = fitted.sentence;

export function sentenceScore(f: SentenceFeatures, w = SENTENCE_WEIGHTS): number {
  return w.coverage * f.coverage + w.context * f.context + w.similarity * f.similarity + w.type * f.type + w.previous * f.previous;
}

export interface FeatureInput {
  question: string;
  terms: string[];
  /** Neighbouring content-word pairs of the question, stemmed (see questionPairs). */
  pairs: [string, string][];
  contextTerms: string[];
  idf: Map<string, number>;
  paragraph: StoredParagraph;
  cable: CableMeta;
  segments: { start: number; end: number; similarity: number }[];
  rrf: number;
  bm25: number;
  /** The question's terms that occur anywhere in the paragraph's cable (subject included). */
  cableTerms: Set<string>;
  /** The previous answer's first citation, for follow-ups. */
  previous?: { ref: string; ord: number };
}

/**
 * Weights of the second-stage score, fitted on tune questions only and written by scripts/tune.ts --write (the
 * fitting method and question count are recorded next to them in weights.json).
 */
export const WEIGHTS: Record<keyof typeof fitted.reranker, number> = fitted.reranker;

export function rerankScore(f: Features, w = WEIGHTS): number {
  return (
    w.rrf * f.rrf +
    w.bm25 * f.bm25 +
    w.denseMax * f.denseMax +
    w.denseTop2 * f.denseTop2 +
    w.denseLex * f.denseLex +
    w.coverage * f.coverage +
    w.sentenceCoverage * f.sentenceCoverage +
    w.phrase * f.phrase +
    w.contextCoverage * f.contextCoverage +
    w.typeMatch * f.typeMatch +
    w.cableSupport * f.cableSupport +
    w.cableCoverage * f.cableCoverage +
    w.denseCable * f.denseCable +
    w.topCable * f.topCable +
    w.denseInTop * f.denseInTop +
    w.rrfInTop * f.rrfInTop +
    w.previousCable * f.previousCable +
    w.previousParagraph * f.previousParagraph -
    w.preamble * f.preamble
  );
}

/**
 * The features that compare a candidate with the others of its question (which cable matches best, how
 * much of the rest of the candidates its cable holds); set once all candidates have their own features.
 */
export function setCableFeatures(candidates: { ref: string; f: Features }[]): void {
  const rrfByCable = new Map<string, number>();
  const cableScore = new Map<string, number>();
  for (const { ref, f } of candidates) {
    rrfByCable.set(ref, (rrfByCable.get(ref) ?? 0) + f.rrf);
    cableScore.set(ref, Math.max(cableScore.get(ref) ?? 0, f.cableCoverage + f.bm25));
  }
  const topScore = Math.max(0, ...cableScore.values());
  for (const { ref, f } of candidates) {
    f.topCable = cableScore.get(ref) === topScore ? 1 : 0;
    f.denseInTop = f.topCable * f.denseMax;
    f.rrfInTop = f.topCable * f.rrf;
    f.cableSupport = Math.min(1, (rrfByCable.get(ref)! - f.rrf) / 2);
  }
}

interface Analysis {
  stems: Set<string>;
  /** Word positions of each stem, for the phrase feature. */
  positions: Map<string, number[]>;
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
  const positions = new Map<string, number[]>();
  words(text).forEach((w, i) => {
    const s = stem(w.word);
    const list = positions.get(s);
    if (list) list.push(i);
    else positions.set(s, [i]);
  });
  a = {
    stems: new Set(positions.keys()),
    positions,
    sentences: splitSentences(text).map((span) => {
      const sentence = text.slice(span.start, span.end);
      return { span, stems: new Set(words(sentence).map((w) => stem(w.word))), number: hasNumber(sentence), time: hasTime(sentence) };
    }),
  };
  if (analyses.size >= 50_000) analyses.delete(analyses.keys().next().value!);
  analyses.set(text, a);
  return a;
}

/** How many words apart a question's word pair may stand in a paragraph and still count as used together. */
const PHRASE_WINDOW = 3;

/** The question's neighbouring content words (stop words skipped), stemmed, as pairs in question order. */
export function questionPairs(question: string): [string, string][] {
  const seq = words(question)
    .map((w) => w.word)
    .filter((w) => !isStopWord(w))
    .map(stem);
  return seq.slice(1).map((w, i) => [seq[i]!, w] as [string, string]).filter(([a, b]) => a !== b);
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
  const sentences: Features['sentences'] = [];
  let sentenceCoverage = 0;
  let typeMatch = 0;
  let before = 0;
  for (const { span, stems, number, time } of analysis.sentences) {
    const cov = total ? weigh(terms.filter((t) => stems.has(t))) / total : 0;
    const ctx = ctxTotal ? weigh(contextTerms.filter((t) => stems.has(t))) / ctxTotal : 0;
    const seg = segments.find((s) => s.start <= span.start && span.end <= s.end) ?? segments.find((s) => s.start < span.end && span.start < s.end);
    const type = (wantsNumber && number) || (wantsTime && time) ? 1 : 0;
    sentences.push({ span, f: { coverage: cov, context: ctx, similarity: seg?.similarity ?? 0, type, previous: before } });
    before = cov;
    if (cov > sentenceCoverage) sentenceCoverage = cov;
    if (type && cov > 0) typeMatch = 1;
  }
  const near = (a: number[], b: number[]) => a.some((i) => b.some((j) => Math.abs(i - j) <= PHRASE_WINDOW));
  const phraseHits = input.pairs.filter(([a, b]) => near(analysis.positions.get(a) ?? [], analysis.positions.get(b) ?? [])).length;
  const cableCoverage = total ? weigh(terms.filter((t) => input.cableTerms.has(t))) / total : 0;
  const best = sentences.map(({ span, f }) => ({ span, score: sentenceScore(f) }));
  best.sort((a, b) => b.score - a.score);
  return {
    rrf: input.rrf / (2 / 61),
    bm25: input.bm25,
    denseMax: sims[0] ?? 0,
    denseTop2: sims.length > 1 ? (sims[0]! + sims[1]!) / 2 : (sims[0] ?? 0),
    denseLex: input.bm25 > 0 ? (sims[0] ?? 0) : 0,
    coverage,
    sentenceCoverage,
    phrase: input.pairs.length ? phraseHits / input.pairs.length : 0,
    contextCoverage,
    typeMatch,
    cableSupport: 0,
    cableCoverage,
    denseCable: (sims[0] ?? 0) * cableCoverage * cableCoverage,
    topCable: 0,
    denseInTop: 0,
    rrfInTop: 0,
    previousCable: input.previous?.ref === paragraph.ref ? 1 : 0,
    previousParagraph: input.previous?.ref === paragraph.ref && Math.abs(input.previous.ord - paragraph.ord) <= 1 ? 1 : 0,
    preamble: paragraph.key === '0' ? 1 : 0,
    best,
    sentences,
  };
}
