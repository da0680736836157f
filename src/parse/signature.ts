/**
 * The signature at the foot of a cable ("RODLEY", "Beyrle", "TIMKEN JR") and the trailer junk
 * after it. The signature is either alone on the last line or, in one-line-per-paragraph
 * files, run onto the end of the last sentence ("... on this issue. DANILOVICH"). Either way it
 * must come out of the last paragraph's text, or every answer quoting that paragraph ends
 * with the ambassador's name.
 */

import type { Line } from './lines.js';
import { endsSentence, isRuleLine } from './patterns.js';

/** Words that end cables but are not names. */
const NOT_A_NAME = new Set(
  (
    'END COMMENT SUMMARY TEXT NOTE NOTES QUOTE BEGIN MINIMIZE CONSIDERED CLEARED THE A AN AND OR OF IN ON AT TO ' +
    'FOR BY THIS THAT THESE WE I IT HE SHE THEY PART ONE TWO SEPTEL REFTEL ACTION REQUEST POINTS NONPAPER ' +
    'TALKING DETAILS REMOVED CONFIDENTIAL SECRET UNCLASSIFIED NOFORN SIPDIS SENSITIVE YES NO OK THANKS ' +
    'SEE ALSO AMBASSADOR EMBASSY DEPARTMENT POST MISSION CONSULATE BIO ANNEX ATTACHMENT PARA PARAS ' +
    'REGARDS SINCERELY BEST CHEERS'
  ).split(' '),
);

/**
 * Lines after the signature that belong to no paragraph: telegram end marks, declassification
 * stamps, and what the web viewers appended (database queries, related-cable titles cut at
 * "...", newspaper tracking lines).
 */
function isTrailerJunk(text: string): boolean {
  return (
    text === '' ||
    isRuleLine(text) ||
    /^NNNN$/i.test(text) ||
    /^End Cable Text$/i.test(text) ||
    /^<\/?[a-z]+[^>]*>?$|^>$/i.test(text) ||
    /^\d{2,4}[A-Z]+\d+\s+-\s+[A-Z]+$/.test(text) || // "2004CARACA02200 - CONFIDENTIAL"
    /^(?:Declassified\/Released|Systematic Review)\b/i.test(text) ||
    /^SELECT \* FROM\b/.test(text) ||
    /^EPET @/.test(text) ||
    /^Track impresi/.test(text) ||
    /From DB\/Inbox:/.test(text) ||
    /^ID:(?:\s+\d+)?$/.test(text) ||
    /^GP-\d$/.test(text) ||
    /^X{6,}$/i.test(text) || // a redacted signature

    /^[^a-z]{3,}\.\.\.$/.test(text) || // "DANIEL ORTEGA AN...": a related cable's title
    /^[.\s]+$/.test(text)
  );
}

/** Cleans a candidate name: drops a date, a stray period, "UNQUOTE", and a repeated surname. */
function tidyName(raw: string): string | null {
  let s = raw
    .replace(/^\([^)]*\)\s*/, '')
    .replace(/^(?:X{4,}\s+)+/i, '')
    .replace(/^(?:MINIMIZED? CONSIDERED|UNQUOTE)\.?\s+/i, '')
    .replace(/\s+\d{4}-\d{2}-\d{2}$/, '')
    .replace(/\s+\.$/, '')
    .trim();
  const words = s.split(/\s+/).filter((w) => !/^UNQUOTE$/i.test(w));
  const unique = words.filter((w, i) => i === 0 || w.toUpperCase() !== words[i - 1]!.toUpperCase());
  s = unique.join(' ');
  if (s.length < 2 || s.length > 40) return null;
  // A word ending in a period ends a sentence; only "Jr." may.
  const isWord = (w: string) => /^[A-Za-z][A-Za-z'-]*$/.test(w) || /^jr\.$/i.test(w);
  if (!unique.every(isWord) || unique.length > 3) return null;
  if (unique.some((w) => NOT_A_NAME.has(w.replace(/\.$/, '').toUpperCase()))) return null;
  if (/^X+$/i.test(s)) return null; // a redaction, not a name
  // Names are capitalised words, or (rarely) a lone lower-case surname.
  const capitalised = unique.every((w) => /^[A-Z]/.test(w) || /^jr\.?$/i.test(w));
  if (!capitalised && !(unique.length === 1 && /^[a-z]+$/.test(s))) return null;
  return s;
}

const isAllCaps = (s: string) => /[A-Z]/.test(s) && s === s.toUpperCase();

export interface SignatureResult {
  signature: string | null;
  /** The same lines with the signature and trailer junk blanked out. */
  lines: Line[];
}

/**
 * Where a run-on signature may start: after a finished sentence (the mangled closing quote "8"
 * included), after "END COMMENT"-style closers, or after a redaction.
 */
const BEFORE_GLUED_NAME =
  /(?:[.!?][)"”’8]?|[)"”’]|\bEND (?:COMMENT|TEXT|SUMMARY|NOTE)|\bEnd (?:[Cc]omment|[Tt]ext|[Ss]ummary|[Nn]ote)|\bX{4,}|\bx{4,})$/;
