/**
 * Section headings. Cables mark them several ways:
 *
 *   Poipet Transit Center              -------               Need for More Collaboration with
 *   ---------------------              SUMMARY               Border Officials
 *                                      -------               --------------------------------------------- ---
 *
 *   //IRAN, SYRIA, LEBANON//           ¶3. (S) The War Economy is Failing      Who are we dealing with?
 *                                      ---------------------------------      (alone between blank lines,
 *                                                                               right before a paragraph)
 *
 * A heading names the section only when a numbered paragraph follows it; a dash-underlined
 * line in the middle of a paragraph (a participants list "United States / -------- / The
 * Deputy Secretary ...") stays part of that paragraph's text.
 */

import type { Line } from './lines.js';
import { endsSentence, isRuleLine, readMarking } from './patterns.js';

export interface Heading {
  /** First line index of the heading (its text or its top rule). */
  from: number;
  /** Last line index it occupies (its underline, when it has one). */
  to: number;
  text: string;
}

export interface HeadingScan {
  headings: Heading[];
  /** Rule lines that are only separators. */
  rules: Set<number>;
  /** Headings printed on a numbered line itself ("¶3. (S) The War Economy is Failing" + underline), by line. */
  numbered: Map<number, string>;
}

const MAX_HEADING = 90;
const MAX_HEADING_LINES = 3;

function isShortText(text: string): boolean {
  return text !== '' && text.length <= MAX_HEADING && !isRuleLine(text) && /[A-Za-z]/.test(text);
}

/** Heading text on one line, without surrounding dashes/colons or a portion marking "(U)". */
function joinHeading(parts: string[]): string {
  const joined = parts
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s:—–-]+|[\s:—–-]+$/g, '')
    .trim();
  const marking = readMarking(joined);
  return marking && marking.after.trim() ? marking.after.trim() : joined;
}

/**
 * @param isStart whether a line opens a paragraph
 * @param startRest a start line's text after number and marking, for numbered-line headings
 * @param skip front-matter lines (REF, Classified By, E.O....), never headings themselves
 */
export function findHeadings(
  lines: readonly Line[],
  from: number,
  isStart: (line: number) => boolean,
  startRest: (line: number) => string,
  skip: (line: number) => boolean,
): HeadingScan {
  const headings: Heading[] = [];
  const rules = new Set<number>();
  const numbered = new Map<number, string>();
  const used = new Set<number>();
  const text = (i: number) => (i >= from && i < lines.length ? lines[i]!.text : '');

  for (let r = from; r < lines.length; r++) {
    if (used.has(r) || !isRuleLine(text(r))) continue;

    // Boxed: rule, 1–3 short lines, rule.
    let k = 1;
    while (k <= MAX_HEADING_LINES && isShortText(text(r + k)) && !isStart(r + k) && !skip(r + k)) k++;
    if (k > 1 && isRuleLine(text(r + k))) {
      const parts = lines.slice(r + 1, r + k).map((l) => l.text);
      headings.push({ from: r, to: r + k, text: joinHeading(parts) });
      for (let i = r; i <= r + k; i++) used.add(i);
      r += k;
      continue;
    }

    // Underlined numbered line: "¶3. (S) The War Economy is Failing" over a rule.
    const above = r - 1;
    if (above >= from && isStart(above) && !used.has(above)) {
      const rest = startRest(above).trim();
      if (isShortText(rest) && !/\.$/.test(rest)) {
        numbered.set(above, joinHeading([rest]));
        rules.add(r);
        used.add(r);
        continue;
      }
    }

    // Underlined: 1–3 short lines directly above the rule, starting at a visible boundary.
    let top = r;
    while (
      top - 1 >= from &&
      r - (top - 1) <= MAX_HEADING_LINES &&
      !used.has(top - 1) &&
      !skip(top - 1) &&
      isShortText(text(top - 1)) &&
      !isStart(top - 1) &&
      (top === r || !endsSentence(text(top - 1)))
    ) {
      top--;
    }
    const boundary = text(top - 1);
    const atBoundary =
      top - 1 < from ||
      boundary === '' ||
      isRuleLine(boundary) ||
      endsSentence(boundary) ||
      used.has(top - 1) ||
      skip(top - 1);
    if (top < r && atBoundary) {
      const parts = lines.slice(top, r).map((l) => l.text);
      const joined = joinHeading(parts);
      if (joined && isHeadingText(joined)) {
        headings.push({ from: top, to: r, text: joined });
        for (let i = top; i <= r; i++) used.add(i);
        continue;
      }
    }
    rules.add(r);
    used.add(r);
  }

  // "//IRAN, SYRIA, LEBANON//" and headings standing alone between blank lines before a paragraph.
  for (let i = from; i < lines.length; i++) {
    if (used.has(i) || isStart(i) || skip(i)) continue;
    const t = text(i);
    const slashed = /^\/\/\s*(.+?)\s*\/\/$/.exec(t);
    if (slashed && slashed[1]) {
      headings.push({ from: i, to: i, text: joinHeading([slashed[1]]) });
      used.add(i);
      continue;
    }
    if (!looksLikeStandaloneHeading(readMarking(t)?.after.trim() || t)) continue;
    const headingText = joinHeading([t]);
    const before = text(i - 1);
    if (!(i - 1 < from || before === '' || used.has(i - 1) || skip(i - 1))) continue;
    // What precedes must have ended (a sentence, a rule, another heading): in a list of short
    // lines (participants, one per line) the last item before a paragraph is no heading.
    let above = i - 1;
    while (above >= from && text(above) === '' && !used.has(above)) above--;
    if (above >= from && !used.has(above) && !skip(above) && !endsSentence(text(above)) && !isRuleLine(text(above))) continue;
    let next = i + 1;
    while (next < lines.length && text(next) === '') next++;
    if (next === i + 1 && !isStart(next)) continue; // a short first line of a paragraph, not a heading
    if (next < lines.length && isStart(next)) {
      headings.push({ from: i, to: i, text: headingText });
      used.add(i);
    }
  }

  headings.sort((a, b) => a.from - b.from);
  return { headings, rules, numbered };
}

/** What no heading looks like: a long sentence, a redaction, "END NOTE.", "Classified By ...". */
function isHeadingText(t: string): boolean {
  const sentenceLike = /\.$/.test(t) && !/\.\.\.$/.test(t) && t.split(' ').length > 8;
  return (
    !sentenceLike &&
    !/^X+$/i.test(t) &&
    !/^(?:Classified|Derived|Reasons?)\b/i.test(t) &&
    !/^(?:BEGIN|END)\b/i.test(t)
  );
}

/** Alone between blank lines, a heading is also short and unpunctuated (a "?" is fine). */
function looksLikeStandaloneHeading(t: string): boolean {
  return isShortText(t) && t.length <= 80 && !/[.,;:]$/.test(t) && !/^[-–—(•*]/.test(t) && isHeadingText(t);
}
