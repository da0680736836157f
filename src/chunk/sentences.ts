import type { Span } from '../domain.js';

/**
 * Abbreviations that end in a period but rarely end a sentence in cables.
 * Cables are full of "U.S.", "Amb.", "Gen." and month abbreviations; splitting on them would cut
 * the answering sentence in half and make highlights useless.
 */
const ABBREVIATIONS = new Set(
  [
    'mr', 'mrs', 'ms', 'dr', 'st', 'gen', 'lt', 'col', 'maj', 'capt', 'sgt', 'adm', 'amb', 'sen', 'rep', 'gov',
    'pres', 'prof', 'rev', 'hon', 'no', 'nos', 'vol', 'para', 'paras', 'ref', 'refs', 'approx', 'est', 'dept',
    'inc', 'ltd', 'co', 'corp', 'vs', 'etc', 'al', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep',
    'sept', 'oct', 'nov', 'dec', 'e.g', 'i.e', 'u.s', 'u.k', 'u.n', 'a.m', 'p.m', 'fig', 'art', 'sec',
  ],
);

/** Sentence boundaries as character spans into `text`, trimmed of surrounding whitespace. */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  // A candidate end: . ! ? (optionally followed by closing quotes/brackets), then whitespace, then
  // something that can start a sentence (capital, digit, quote, bracket), possibly after a list dash:
  // talking points run together as "…this matter. -- Convey the United States' sympathy…".
  const re = /[.!?]["'”’)\]]*(?=\s+(?:-{1,2}\s+)?["'“‘(\[]?[A-Z0-9])/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m.index + m[0].length;
    if (isAbbreviation(text, m.index)) continue;
    pushTrimmed(text, start, end, spans);
    start = end;
  }
  pushTrimmed(text, start, text.length, spans);
  return spans;
}

function isAbbreviation(text: string, dot: number): boolean {
  if (text[dot] !== '.') return false;
  let i = dot;
  while (i > 0 && /[A-Za-z.]/.test(text[i - 1]!)) i--;
  const word = text.slice(i, dot).toLowerCase();
  if (ABBREVIATIONS.has(word)) return true;
  // Single initials ("John F. Kennedy") and dotted acronyms ("U.S.") do not end sentences.
  if (/^[a-z]$/.test(word) || /^([a-z]\.)+[a-z]$/.test(word)) return true;
  return false;
}

function pushTrimmed(text: string, start: number, end: number, out: Span[]): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) out.push({ start, end });
}

export function wordCount(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}
