/**
 * A paragraph's words and sentences, read once per text and kept: the same paragraphs are candidates for
 * many questions, and tokenising them again was most of a query's cost after the embedding.
 */
import { splitSentences } from '../chunk/index.js';
import type { Span } from '../domain.js';
import { hasNumber, hasTime, stem, words } from './text.js';

export interface ParagraphAnalysis {
  stems: Set<string>;
  /** Word positions of each stem, for the phrase feature. */
  positions: Map<string, number[]>;
  sentences: { span: Span; stems: Set<string>; number: boolean; time: boolean }[];
}

/** Paragraph texts kept; well above the candidates of a working session's questions. */
const KEPT = 50_000;
const analyses = new Map<string, ParagraphAnalysis>();

export function analyseParagraph(text: string): ParagraphAnalysis {
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
  if (analyses.size >= KEPT) analyses.delete(analyses.keys().next().value!);
  analyses.set(text, a);
  return a;
}