/** "Mr. Jones" at the very end is prose cut short, not a signature. */
const TITLE_BEFORE = /\b(?:Mr|Mrs|Ms|Dr|Amb|Gen|Col|Lt|St|Sen|Rep|Gov|Pres|Adm|Capt|Maj|Sgt|No)\.$/;
/** "David J. Hazarian": a middle initial, unlike "U.S." or "and T." before an upper-case surname. */
const INITIAL_BEFORE = /(?:^|\s)[A-Z]\.$/;

export function extractSignature(input: readonly Line[], from: number): SignatureResult {
  const lines = input.map((l) => ({ ...l }));
  let last = lines.length - 1;
  while (last >= from && isTrailerJunk(lines[last]!.text)) {
    lines[last]!.text = '';
    last--;
  }
  if (last < from) return { signature: null, lines };
  let prev = last - 1;
  while (prev >= from && lines[prev]!.text === '') prev--;
  const tail: Tail = { lines, from, last, prev, prevText: prev >= from ? lines[prev]!.text : '' };
  return { signature: aloneOnLastLine(tail) ?? runOnLastSentence(tail), lines };
}

interface Tail {
  lines: Line[];
  from: number;
  /** The last line with text, after trailer junk. */
  last: number;
  /** The line with text before it, and that text. */
  prev: number;
  prevText: string;
}

/**
 * "RODLEY" alone on the last line. Accepted when set apart from the prose (blank line,
 * finished sentence), or when it is a single word or an upper-case name under mixed-case text.
 * Blanks the line(s) it takes.
 */
function aloneOnLastLine({ lines, from, last, prev, prevText }: Tail): string | null {
  const name = tidyName(lines[last]!.text);
  if (!name || prev < from) return null;
  const setApart = prev < last - 1 || endsSentence(prevText) || isRuleLine(prevText);
  const distinctive = !name.includes(' ') || (isAllCaps(name) && /[a-z]/.test(prevText));
  if (!setApart && !distinctive) return null;
  lines[last]!.text = '';
  // "Huntsman" / "huntsman": the converter sometimes prints the signature twice.
  const repeated = prevText.toUpperCase() === name.toUpperCase();
  if (repeated) lines[prev]!.text = '';
  for (let i = prev; i >= from && /^GP-\d$/.test(lines[i]!.text); i--) lines[i]!.text = '';
  return repeated && /^[A-Z]/.test(prevText) ? prevText : name;
}

/**
 * Run onto the last sentence: "... cleared this message. WOOD", "... END COMMENT CURRAN",
 * ".FARRAR", "TIMKEN JR 2008-01-08". Cuts the name off the line when it takes it.
 */
function runOnLastSentence({ lines, last, prevText }: Tail): string | null {
  const line = lines[last]!;
  const glued =
    /^(.*?)\s*((?:[A-Za-z][A-Za-z'-]*\s+)?(?:JR|Jr|jr)\.?|(?<=[.!?]\s+)[A-Z]{2,}\s+[A-Z]{3,}|[A-Za-z][A-Za-z'-]*)(?:\s+\d{4}-\d{2}-\d{2})?\s*\.?$/.exec(
      line.text,
    );
  if (!glued || glued[1] === undefined || !glued[2]) return null;
  const before = glued[1].trimEnd();
  const name = tidyName(glued[2]);
  if (name === null) return null;

  // "¶3. (C) Three." is a paragraph, not "¶3. (C)" signed "Three" — unless the number merely
  // ends the sentence on the line above ("... posed in paragraph" / "¶3. Koenig").
  const wrappedNumber = !before.includes('(') && prevText !== '' && !endsSentence(prevText);
  const onlyNumberBefore = /^(?:¶?\s*\d{1,3}\s?\.)?\s*(?:\([^)]*\))?$/.test(before) && !wrappedNumber;
  const periodAfter = /\.\s*$/.test(line.text) && !isAllCaps(glued[2]);
  const closer = /\bEND (?:COMMENT|TEXT|SUMMARY|NOTE)$|\bEnd (?:[Cc]omment|[Tt]ext|[Ss]ummary|[Nn]ote)$|[Xx]{4,}$/.test(before);
  // After a number ("... spoiled: 14 EIKENBERRY") only an upper-case surname is believable.
  const afterNumber = /\d$/.test(before) && isAllCaps(name) && name.length >= 4;
  const nameShape =
    isAllCaps(name) || /^(?:Mc|Mac|Le|La|De|Di|Van)?[A-Z][a-z'-]+$/.test(name) || (closer && /^[a-z]+$/.test(name));
  const plausible =
    nameShape &&
    !onlyNumberBefore &&
    !periodAfter &&
    (BEFORE_GLUED_NAME.test(before) || afterNumber) &&
    !TITLE_BEFORE.test(before) &&
    !(INITIAL_BEFORE.test(before) && !isAllCaps(name));
  if (!plausible) return null;
  line.text = before;
  return name;
}
