/**
 * Sorting the lines between the SUBJECT and the first paragraph: what is meaningful (REF lines,
 * a summary written before the numbering starts) and what is furniture (E.O., TAGS, caveats,
 * "Classified By", addressee instructions) that must not reach a paragraph's text.
 */

import type { Line } from './lines.js';
import { readNumberedLine } from './numbering.js';
import {
  CLASSIFIED_BY,
  REF_LINE,
  SUBJECT_LINE,
  isDistributionLine,
  isFrontMatterJunk,
  isRoutingLine,
  readMarking,
} from './patterns.js';
import { continuesSubject } from './zones.js';

export interface FrontMatter {
  /** Lines to leave out of every paragraph. */
  dropped: Set<number>;
  /** REF lines (with their wrapped and lettered continuation lines). */
  refs: Set<number>;
}

const MAX_CLASSIFIED_BY_CONTINUATION = 2;

export function readFrontMatter(lines: readonly Line[], from: number, to: number): FrontMatter {
  const dropped = new Set<number>();
  const refs = new Set<number>();
  const text = (i: number) => (i < to ? (lines[i]?.text ?? '') : '');
  // Addressee lines and REF blocks are only recognised before the first line of prose: later,
  // an all-caps sentence could look like either.
  let beforeProse = true;

  for (let i = from; i < to; i++) {
    const t = text(i);
    if (t === '') continue;
    if (CLASSIFIED_BY.test(t)) {
      dropped.add(i);
      let said = t;
      for (let k = 1; k <= MAX_CLASSIFIED_BY_CONTINUATION; k++) {
        // "REASON:" / "" / "1.4(C).": a line cut right after its label may continue past a blank.
        const skip = text(i + 1) === '' && /[:,]\s*$/.test(said) && /^1\s?\.\s?[4-6]\b/.test(text(i + 2)) ? 1 : 0;
        const next = text(i + 1 + skip);
        if (next === '' || readNumberedLine(next) !== null || !continuesClassifiedBy(said, next)) break;
        said += ` ${next}`;
        i += skip;
        dropped.add(++i);
      }
    } else if (SUBJECT_LINE.test(t)) {
      // A second copy of the SUBJECT (database exports print the header twice), with its wrap.
      dropped.add(i);
      while (i + 1 < to && continuesSubject(text(i + 1), text(i + 2))) dropped.add(++i);
    } else if ((isFrontMatterJunk(t) && (beforeProse || !isRoutingLine(t))) || (beforeProse && isDistributionLine(t))) {
      // Routing shapes ("TO ...", "INFO ...") are only trusted before the prose: an all-caps
      // sentence of an unnumbered 1970s cable can start the same way.
      dropped.add(i);
    } else if (beforeProse && REF_LINE.test(t)) {
      refs.add(i);
      i = extendRefBlock(lines, i, to, refs);
    } else {
      beforeProse = false;
    }
  }
  return { dropped, refs };
}

/** A wrapped "Classified By" line continues until its reason code ("1.4 (b) and (d)") is printed. */
function continuesClassifiedBy(said: string, next: string): boolean {
  if (/^(?:ns\s+)?(?:1\s?\.\s?[4-6]|\(?[a-h]\)|reasons?\b|and\s+\(|e\.o\.)/i.test(next)) return true;
  if (/\b1\.$/.test(said) && /^[4-6]\b/.test(next)) return true; // "Reasons 1." + "4 (b) and (d)."
  if (readMarking(next) !== null) return false;
  // Cut mid-phrase ("reason: 1.4 (b) a" / "nd (d)"): a short remainder follows.
  if (!/[.)]\s*$/.test(said) && next.length <= 40) return true;
  const hasReason = /\b1\s?\.\s?[4-6]\b|\([a-h]\)|\breasons?\b/i.test(said);
  return !hasReason && next.length < 80;
}

/**
 * REF lines wrap, and lettered references often follow on their own lines, sometimes after a
 * blank ("REF: A. STATE 221655" / "" / "B. PARIS 8313").
 */
function extendRefBlock(lines: readonly Line[], at: number, to: number, refs: Set<number>): number {
  const text = (i: number) => (i < to ? (lines[i]?.text ?? '') : '');
  const isRefItem = (t: string) => /^¶?\s*\(?[A-Z]\s?[.)]\s+\S/.test(t) && readNumberedLine(t) === null;
  let last = at;
  for (let i = at + 1; i < to; i++) {
    const t = text(i);
    if (t === '') {
      let next = i + 1;
      while (next < to && text(next) === '') next++;
      if (next < to && isRefItem(text(next))) {
        i = next - 1;
        continue;
      }
      break;
    }
    if (
      CLASSIFIED_BY.test(t) ||
      isFrontMatterJunk(t) ||
      readNumberedLine(t) !== null ||
      readMarking(t) !== null ||
      t.length > 120
    ) {
      break;
    }
    refs.add(i);
    last = i;
  }
  return last;
}
