/**
 * Word-level text handling shared by lexical search, reranking and highlighting, so that all three agree
 * on what counts as "the same word" (Porter stems, as SQLite FTS5's porter tokenizer uses).
 */
import { stemmer } from 'stemmer';

const STOP = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing done down during each few for from further had has have having he her here hers herself him
  himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our
  ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they
  this those through to too under until up very was we were what when where which while who whom why will with would you
  your yours yourself yourselves many much also tell told say said says according anything something thing things kind
  get got go went make made take took give gave let us use used way ever whether per cable cables can't cannot
  couldn't didn't doesn't don't hadn't hasn't haven't isn't wasn't weren't won't wouldn't shouldn't aren't
  what's who's there's it's that's roughly anybody anyone somebody someone really actually exactly`.split(/\s+/),
);

export interface Word {
  /** Lower-cased, possessive "'s" dropped. */
  word: string;
  start: number;
  end: number;
}

/** Words of `text` in order, lowercased, with their offsets; hyphens and punctuation separate words, as in FTS5. */
export function words(text: string): Word[] {
  const out: Word[] = [];
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ word: m[0].toLowerCase().replace(/’/g, "'").replace(/'s$/, ''), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const stems = new Map<string, string>();
/** Stems that FTS5 would stem again ("hous" → "hou"), each with a word it was made from. */
const surfaces = new Map<string, string>();
/** Memoised: the same few thousand words recur in every query's candidates. */
export function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = /^\d/.test(word) ? word : stemmer(word);
    if (stems.size > 200_000) (stems.clear(), surfaces.clear());
    stems.set(word, s);
    if (s !== word && !surfaces.has(s) && stemmer(s) !== s) surfaces.set(s, word);
  }
  return s;
}

/**
 * What to ask FTS5 for to find a stem: FTS5 stems the words of a query itself, and a stem is not always a
 * word that stems to itself ("house" → "hous" → "hou"), so such a stem is asked for by a word it came from.
 */
export function ftsWord(term: string): string {
  return surfaces.get(term) ?? term;
}

export function isStopWord(word: string): boolean {
  return STOP.has(word);
}

/** Questions that ask for a quantity are answered by sentences that contain one. */
export function asksForNumber(question: string): boolean {
  return /\b(how\s+(many|much|long|old|often|large|big|far)|what\s+(number|percentage|share|proportion|amount|size)|number\s+of|percent|figure)\b/i.test(question);
}

/** Questions that ask for a time are answered by sentences with dates or years. */
export function asksForTime(question: string): boolean {
  return /\b(when|what\s+(year|date|month|time)|since\s+when|how\s+long\s+ago)\b/i.test(question);
}

export function hasNumber(text: string): boolean {
  return /\d/.test(text) || /\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|half)\b/i.test(text);
}

export function hasTime(text: string): boolean {
  // Clock times too ("11:30 pm", "0900 hours"): "What time did the crew leave?" is answered by one.
  return (
    /\b(19|20)\d\d\b|\b(January|February|March|April|May|June|July|August|September|October|November|December)\b/.test(text) ||
    /\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?[ap]\.?m\b|\b\d{4}\s?(hours|hrs)\b/i.test(text)
  );
}
