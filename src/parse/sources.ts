/**
 * Cables from any of the layouts people hold them in, through one entry point:
 *
 *   readCables(file): AsyncGenerator<SourceItem>
 *     yields, in file order, { cable, source, warnings? } for each cable read, or { error } for
 *     each file or row that gave none. A txt file or an HTML page yields one item; a cables.csv yields one
 *     per row, streamed (memory stays flat however large the file). It does not throw for bad
 *     input: an unreadable file, a page that is not a cable page, a CSV that is not a cable
 *     archive, a malformed or truncated row all come out as { error }.
 *
 *   sourceKind(path, firstBytes): 'txt' | 'html' | 'csv' | null
 *     which layout a file is in, by its first bytes (a few KB are plenty) and then its extension;
 *     null when neither says. readCables reads a null-kind file as txt, as ingest always has
 *     for a file named explicitly (the txt parser refuses what is not a cable, with a reason);
 *     a folder walk can use null to pass over files that are no cable source.
 *
 *   describeSourceError(error): "cables.csv line 1434 (04RANGOON88): <reason>"
 *
 * The layouts:
 *   txt   the corpus converter's five-line header + text, or a raw cable (parse/cable.ts)
 *   html  the 2010 release's viewer page, cable/YYYY/MM/REF.html (parse/html.ts)
 *   csv   the 2011 release's cables.csv, eight quoted columns, no header row (parse/csv.ts)
 *
 * For html and csv the source's own created date, classification and origin fill the Cable (the
 * routing lines only where a field is missing), and the CSV's referenced-cables column becomes
 * Cable.references. A txt file leaves references undefined: its REF lines name cables by post
 * and serial ("STATE 106206"), not by reference id, and stay in the preamble's text.
 */

import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Cable } from '../domain.js';
import { parseCable } from './cable.js';
import { parserFailure, readCsvCables, readFailure, type ReadCsvOptions } from './csv.js';
import { CableParseError } from './errors.js';
import { REF_ID } from './header.js';
import { parseHtmlCable } from './html.js';
import { checkCableFileSize, readCableText } from './input.js';

export type SourceKind = 'txt' | 'html' | 'csv';

/** Where a cable was read from. */
export interface CableSource {
  file: string;
  kind: SourceKind;
  /** Line of the file where the cable starts: its row's first line in a CSV, else 1. */
  line: number;
  /** The CSV's row id (first column). */
  rowId?: string;
  /**
   * SHA-256 (hex) of what the cable was read from: the file's bytes for txt and HTML, the row's
   * fields for a CSV row. Computed before parsing, so a re-ingest can tell an unchanged cable.
   */
  digest: string;
}

/** A file, or a row of one, that gave no cable; `reason` says what is wrong, for a person. */
export interface SourceError {
  file: string;
  /** Line where the row starts (CSV), or where the problem is. */
  line?: number;
  /** Reference id, when the file or row names one. */
  ref?: string;
  reason: string;
}

/**
 * `warnings`: what a person should check although the cable was read (damaged bytes, mixed
 * encodings; see input.ts), for txt and HTML files.
 */
export type SourceItem = { cable: Cable; source: CableSource; warnings?: string[] } | { error: SourceError };

export function describeSourceError(e: SourceError): string {
  return `${e.file}${e.line !== undefined ? ` line ${e.line}` : ''}${e.ref ? ` (${e.ref})` : ''}: ${e.reason}`;
}

/** Bytes sourceKind looks at; what readCables reads before deciding. */
export const SNIFF_BYTES = 4096;

export function sourceKind(path: string, firstBytes: Uint8Array): SourceKind | null {
  const head = Buffer.from(firstBytes.subarray(0, SNIFF_BYTES))
    .toString('latin1')
    .replace(/^\u00EF\u00BB\u00BF/, '') // a UTF-8 BOM, read byte by byte
    .trimStart();
  if (/^<(?:!DOCTYPE\s+html\b|html\b|\?xml\b)/i.test(head) || /<html\b/i.test(head)) return 'html';
  if (/^"\d+","/.test(head)) return 'csv';
  const firstLine = head.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (REF_ID.test(firstLine) || /^VZCZC/.test(head)) return 'txt';
  switch (extname(path).toLowerCase()) {
    case '.csv':
      return 'csv';
    case '.html':
    case '.htm':
      return 'html';
    case '.txt':
    case '':
      return 'txt';
    default:
      return null;
  }
}

export async function* readCables(file: string, opts: ReadCsvOptions = {}): AsyncGenerator<SourceItem> {
  let head: Uint8Array;
  try {
    head = await readHead(file);
  } catch (err) {
    yield { error: { file, reason: readFailure(err) } };
    return;
  }
  const kind = sourceKind(file, head) ?? 'txt';
  if (kind === 'csv') {
    yield* readCsvCables(file, opts);
    return;
  }
  const ref = basename(file).replace(/\.[A-Za-z0-9]+$/, '');
  let bytes: Buffer;
  try {
    // A large file that is neither a CSV by content nor by name must not be read whole.
    checkCableFileSize((await stat(file)).size, file);
    bytes = await readFile(file);
  } catch (err) {
    const reason = err instanceof CableParseError ? err.reason : readFailure(err);
    yield { error: { file, ref: REF_ID.test(ref) ? ref : undefined, reason } };
    return;
  }
  const digest = createHash('sha256').update(bytes).digest('hex');
  try {
    const { text, warnings } = readCableText(bytes, file);
    const cable = kind === 'html' ? parseHtmlCable(text, basename(file)) : parseCable(text, basename(file));
    const source: CableSource = { file, kind, line: 1, digest };
    yield warnings.length > 0 ? { cable, source, warnings } : { cable, source };
  } catch (err) {
    yield { error: { file, ref: REF_ID.test(ref) ? ref : undefined, reason: err instanceof CableParseError ? err.reason : parserFailure(err) } };
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
