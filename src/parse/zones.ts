/**
 * Where the telegram's front matter ends and the text begins.
 *
 * Everything before the SUBJECT line is routing and addressing (the corpus has no cable with
 * prose above its SUBJECT). Without a SUBJECT line the front matter ends at the last line that
 * is unmistakably front matter (routing, classification line, E.O., TAGS) before the text.
 */

import type { Line } from './lines.js';
import { readNumberedLine } from './numbering.js';
import {
  CLASSIFIED_BY,
  EO_LINE,
  REF_LINE,
  SUBJECT_LINE,
  TAGS_LINE,
  isFrontMatterJunk,
  isRuleLine,
  readMarking,
} from './patterns.js';

export interface Zones {
  /**
   * The SUBJECT line with its wrapped continuation, as printed ("SUBJECT: ..."); `value` without
   * the label, `firstLine` the label's own line alone (what the converter's header line 2 copies).
   */
  subject: { text: string; value: string; firstLine: string } | null;
  /** First line after the front matter and the SUBJECT block. */
  bodyFrom: number;
  /** Lines before this index are where routing metadata (TAGS, DTG, FM) is looked for. */
  frontEnd: number;
}

const MAX_SUBJECT_CONTINUATION = 3;

export function findZones(lines: readonly Line[]): Zones {
  const text = (i: number) => lines[i]?.text ?? '';
  let firstNumbered = lines.findIndex((l) => readNumberedLine(l.text) !== null);
  if (firstNumbered < 0) firstNumbered = lines.length;

  const subjectAt = lines.findIndex((l, i) => i < firstNumbered && SUBJECT_LINE.test(l.text));
  if (subjectAt >= 0) {
    let end = subjectAt + 1;
    while (end - subjectAt <= MAX_SUBJECT_CONTINUATION && continuesSubject(text(end), text(end + 1))) end++;
    const printed = lines
      .slice(subjectAt, end)
      .map((l) => l.text)
      .join(' ');
    return {
      subject: { text: printed, value: printed.replace(SUBJECT_LINE, ''), firstLine: text(subjectAt).replace(SUBJECT_LINE, '') },
      bodyFrom: end,
      frontEnd: Math.max(end, firstNumbered),
    };
  }

  let lastFront = -1;
  for (let i = 0; i < firstNumbered; i++) {
    const t = text(i);
    if (isFrontMatterJunk(t)) lastFront = i;
    else if (isProse(t) && !CLASSIFIED_BY.test(t)) break;
  }
  return { subject: null, bodyFrom: lastFront + 1, frontEnd: Math.max(lastFront + 1, firstNumbered) };
}

/** Whether `line` is a wrapped continuation of the SUBJECT line above it (`next` follows it). */
export function continuesSubject(line: string, next: string): boolean {
  return !(
    line === '' ||
    line.length > 100 ||
    REF_LINE.test(line) ||
    CLASSIFIED_BY.test(line) ||
    EO_LINE.test(line) ||
    TAGS_LINE.test(line) ||
    isFrontMatterJunk(line) ||
    isRuleLine(line) ||
    isRuleLine(next) || // the line is a heading
    readNumberedLine(line) !== null ||
    readMarking(line) !== null
  );
}

/** Running text: several lower-case words. Routing and addressing lines are upper-case. */
function isProse(line: string): boolean {
  return (line.match(/\b[a-z]{2,}\b/g) ?? []).length >= 3;
}
