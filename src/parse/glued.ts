/**
 * Undoing what the release converters glued together: items that were separate lines in the
 * telegram but arrive on one line. Each function takes one printed line (or all lines, for the
 * header items) and returns the lines it should have been.
 */

import { CLASSIFICATION_LINE, EO_LINE, GLUED_CLASSIFICATION_LINE, SUBJECT_LINE, readMarking } from './patterns.js';

/**
 * Before the SUBJECT line: put the classification line back on its own line, and split lines
 * like "E.o. 12958: ... Tags: ... Subject: ..." (partial extracts) or "DEPARTMENT FOR WHA E.O.
 * 12958: ... TAGS: ..." into one line per item.
 */
export function splitGluedHeaderLines(lines: string[]): string[] {
  const out: string[] = [];
  let inFront = true;
  for (const line of lines) {
    const t = line.trim();
    if (/\S\s+Classified\s+By\s*:/i.test(t)) {
      // "REF: ASUNCION 396 Classified By: AMBASSADOR ...", "SUBJECT: ... Classified By: ...
      // REFTELS: ...": several front-matter items on one line.
      for (const piece of t.split(/\s+(?=Classified\s+By\s*:)/i)) {
        out.push(...piece.split(/\s+(?=(?:REF|REFS|REFTEL|REFTELS)\s*:)/));
      }
      if (SUBJECT_LINE.test(t)) inFront = false;
      continue;
    }
    if (!inFront) {
      out.push(line);
      continue;
    }
    const m = CLASSIFICATION_LINE.test(t) ? null : GLUED_CLASSIFICATION_LINE.exec(t);
    const pieces = m && m[1] && m[2] ? [m[1], m[2]] : [t];
    for (const piece of pieces) {
      const items = piece.split(/\s+(?=(?:E\.\s?O\.\s?1\d{4}|EO\s1\d{4}|TAGS\s*:|SUBJ(?:ECT)?\s*:))/i);
      for (const item of items) {
        if (SUBJECT_LINE.test(item)) {
          inFront = false;
          out.push(...item.split(/\s+(?=(?:Classified\s+By|REF|REFS|REFTEL|REFTELS)\s*:)/i));
        } else if (EO_LINE.test(item)) {
          out.push(...item.split(/\s+(?=TAGS\b\s*:?\s*[A-Za-z]{2})/i));
        } else {
          out.push(item);
        }
      }
    }
  }
  return out;
}

const DASHES = String.raw`[-—–]{5,}[-—– ]*`;
/** "... sentence. ----- Combined with Operational Cooperation -----" */
const BOXED_RUN_ON = new RegExp(String.raw`^(.*?[^-—–\s])?\s*${DASHES}\s+(\S.{1,88}?)\s+${DASHES}$`);
/** "... sentence. Seeking Commercial Advice ————————" */
const UNDERLINED_RUN_ON = new RegExp(String.raw`^(.*[.!?")”])\s+([A-Z][^.!?]{1,88}?)\s+${DASHES}$`);
/**
 * Any other line ending in a rule: "Comment -------", "Comment-------", "¶11. (C) -----" (top
 * of a boxed heading), "END NOTE. -----" (a separator). The rule goes on its own line; whether
 * it underlines a heading is decided with the lines around it (headings.ts).
 */
const TRAILING_RULE = new RegExp(String.raw`^([^-—–\s].*?)\s*${DASHES}$`);

/** Headings whose underline the converter joined onto the heading or onto the paragraph before. */
export function splitRunOnHeading(line: string): string[] {
  const t = line.trim();
  const rule = '-----';
  let m = BOXED_RUN_ON.exec(t);
  if (m && m[2]) return m[1] ? [m[1], rule, m[2], rule] : [rule, m[2], rule];
  m = UNDERLINED_RUN_ON.exec(t);
  if (m && m[1] && m[2] && m[1].length > 90) return [m[1], m[2], rule];
  m = TRAILING_RULE.exec(t);
  if (m && m[1]) return [m[1], rule];
  return [line];
}

/**
 * "... he said. 2. (C) Next paragraph ..." — a numbered paragraph run onto the end of the
 * previous one. Split only where a sentence has ended and the number is followed by a genuine
 * portion marking; whether the number really continues the sequence is decided later.
 */
export function splitRunOnParagraphs(text: string): string[] {
  const pieces: string[] = [];
  const re = /([.!?")\]”’])\s+(\d{1,2})\s?\.\s?(?=\()/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index + m[1]!.length;
    const after = text.slice(at).trimStart().replace(/^\d{1,2}\s?\.\s?/, '');
    const marking = readMarking(after);
    // "... REASON: 1.4(D) 1. (C)" with nothing after: a stray copy of the next line's start.
    if (!marking || marking.after.trim() === '') continue;
    pieces.push(text.slice(start, at).trim());
    start = at;
  }
  pieces.push(text.slice(start).trim());
  return pieces.filter((p, i) => p !== '' || i === 0);
}
