/**
 * parseCable: one cable's text → Cable. The steps, each in its own module:
 *
 *   header.ts     converter's five-line header, when present
 *   lines.ts      undo gluing, drop banners/SIPDIS/plugs without splitting paragraphs
 *   zones.ts      front matter vs text, the SUBJECT block
 *   routing.ts    TAGS, and for raw cables ref/date/origin/classification
 *   signature.ts  the name at the foot, out of the last paragraph
 *   numbering.ts  which printed numbers really start paragraphs
 *   front.ts      REF/summary kept, E.O./Classified By/caveats dropped
 *   headings.ts   section headings
 *   assemble.ts   Paragraph objects and keys
 */

import { basename } from 'node:path';
import type { Cable, Paragraph } from '../domain.js';
import { type Assembled, assembleNumbered, assembleUnnumbered, joinText } from './assemble.js';
import { normalizeLineEnds } from './decode.js';
import { CableParseError } from './errors.js';
import { readFrontMatter } from './front.js';
import { type FiveLineHeader, REF_ID, readFiveLineHeader } from './header.js';
import { findHeadings } from './headings.js';
import { type Line, cleanBody } from './lines.js';
import { chooseParagraphStarts } from './numbering.js';
import { readRouting } from './routing.js';
import { extractSignature } from './signature.js';
import { chooseSubject } from './subject.js';
import { type Zones, findZones } from './zones.js';

export function parseCable(input: string, fileName: string): Cable {
  return parseCableDetailed(input, fileName).cable;
}

export interface ParsedCable {
  cable: Cable;
  /**
   * False when the cable prints no paragraph numbers and its paragraphs were numbered 1..n by
   * us (see assembleUnnumbered). Cable has no field for this; reports need it.
   */
  printedNumbers: boolean;
}

/**
 * What a release prints beside the cable's text rather than in it: the CSV's columns, the HTML
 * page's table. These play the part of the converter's five-line header (and win over the routing
 * lines, as the header does), but the text they come with starts straight at the routing header.
 */
export interface ReleaseFields {
  ref: string;
  date: string | null;
  classification: string | null;
  origin: string | null;
}

/** parseCable plus what the Cable type cannot say; for reports and diagnostics. */
export function parseCableDetailed(input: string, fileName: string, release?: ReleaseFields): ParsedCable {
  const text = normalizeLineEnds(input).replace(/^\uFEFF/, '');
  rejectNonText(text, fileName);

  const raw = text.split('\n');
  const header: FiveLineHeader | null = release ? { ...release, subject: null } : readFiveLineHeader(raw);
  const knownRef = header?.ref ?? refFromFileName(fileName);
  const cleaned = cleanBody(header && !release ? raw.slice(5) : raw, { post: knownRef ? postOf(knownRef) : null });
  const zones = findZones(cleaned);
  const routing = readRouting(cleaned.slice(0, zones.frontEnd).map((l) => l.text));
  const { signature, body, printedNumbers } = readBody(cleaned, zones);

  const looksLikeCable =
    header !== null || routing.date !== null || routing.ref !== null || zones.subject !== null || printedNumbers;
  if (!looksLikeCable) {
    throw new CableParseError(
      fileName,
      'not a cable: no header, routing lines, SUBJECT line or numbered paragraphs',
      'remove the file from the cable folder, or check it is the cable text and not another document',
    );
  }
  const ref = knownRef ?? routing.ref;
  if (!ref) {
    throw new CableParseError(
      fileName,
      'no reference id: no five-line header, the file name is not a cable id, and no classification line with a date-time group was found',
      'name the file after the cable (e.g. 09PHNOMPENH246.txt) or restore its header',
    );
  }
  if (body.paragraphs.length === 0) {
    throw new CableParseError(
      fileName,
      'no body text after the header (the released copy stops after the front matter)',
      'nothing to index; replace the file with a complete copy of the cable if one exists',
    );
  }

  const preambleText = joinText([zones.subject?.text ?? '', body.lead]);
  const preamble: Paragraph[] = preambleText
    ? [{ number: null, key: '0', heading: null, marking: null, text: preambleText }]
    : [];
  const cable: Cable = {
    ref,
    // A release has no converter's line 2; the SUBJECT's first printed line, which line 2 copies,
    // stands in for it, so that a subject too long to keep whole still gives its first line.
    subject: chooseSubject(release ? (zones.subject?.firstLine ?? null) : (header?.subject ?? null), zones.subject?.value ?? null),
    date: header?.date ?? routing.date,
    classification: header?.classification ?? routing.classification,
    origin: header?.origin ?? routing.origin,
    tags: routing.tags,
    signature,
    paragraphs: [...preamble, ...body.paragraphs],
  };
  return { cable, printedNumbers };
}

/** Signature, paragraph starts, front matter, headings → paragraphs. */
function readBody(cleaned: readonly Line[], zones: Zones): { signature: string | null; body: Assembled; printedNumbers: boolean } {
  const from = zones.bodyFrom;
  const { signature, lines } = extractSignature(cleaned, from);
  const starts = chooseParagraphStarts(lines, from);
  const front = readFrontMatter(lines, from, starts[0]?.line ?? lines.length);
  const startAt = new Map(starts.map((s) => [s.line, s]));
  const printedNumbers = starts.length > 0;
  // Without printed numbers, a block after a blank line is what opens a paragraph.
  const opens = printedNumbers
    ? (i: number) => startAt.has(i)
    : (i: number) => i < lines.length && lines[i]!.text !== '' && (lines[i - 1]?.text ?? '') === '';
  const isFront = (i: number) => front.dropped.has(i) || front.refs.has(i);
  const scan = findHeadings(lines, from, (i) => opens(i) && !isFront(i), (i) => startAt.get(i)?.rest ?? '', isFront);
  const parts = { lines, from, front, scan };
  const body = printedNumbers ? assembleNumbered(parts, starts) : assembleUnnumbered(parts);
  return { signature, body, printedNumbers };
}

/** "09PHNOMPENH246.txt" → "09PHNOMPENH246"; other names give nothing. */
function refFromFileName(fileName: string): string | null {
  const stem = basename(fileName).replace(/\.[A-Za-z0-9]+$/, '');
  return REF_ID.test(stem) ? stem : null;
}

/** "09PHNOMPENH246" → "PHNOMPENH", to recognise that post's page banners. */
function postOf(ref: string): string {
  return ref.replace(/^\d{2}/, '').replace(/\d+$/, '');
}

/** Share of control characters above which the "text" is really binary data. */
const MAX_CONTROL_SHARE = 0.01;

function rejectNonText(text: string, fileName: string): void {
  if (text.trim() === '') {
    throw new CableParseError(fileName, 'empty file', 'check that the file was copied completely, or remove it');
  }
  if (text.includes('\u0000')) {
    throw new CableParseError(
      fileName,
      'binary data (contains NUL bytes), not cable text',
      'remove it from the cable folder or convert it to plain text first',
    );
  }
  const controls = text.match(/[\u0001-\u0008\u000B\u000E-\u001F\u007F-\u009F\uFFFD]/g)?.length ?? 0;
  if (controls / text.length > MAX_CONTROL_SHARE) {
    throw new CableParseError(
      fileName,
      `mostly non-text data (${Math.round((100 * controls) / text.length)}% control characters)`,
      'remove it from the cable folder or convert it to plain text first',
    );
  }
}
