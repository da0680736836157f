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
 *
 * Numbers above 150 are read only as the next step of a chain (…, 150, 151, 152): no corpus cable
 * goes past 77, and alone "200." or "¶2007." is far likelier a count or a wrapped year. Before this,
 * a generated 10,000-paragraph cable silently folded ¶151 onward into ¶150.
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

const NUMBERED = /^¶?\s*(\d{1,5})\s?\.(?=\s|\(|$)\s*(.*)$/;
/** No cable in the corpus goes past the 70s; this bound keeps counts and amounts out of a chain's start. */
const MAX_NUMBER = 150;
/** Beyond MAX_NUMBER, only as a chain's next number. */
const MAX_CHAINED_NUMBER = 99_999;

interface Candidate extends ParagraphStart {
  weight: number;
  midline: boolean;
  /** Above MAX_NUMBER: only believable right after its predecessor. */
  chainedOnly: boolean;
}

export function readNumberedLine(text: string): { number: number; marking: string | null; rest: string } | null {
  return readNumber(text, MAX_NUMBER);
}

function readNumber(text: string, max: number): { number: number; marking: string | null; rest: string } | null {
  const m = NUMBERED.exec(text);
  if (!m || m[1] === undefined) return readMarkedFirst(text, max);
  const number = Number(m[1]);
  if (number < 1 || number > max) return null;
  const rest = m[2] ?? '';
  const marking = readMarking(rest);
  return marking ? { number, marking: marking.marking, rest: marking.after } : { number, marking: null, rest };
}

/** "(C) 1. The Embassy obtained ...": the marking printed before the number. */
function readMarkedFirst(text: string, max: number): { number: number; marking: string; rest: string } | null {
  const marking = readMarking(text);
  const m = marking ? /^(\d{1,5})\.\s+(\S.*)$/.exec(marking.after) : null;
  if (!marking || !m || m[1] === undefined || m[2] === undefined) return null;
  const number = Number(m[1]);
  return number >= 1 && number <= max ? { number, marking: marking.marking, rest: m[2] } : null;
}

function candidates(lines: readonly Line[], from: number): Candidate[] {
  const found: Candidate[] = [];
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const read = readNumber(line.text, MAX_CHAINED_NUMBER);
    if (!read) continue;
    const prev = i > from ? lines[i - 1]!.text : '';
    let weight: number;
    if (read.marking !== null) weight = 1;
    else if (line.midline) continue; // run-on numbers count only with a marking
    else if (afterBreak(prev)) weight = /^[a-z]/.test(read.rest) ? 0.1 : 0.6;
    else weight = 0.1;
    found.push({ line: i, ...read, weight, midline: line.midline, chainedOnly: read.number > MAX_NUMBER });
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
  if (c.midline || c.chainedOnly) return c.number === 1 ? 0 : Infinity;
  return c.number === 1 ? 0 : GAP_COST;
}

/**
 * The cost of `to` following a predecessor numbered `d` less, by which of three kinds of step it
 * is. Within a kind the cost is the same whatever the predecessor, which is what lets
 * chooseParagraphStarts find the best predecessor without trying every one.
 */
function stepCosts(to: Candidate): { next: number; gap: number; repeat: number } {
  if (to.midline || to.chainedOnly) return { next: 0, gap: Infinity, repeat: Infinity };
  // Same number again, or counting restarts: a real (misnumbered or re-used) paragraph only if marked.
  return { next: 0, gap: GAP_COST, repeat: to.marking !== null ? REPEAT_COST : Infinity };
}

/**
 * The best-scoring chain of paragraph starts, in document order; empty when the text has no numbering.
 *
 * Each candidate's best predecessor is the best-scoring earlier one of the right kind: numbered one
 * less, numbered lower still (a gap), or numbered the same or higher (a repeat). Keeping those maxima
 * by number (a map, and prefix/suffix maxima over the numbers seen) makes this n log n; trying every
 * pair took minutes on a file of a few hundred thousand numbered lines.
 */
export function chooseParagraphStarts(lines: readonly Line[], from: number): ParagraphStart[] {
  const cands = candidates(lines, from);
  const score: number[] = [];
  const back: number[] = [];
  const numbers = [...new Set(cands.map((c) => c.number))].sort((a, b) => a - b);
  const rank = new Map(numbers.map((n, i) => [n, i]));
  const byNumber = new Map<number, number>();
  const lower = new BestPrefix(numbers.length, score);
  const higher = new BestPrefix(numbers.length, score);
  let bestEnd = -1;
  for (let i = 0; i < cands.length; i++) {
    const c = cands[i]!;
    const costs = stepCosts(c);
    score[i] = c.weight - startCost(c);
    back[i] = -1;
    const r = rank.get(c.number)!;
    const options: [number | undefined, number][] = [
      [byNumber.get(c.number - 1), costs.next],
      // Numbers below number - 1: ranks up to that of the highest number under number - 1.
      [lower.best(lowerRank(numbers, c.number - 1)), costs.gap],
      // Numbers at or above this one: mirrored ranks, so a prefix there is a suffix here.
      [higher.best(numbers.length - 1 - r), costs.repeat],
    ];
    for (const [j, cost] of options) {
      if (j === undefined || cost === Infinity) continue;
      const s = score[j]! + c.weight - cost;
      // On a tie the nearer predecessor wins: a table of contents "1. ... 5." followed by the
      // real paragraphs 1–5 must not lend its "1." to the real "2.".
      if (s > score[i]! || (s === score[i]! && (back[i]! < 0 || j > back[i]!))) {
        score[i] = s;
        back[i] = j;
      }
    }
    if (score[i]! > -Infinity) {
      const prev = byNumber.get(c.number);
      if (prev === undefined || !better(score, prev, i)) byNumber.set(c.number, i);
      lower.offer(r, i);
      higher.offer(numbers.length - 1 - r, i);
    }
    if (score[i]! > 0 && (bestEnd < 0 || score[i]! > score[bestEnd]!)) bestEnd = i;
  }
  const chosen = new Set<number>();
  for (let i = bestEnd; i >= 0; i = back[i]!) chosen.add(i);
  // A marked number at the start of a line is a paragraph even when it breaks the sequence
  // ("1, 2, 5, 3, 4, 5" as printed): dropping it would glue a whole paragraph onto the one
  // before. It then shares its number with another paragraph and gets a "N.2" key.
  cands.forEach((c, i) => {
    if (c.marking !== null && !c.midline && !c.chainedOnly) chosen.add(i);
  });
  return [...chosen]
    .sort((a, b) => a - b)
    .map((i) => {
      const { line, number, marking, rest } = cands[i]!;
      return { line, number, marking, rest };
    });
}

/** Whether candidate a beats b as a predecessor: higher score, or the same score and later (nearer). */
function better(score: number[], a: number, b: number): boolean {
  return score[a]! > score[b]! || (score[a]! === score[b]! && a > b);
}

/** Rank of the highest number strictly below `n`, or -1. */
function lowerRank(sorted: number[], n: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < n) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Best candidate (by `better`) among those offered at ranks 0..r: a Fenwick tree of maxima; offers only ever improve a slot. */
class BestPrefix {
  private readonly tree: number[];
  constructor(
    size: number,
    private readonly score: number[],
  ) {
    this.tree = new Array<number>(size + 1).fill(-1);
  }
  offer(rank: number, cand: number): void {
    for (let i = rank + 1; i < this.tree.length; i += i & -i) {
      const cur = this.tree[i]!;
      if (cur < 0 || better(this.score, cand, cur)) this.tree[i] = cand;
    }
  }
  best(rank: number): number | undefined {
    let found = -1;
    for (let i = rank + 1; i > 0; i -= i & -i) {
      const cur = this.tree[i]!;
      if (cur >= 0 && (found < 0 || better(this.score, cur, found))) found = cur;
    }
    return found < 0 ? undefined : found;
  }
}
