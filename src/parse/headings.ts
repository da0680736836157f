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
 * Whether a heading names a section (a numbered paragraph follows) or is a sub-title inside a
 * paragraph (a participants list "United States / -------- / The Deputy Secretary ...") is
 * decided when paragraphs are assembled; this module only finds them.
 */

import type { Line } from './lines.js';
import { endsSentence, isRuleLine, readMarking } from './patterns.js';

export interface Heading {
  /** First line index of the heading (its text or its top rule). */
  from: number;
  /** Last line index it occupies (its underline, when it has one). */
  to: number;
  text: string;
  /**
   * End of the previous paragraph printed on the heading's first line, when a page break
   * glued them ("neighbors in the region. TURKEY: BETTER THAN THE REST" over a rule).
   */
  lead?: string;
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
/** Blank lines some converters put between a heading and its underline. */
const MAX_GAP_TO_RULE = 2;

interface Scan {
  lines: readonly Line[];
  from: number;
  /** Whether a line opens a paragraph. */
  isStart: (line: number) => boolean;
  /** A start line's text after number and marking. */
  startRest: (line: number) => string;
  /** Front-matter lines (REF, Classified By, E.O....), never headings themselves. */
  skip: (line: number) => boolean;
  used: Set<number>;
}

const textOf = (s: Scan, i: number) => (i >= s.from && i < s.lines.length ? s.lines[i]!.text : '');

export function findHeadings(
  lines: readonly Line[],
  from: number,
  isStart: (line: number) => boolean,
  startRest: (line: number) => string,
  skip: (line: number) => boolean,
): HeadingScan {
  const s: Scan = { lines, from, isStart, startRest, skip, used: new Set() };
  const result: HeadingScan = { headings: [], rules: new Set(), numbered: new Map() };

  for (let r = from; r < lines.length; r++) {
    if (s.used.has(r) || !isRuleLine(textOf(s, r))) continue;
    const heading = boxedAt(s, r) ?? gappedAbove(s, r) ?? underlinedAbove(s, r);
    if (heading) {
      result.headings.push(heading);
      for (let i = heading.from; i <= heading.to; i++) s.used.add(i);
      r = heading.to;
      continue;
    }
    const numbered = numberedAbove(s, r);
    if (numbered !== null) result.numbered.set(r - 1, numbered);
    result.rules.add(r);
    s.used.add(r);
  }

  for (let i = from; i < lines.length; i++) {
    const heading = slashedAt(s, i) ?? standaloneAt(s, i);
    if (heading) {
      result.headings.push(heading);
      s.used.add(i);
    }
  }
  result.headings.sort((a, b) => a.from - b.from);
  return result;
}

/** Rule, 1–3 short lines, rule. */
function boxedAt(s: Scan, r: number): Heading | null {
  let k = 1;
  while (k <= MAX_HEADING_LINES && isShortText(textOf(s, r + k)) && !s.isStart(r + k) && !s.skip(r + k)) k++;
  if (k === 1 || !isRuleLine(textOf(s, r + k))) return null;
  const parts = s.lines.slice(r + 1, r + k).map((l) => l.text);
  return { from: r, to: r + k, text: joinHeading(parts) };
}

/** "Bilateral" / "" / "---------": a one-line heading standing alone, a blank line before its rule. */
function gappedAbove(s: Scan, r: number): Heading | null {
  if (textOf(s, r - 1) !== '') return null;
  let h = r - 1;
  while (h >= s.from && r - h <= MAX_GAP_TO_RULE + 1 && textOf(s, h) === '') h--;
  if (h < s.from || s.used.has(h) || s.skip(h) || s.isStart(h)) return null;
  const standsAlone = h - 1 < s.from || textOf(s, h - 1) === '' || s.used.has(h - 1);
  if (!standsAlone || !looksLikeStandaloneHeading(textOf(s, h))) return null;
  return { from: h, to: r, text: joinHeading([textOf(s, h)]) };
}

/**
 * 1–3 short lines directly above the rule. They must start at a visible boundary (blank line,
 * finished sentence, rule, front matter), or they are the tail of a paragraph followed by a
 * separator rather than a heading.
 */
function underlinedAbove(s: Scan, r: number): Heading | null {
  let top = r;
  while (top - 1 >= s.from && r - (top - 1) <= MAX_HEADING_LINES && canExtendUp(s, top - 1, top === r)) top--;
  if (top === r || !isBoundary(s, top - 1)) return null;
  const printed = s.lines
    .slice(top, r)
    .map((l) => l.text)
    .join(' ');
  const { lead, title } = splitGluedTitle(printed);
  const text = joinHeading([title]);
  if (!text || !isHeadingText(text)) return null;
  return lead ? { from: top, to: r, text, lead } : { from: top, to: r, text };
}

/** Whether line i can be part of a heading ending right above a rule. */
function canExtendUp(s: Scan, i: number, lineRightAboveRule: boolean): boolean {
  const t = textOf(s, i);
  return (
    !s.used.has(i) &&
    !s.skip(i) &&
    !s.isStart(i) &&
    isShortText(t) &&
    !/^X{6,}$/i.test(t) &&
    // Only the last line of a heading may end like a sentence ("Where Will Change Come From?").
    (lineRightAboveRule || !endsSentence(t))
  );
}

function isBoundary(s: Scan, i: number): boolean {
  const t = textOf(s, i);
  return (
    i < s.from ||
    t === '' ||
    isRuleLine(t) ||
    endsSentence(t) ||
    /\)$/.test(t) || // "... END NOTE)"
    t.length > 100 || // one paragraph per line: every line end is a paragraph end
    /^X{6,}$/i.test(t) || // a redacted line
    s.used.has(i) ||
    s.skip(i)
  );
}

