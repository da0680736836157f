/**
 * Which printed numbers start paragraphs.
 *
 * A line starting "¶N." is not enough: the release converter put "¶" before *any* line that
 * began with digits and a period, so a year wrapped to the start of a line ("in January\n
 * ¶2001. Another idea ...") looks exactly like a paragraph number, and so do items of numbered
 * lists inside a paragraph ("¶1. Pension age increase", "¶2. Abolish special pensions").
 * Users cite these numbers, so a false start is worse than a missed one.
 *
 * Every candidate gets a weight from its own evidence (a portion marking "(C)" is near proof; an
 * unmarked number after a finished sentence or a blank line is plausible; one in mid-sentence
 * is not), and we keep the chain of candidates that best fits "each number is the previous
 * one plus one": gaps (partial extracts) cost a little, repeats and restarts cost more and are
 * only worth it for marked candidates, and a run-on "2. (C)" inside a line only counts when it
 * continues the number right before it. A marked number at the start of a line is always kept.
 */

import type { Line } from './lines.js';
import { endsSentence, isRuleLine, readMarking } from './patterns.js';

export interface ParagraphStart {
  /** Index into the cleaned lines. */
  line: number;
  number: number;
  marking: string | null;
  /** Text of the start line after the number and marking. */
  rest: string;
}

const NUMBERED = /^¶?\s*(\d{1,3})\s?\.(?=\s|\(|$)\s*(.*)$/;
/** No cable in the corpus goes past the 60s; this bound keeps counts and amounts out. */
const MAX_NUMBER = 150;

interface Candidate extends ParagraphStart {
  weight: number;
  midline: boolean;
}

export function readNumberedLine(text: string): { number: number; marking: string | null; rest: string } | null {
  const m = NUMBERED.exec(text);
  if (!m || m[1] === undefined) return readMarkedFirst(text);
  const number = Number(m[1]);
  if (number < 1 || number > MAX_NUMBER) return null;
  const rest = m[2] ?? '';
  const marking = readMarking(rest);
  return marking ? { number, marking: marking.marking, rest: marking.after } : { number, marking: null, rest };
}

/** "(C) 1. The Embassy obtained ...": the marking printed before the number. */
function readMarkedFirst(text: string): { number: number; marking: string; rest: string } | null {
  const marking = readMarking(text);
  const m = marking ? /^(\d{1,3})\.\s+(\S.*)$/.exec(marking.after) : null;
  if (!marking || !m || m[1] === undefined || m[2] === undefined) return null;
  const number = Number(m[1]);
  return number >= 1 && number <= MAX_NUMBER ? { number, marking: marking.marking, rest: m[2] } : null;
}

function candidates(lines: readonly Line[], from: number): Candidate[] {
  const found: Candidate[] = [];
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const read = readNumberedLine(line.text);
    if (!read) continue;
    const prev = i > from ? lines[i - 1]!.text : '';
    let weight: number;
    if (read.marking !== null) weight = 1;
    else if (line.midline) continue; // run-on numbers count only with a marking
    else if (afterBreak(prev)) weight = /^[a-z]/.test(read.rest) ? 0.1 : 0.6;
    else weight = 0.1;
    found.push({ line: i, ...read, weight, midline: line.midline });
  }
  return found;
}

/**
 * Whether the line before a number ends where a paragraph can end. Lines longer than any
 * wrapped line come from files printing one paragraph per line, where every line end is a
 * paragraph end; a redaction "XXXXXXXXXXXX" may have swallowed the final period.
 */
function afterBreak(prev: string): boolean {
  return prev === '' || endsSentence(prev) || isRuleLine(prev) || prev.length > 100 || /X{6,}$/i.test(prev);
}

/**
 * Skipping numbers costs the same however many are skipped: partial extracts drop whole runs
 * of paragraphs ("1, 3, 8, 11"), and a cost growing with the gap would make 3→8→11 dearer than
 * 3→11 and throw the real ¶8 away. Only unmarked candidates in a plausible spot outweigh it.
 */
const GAP_COST = 0.35;
const REPEAT_COST = 0.8;

function startCost(c: Candidate): number {
  if (c.midline) return c.number === 1 ? 0 : Infinity;
  return c.number === 1 ? 0 : GAP_COST;
}

function stepCost(from: Candidate, to: Candidate): number {
  const d = to.number - from.number;
  if (to.midline) return d === 1 ? 0 : Infinity;
  if (d === 1) return 0;
  if (d > 1) return GAP_COST;
  // Same number again, or counting restarts: a real (misnumbered or re-used) paragraph only if marked.
  return to.marking !== null ? REPEAT_COST : Infinity;
}

/** The best-scoring chain of paragraph starts, in document order; empty when the text has no numbering. */
export function chooseParagraphStarts(lines: readonly Line[], from: number): ParagraphStart[] {
  const cands = candidates(lines, from);
  const score: number[] = [];
  const back: number[] = [];
  let bestEnd = -1;
  for (let i = 0; i < cands.length; i++) {
    const c = cands[i]!;
    score[i] = c.weight - startCost(c);
    back[i] = -1;
    for (let j = 0; j < i; j++) {
      const s = score[j]! + c.weight - stepCost(cands[j]!, c);
      // On a tie the nearer predecessor wins: a table of contents "1. ... 5." followed by the
      // real paragraphs 1–5 must not lend its "1." to the real "2.".
      if (s >= score[i]! && s > -Infinity) {
        score[i] = s;
        back[i] = j;
      }
    }
    if (score[i]! > 0 && (bestEnd < 0 || score[i]! > score[bestEnd]!)) bestEnd = i;
  }
  const chosen = new Set<number>();
  for (let i = bestEnd; i >= 0; i = back[i]!) chosen.add(i);
  // A marked number at the start of a line is a paragraph even when it breaks the sequence
  // ("1, 2, 5, 3, 4, 5" as printed): dropping it would glue a whole paragraph onto the one
  // before. It then shares its number with another paragraph and gets a "N.2" key.
  cands.forEach((c, i) => {
    if (c.marking !== null && !c.midline) chosen.add(i);
  });
  return [...chosen]
    .sort((a, b) => a - b)
    .map((i) => {
      const { line, number, marking, rest } = cands[i]!;
      return { line, number, marking, rest };
    });
}
