/**
 * A question read once: every later stage (follow-up detection, lexical and dense search, features, names)
 * takes what it needs from this instead of splitting the question again.
 */
import type { Filters } from '../domain.js';
import { asksForNumber, asksForTime, isStopWord, stem, words, type Word } from './text.js';

export interface QueryAnalysis {
  /** As asked, typed filters included. */
  raw: string;
  /** Typed filters taken out and spaces normalised: what is searched. */
  text: string;
  /** Filters typed into the question (`origin:"Phnom Penh"`). */
  filters: Filters;
  words: Word[];
  /** Stemmed content words, stop words dropped, de-duplicated, in order. */
  terms: string[];
  /**
   * Distinct non-stop words as written, for the full-text index: its porter tokenizer stems them itself, and a
   * stem is not always a word it would stem to the same thing.
   */
  lexicalWords: string[];
  /** Neighbouring content words (stop words skipped), stemmed, as pairs in question order. */
  pairs: [string, string][];
  /** Capitalised words after the first: the names the question brings in. */
  names: string[];
  /** Any digit (a year, a number): such a question names something even when it has no capitals. */
  hasDigit: boolean;
  /** The kind of answer asked for, which the sentence that answers usually has. */
  kind: { number: boolean; time: boolean };
  /**
   * Every word of the question as asked, typed filters included: what a later turn of the conversation counts
   * as already named.
   */
  mentioned: Set<string>;
}

const FILTER_KEYS = ['origin', 'after', 'before', 'classification', 'tag', 'cable'] as const;
const FILTER_RE = new RegExp(`\\b(${FILTER_KEYS.join('|')}):(?:"([^"]*)"|(\\S+))`, 'gi');

/**
 * Filters typed into the question, e.g. `tag:KTIP origin:"Phnom Penh" after:2008-01 who was removed?`. They are
 * taken out of the question before it is searched; the answer merges them over filters sent by the API (typed
 * ones win, since the user typed them last).
 */
export function extractFilters(question: string): { question: string; filters: Filters } {
  const filters: Filters = {};
  const rest = question.replace(FILTER_RE, (_m, key: string, quoted: string | undefined, bare: string | undefined) => {
    const value = (quoted ?? bare ?? '').trim();
    if (value) filters[key.toLowerCase() as (typeof FILTER_KEYS)[number]] = value;
    return ' ';
  });
  return { question: rest.replace(/\s+/g, ' ').trim(), filters };
}

export function analyseQuestion(raw: string): QueryAnalysis {
  const { question: text, filters } = extractFilters(raw);
  const ws = words(text);
  const content = ws.map((w) => w.word).filter((w) => !isStopWord(w));
  const seq = content.map(stem);
  return {
    raw,
    text,
    filters,
    words: ws,
    terms: contentTerms(ws),
    lexicalWords: [...new Set(content)],
    pairs: seq.slice(1).map((w, i) => [seq[i]!, w] as [string, string]).filter(([a, b]) => a !== b),
    names: ws.filter((w) => /^[A-Z]/.test(text.slice(w.start, w.end)) && w.start > 0).map((w) => w.word),
    hasDigit: /\d/.test(text),
    kind: { number: asksForNumber(text), time: asksForTime(text) },
    mentioned: new Set(text === raw ? ws.map((w) => w.word) : words(raw).map((w) => w.word)),
  };
}

/** Content terms of some words: stemmed, stop words and one-letter words (not digits) dropped, de-duplicated. */
export function contentTerms(ws: readonly Word[]): string[] {
  const seen = new Set<string>();
  for (const { word } of ws) {
    if (isStopWord(word) || (word.length < 2 && !/\d/.test(word))) continue;
    seen.add(stem(word));
  }
  return [...seen];
}

/** What retrieval searches for: a question, what of its conversation it leans on, and where to look. */
export interface Query {
  analysis: QueryAnalysis;
  /** Earlier text a follow-up leans on (the previous question, names from its answer); empty otherwise. */
  context: string[];
  /** Content terms of the context that the question does not have itself. */
  contextTerms: string[];
  /** For follow-ups: the paragraph the previous answer cited first (its cable and position in it). */
  previous?: { ref: string; ord: number };
  /** Filters to apply, typed and sent ones merged. */
  filters: Filters;
}

export function searchQuery(analysis: QueryAnalysis, lean: { context?: string[]; previous?: Query['previous'] } = {}, filters: Filters = {}): Query {
  const context = lean.context ?? [];
  const contextTerms = context.length ? contentTerms(words(context.join(' '))).filter((t) => !analysis.terms.includes(t)) : [];
  return { analysis, context, contextTerms, ...(lean.previous ? { previous: lean.previous } : {}), filters };
}