/** "¶3. (S) The War Economy is Failing" over a rule: the heading of that very paragraph. */
function numberedAbove(s: Scan, r: number): string | null {
  const above = r - 1;
  if (above < s.from || !s.isStart(above) || s.used.has(above)) return null;
  const rest = s.startRest(above).trim();
  return isShortText(rest) && !/\.$/.test(rest) ? joinHeading([rest]) : null;
}

/** "//IRAN, SYRIA, LEBANON//" */
function slashedAt(s: Scan, i: number): Heading | null {
  if (s.used.has(i) || s.isStart(i) || s.skip(i)) return null;
  const m = /^\/\/\s*(.+?)\s*\/\/$/.exec(textOf(s, i));
  return m && m[1] ? { from: i, to: i, text: joinHeading([m[1]]) } : null;
}

/** A short line alone between blank lines, right before a paragraph: "Who are we dealing with?". */
function standaloneAt(s: Scan, i: number): Heading | null {
  if (s.used.has(i) || s.isStart(i) || s.skip(i)) return null;
  const t = textOf(s, i);
  if (!looksLikeStandaloneHeading(readMarking(t)?.after.trim() || t)) return null;
  const before = textOf(s, i - 1);
  if (!(i - 1 < s.from || before === '' || s.used.has(i - 1) || s.skip(i - 1))) return null;
  // What precedes must have ended (a sentence, a rule, another heading): in a list of short
  // lines (participants, one per line) the last item before a paragraph is no heading.
  let above = i - 1;
  while (above >= s.from && textOf(s, above) === '' && !s.used.has(above)) above--;
  const aboveEnded =
    above < s.from || s.used.has(above) || s.skip(above) || endsSentence(textOf(s, above)) || isRuleLine(textOf(s, above));
  if (!aboveEnded) return null;
  let next = i + 1;
  while (next < s.lines.length && textOf(s, next) === '') next++;
  // Directly followed by text that is not a new paragraph: the short first line of a paragraph.
  if (next >= s.lines.length || !s.isStart(next)) return null;
  return { from: i, to: i, text: joinHeading([t]) };
}

function isShortText(text: string): boolean {
  return text !== '' && text.length <= MAX_HEADING && !isRuleLine(text) && /[A-Za-z]/.test(text);
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

/**
 * "neighbors in the region. TURKEY: BETTER THAN THE REST": a sentence end followed by an
 * upper-case title. Only split when the title is in capitals, so "U.S. Policy" stays whole.
 */
function splitGluedTitle(line: string): { lead: string; title: string } {
  const m = /^(.*[a-z][.!?]["”’)]?)\s+([A-Z][^a-z]{3,})$/.exec(line.trim());
  return m && m[1] && m[2] ? { lead: m[1], title: m[2] } : { lead: '', title: line };
}

/** Heading text on one line, without surrounding dashes/colons, "¶" or a portion marking "(U)". */
function joinHeading(parts: string[]): string {
  const joined = parts
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/^¶\s*/, '')
    .replace(/^[\s:—–-]+|[\s:—–-]+$/g, '')
    .trim();
  const marking = readMarking(joined);
  return marking && marking.after.trim() ? marking.after.trim() : joined;
}
