/**
 * Old telegrams (1970s–2000) were transmitted in sections, and each section after the first
 * repeats the whole routing header in the middle of the text:
 *
 *   R 171512Z JAN 90 / FM AMCONSUL CAPE TOWN / TO ... / INFO ...
 *   C O N F I D E N T I A L SECTION 02 OF 03 CAPE TOWN 00097
 *   LONDON FOR KOLKER ... / E.O. 12356: ... / TAGS: ... / SUBJECT: ...
 *
 * Left in place it lands in the middle of a paragraph. The block is recognised by its
 * "SECTION n OF m" line (n ≥ 2) and removed from the FM line before it to the SUBJECT after it.
 */

import { continuesSubject } from './zones.js';
import {
  CLASSIFICATION_LINE,
  CLASSIFIED_BY,
  EO_LINE,
  SUBJECT_LINE,
  TAGS_LINE,
  isDistributionLine,
  isFrontMatterJunk,
  isRoutingLine,
} from './patterns.js';

interface Marked {
  text: string;
  furniture: boolean;
}

/** How far before the SECTION line the repeated FM line may be (its addressee list is long). */
const LOOK_BACK = 25;
const LOOK_AHEAD = 12;

export function markRepeatedSectionHeaders(lines: Marked[]): void {
  const text = (i: number) => lines[i]?.text.trim() ?? '';
  for (let c = 0; c < lines.length; c++) {
    const m = CLASSIFICATION_LINE.exec(text(c));
    if (!m || m[2] === undefined || Number(m[2]) < 2) continue;

    let start = c;
    for (let j = c - 1; j >= Math.max(0, c - LOOK_BACK); j--) {
      if (/^FM\s/.test(text(j))) {
        start = j;
        break;
      }
    }
    // Precedence/DTG and office-list lines just above belong to the block too.
    while (start > 0 && (text(start - 1) === '' || isRoutingLine(text(start - 1)))) start--;
    while (start < c && text(start) === '') start++;

    let end = c;
    for (let j = c + 1; j < Math.min(lines.length, c + LOOK_AHEAD); j++) {
      const t = text(j);
      if (SUBJECT_LINE.test(t)) {
        end = j;
        while (end + 1 < lines.length && continuesSubject(text(end + 1), text(end + 2))) end++;
        break;
      }
      if (t === '' || isFrontMatterJunk(t) || isDistributionLine(t) || EO_LINE.test(t) || TAGS_LINE.test(t) || CLASSIFIED_BY.test(t)) {
        end = j;
        continue;
      }
      break;
    }
    for (let j = start; j <= end; j++) {
      if (lines[j]!.text !== '') lines[j] = { text: '', furniture: true };
    }
    c = end;
  }
}
