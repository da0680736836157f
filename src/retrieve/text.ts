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

/** Words of `text` in order, lowercased, with their offsets; hyphens and punctuation separate words, as in FTS5. */
export function words(text: string): { word: string; start: number; end: number }[] {
  const out: { word: string; start: number; end: number }[] = [];
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ word: m[0].toLowerCase().replace(/’/g, "'").replace(/'s$/, ''), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const stems = new Map<string, string>();
/** Memoised: the same few thousand words recur in every query's candidates. */
export function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = /^\d/.test(word) ? word : stemmer(word);
    if (stems.size > 200_000) stems.clear();
    stems.set(word, s);
  }
  return s;
}

export function isStopWord(word: string): boolean {
  return STOP.has(word);
}

/** Content terms of a question: stemmed, stop words dropped, de-duplicated, in order. */
export function contentTerms(text: string): string[] {
  const seen = new Set<string>();
  for (const { word } of words(text)) {
    if (STOP.has(word) || word.length < 2 && !/\d/.test(word)) continue;
    seen.add(stem(word));
  }
  return [...seen];
}

/** Questions that ask for a quantity are answered by sentences that contain one. */
export function asksForNumber(question: string): boolean {
  return /\b(how\s+(many|much|long|old|often|large|big|far)|what\s+(number|percentage|share|proportion|amount|size)|number\s+of|percent|figure)\b/i.test(question);
}

/** "How many X" / "how much": a count or an amount of something the question names. */
export function asksForCount(question: string): boolean {
  return /\bhow\s+(many|much)\b/i.test(question);
}

const NUMBER_WORD = /^(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|billions?)$/;

/**
 * Whether `text` has a number within three words of one of `terms` (stems): "32,249 Cambodians",
 * "sheltered 101 victims". A count question is answered by a number attached to what it counts, not by any
 * number in the paragraph.
 */
export function numberNearTerm(text: string, terms: Set<string>): boolean {
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    // A year is never the count asked for ("opened in 2004" does not say how many).
    if (!NUMBER_WORD.test(ws[i]!.word) || /^(19|20)\d\d$/.test(ws[i]!.word)) continue;
    for (let j = Math.max(0, i - 3); j <= Math.min(ws.length - 1, i + 3); j++) {
      if (j !== i && !NUMBER_WORD.test(ws[j]!.word) && terms.has(stem(ws[j]!.word))) return true;
    }
  }
  return false;
}

const TIME_WORD = /^((19|20)\d\d|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)$/;

/** Whether `text` has a date or year within four words of one of `terms` (stems): "opened in 2004". */
export function timeNearTerm(text: string, terms: Set<string>): boolean {
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    if (!TIME_WORD.test(ws[i]!.word)) continue;
    for (let j = Math.max(0, i - 4); j <= Math.min(ws.length - 1, i + 4); j++) {
      if (j !== i && !TIME_WORD.test(ws[j]!.word) && terms.has(stem(ws[j]!.word))) return true;
    }
  }
  return false;
}

/** "Who…?", "What is the name of…?": a question that asks for a person or an organisation. */
export function asksForName(question: string): boolean {
  return /^\s*(who|whom|whose)\b|\bwhat('s|\s+is|\s+was)\s+the\s+name\b/i.test(question);
}

/**
 * Whether `text` has a capitalised name (or acronym) that the question does not already use within four words of
 * one of `terms`: "IJM Investigator Ron Dunne", "funded by PRM". Text in capitals throughout says nothing either
 * way, so it counts as having one.
 */
export function nameNearTerm(text: string, terms: Set<string>, questionWords: Set<string>): boolean {
  const letters = text.replace(/[^A-Za-z]/g, '');
  if (letters.length && letters.replace(/[^A-Z]/g, '').length / letters.length > 0.5) return true;
  const ws = words(text);
  const isName = (i: number) => {
    const w = ws[i]!;
    const raw = text.slice(w.start, w.end);
    if (!/^[A-Z]/.test(raw) || questionWords.has(w.word) || STOP.has(w.word)) return false;
    // Not the first word of a sentence, which is capitalised anyway.
    const before = text.slice(Math.max(0, w.start - 3), w.start);
    return i > 0 && !/[.!?]["')\]]?\s+$/.test(before);
  };
  for (let i = 0; i < ws.length; i++) {
    if (!isName(i)) continue;
    for (let j = Math.max(0, i - 4); j <= Math.min(ws.length - 1, i + 4); j++) {
      if (j !== i && terms.has(stem(ws[j]!.word))) return true;
    }
  }
  return false;
}

/** "When…?", "What year…?": a question that asks for a date, not a duration. */
export function asksForDate(question: string): boolean {
  return /^\s*when\b|\bwhat\s+(year|date|month)\b/i.test(question);
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
