/**
 * Turning cleaned lines, chosen paragraph starts, headings and front matter into Paragraphs.
 */

import type { Paragraph } from '../domain.js';
import type { FrontMatter } from './front.js';
import type { Heading, HeadingScan } from './headings.js';
import type { Line } from './lines.js';
import type { ParagraphStart } from './numbering.js';
import { readMarking } from './patterns.js';

export interface Assembled {
  /** Text before the first numbered paragraph (numbered cables) or the REF lines (unnumbered). */
  lead: string;
  paragraphs: Paragraph[];
}

interface Parts {
  lines: readonly Line[];
  from: number;
  front: FrontMatter;
  scan: HeadingScan;
}

/** Wrapped lines joined with single spaces; the converter's "¶" before lettered items dropped. */
export function joinText(parts: readonly string[]): string {
  return parts
    .map((p) => p.replace(/^¶\s*(?=[A-Za-z0-9(])/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "14" for the first ¶14, "14.2" for a second paragraph printed as ¶14, and so on. */
function keyFor(number: number, seen: Map<number, number>): string {
  const n = (seen.get(number) ?? 0) + 1;
  seen.set(number, n);
  return n === 1 ? String(number) : `${number}.${n}`;
}

export function assembleNumbered(p: Parts, starts: readonly ParagraphStart[]): Assembled {
  const { lines, from, front, scan } = p;
  const startAt = new Map(starts.map((s) => [s.line, s]));
  const headingAt = new Map(scan.headings.map((h) => [h.from, h]));
  const opensParagraph = (i: number) => startAt.has(i);

  const lead: string[] = [];
  const paragraphs: Paragraph[] = [];
  const seen = new Map<number, number>();
  let current: { start: ParagraphStart; heading: string | null; parts: string[]; titled?: string } | null = null;
  let section: string | null = null;

  const flush = () => {
    if (!current) return;
    const { start, heading, parts, titled } = current;
    // A number that only titles a section ("¶5. WMD Proliferation Financing Issues", or "¶6."
    // alone above a heading) still gets its number; its heading is then all it says. A number
    // with nothing at all after it is not a paragraph anyone can cite.
    const text = joinText(parts) || (scan.numbered.get(start.line) ?? titled ?? '');
    if (text === '') return;
    paragraphs.push({ number: start.number, key: keyFor(start.number, seen), heading, marking: start.marking, text });
  };

  for (let i = from; i < lines.length; i++) {
    if (front.dropped.has(i) || scan.rules.has(i)) continue;
    const heading = headingAt.get(i);
    if (heading) {
      if (heading.lead) (current ? current.parts : lead).push(heading.lead);
      if (nextContentOpens(lines, heading, p, opensParagraph)) {
        section = heading.text;
        if (current && joinText(current.parts) === '') {
          current.heading = heading.text;
          current.titled = heading.text;
        }
      } else {
        (current ? current.parts : lead).push(heading.text);
      }
      i = heading.to;
      continue;
    }
    const start = startAt.get(i);
    if (start) {
      flush();
      const numberedHeading = scan.numbered.get(i);
      if (numberedHeading !== undefined) section = numberedHeading;
      current = { start, heading: section, parts: numberedHeading !== undefined ? [] : [start.rest] };
      continue;
    }
    (current ? current.parts : lead).push(lines[i]!.text);
  }
  flush();
  return { lead: joinText(lead), paragraphs };
}

/**
 * Cables without any paragraph numbering: blocks separated by blank lines (or, in files that
 * print one paragraph per line, by line ends) become paragraphs keyed 1..n in order. The keys
 * are ours, not printed numbers, so `number` stays null and citations say the paragraph was
 * counted ("paragraph 3 (unnumbered)"); "the 3rd paragraph" is what a reader can count on the
 * printed page.
 */
export function assembleUnnumbered(p: Parts): Assembled {
  const { lines, from, front, scan } = p;
  const headingAt = new Map(scan.headings.map((h) => [h.from, h]));
  const refs: string[] = [];
  const blocks: Array<{ heading: string | null; parts: string[] }> = [];
  let section: string | null = null;
  let block: string[] = [];

  const flush = () => {
    if (block.length > 0) blocks.push({ heading: section, parts: block });
    block = [];
  };

  for (let i = from; i < lines.length; i++) {
    const t = lines[i]!.text;
    const heading = headingAt.get(i);
    if (heading) {
      if (heading.lead) block.push(heading.lead);
      flush();
      section = heading.text;
      i = heading.to;
    } else if (front.dropped.has(i) || scan.rules.has(i) || t === '') {
      flush();
    } else if (front.refs.has(i)) {
      refs.push(t);
    } else {
      const previous = block[block.length - 1];
      const oneLinePerParagraph = previous !== undefined && previous.length > 120;
      if (readMarking(t) !== null || oneLinePerParagraph) flush();
      block.push(t);
    }
  }
  flush();

  const paragraphs: Paragraph[] = blocks
    .map((b) => {
      const text = joinText(b.parts);
      const marking = readMarking(text);
      return { heading: b.heading, marking: marking ? marking.marking : null, text: marking ? marking.after.trim() : text };
    })
    .filter((b) => b.text !== '')
    .map((b, index) => ({ number: null, key: String(index + 1), ...b }));
  return { lead: joinText(refs), paragraphs };
}

/** Whether the next content after a heading is a numbered paragraph (then it names a section). */
function nextContentOpens(
  lines: readonly Line[],
  heading: Heading,
  p: Parts,
  opensParagraph: (i: number) => boolean,
): boolean {
  const headingAt = new Map(p.scan.headings.map((h) => [h.from, h]));
  for (let i = heading.to + 1; i < lines.length; i++) {
    const next = headingAt.get(i);
    if (next) {
      i = next.to; // a sub-heading right below: look past it
      continue;
    }
    if (lines[i]!.text === '' || p.scan.rules.has(i) || p.front.dropped.has(i)) continue;
    return opensParagraph(i);
  }
  return false;
}
