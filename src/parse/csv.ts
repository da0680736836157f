/**
 * The full release's cables.csv, read as a stream: memory holds one row at a time however large
 * the file (the real one is 1.7 GB, 251,287 rows).
 *
 * Layout: no header row; eight columns, every one in double quotes: row id, created
 * ("MM/DD/YYYY HH:MM"), reference id, origin, classification, referenced cables ("|"-separated),
 * routing header, body. Fields hold raw line ends.
 *
 * Splitting the file into rows (quotes, escapes, damaged rows) is csv-split.ts; this module
 * turns rows into cables and tells a cable archive from another table.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Cable } from '../domain.js';
import { CSV_COLUMNS, CsvSplitter, type CsvItem, type CsvRecord } from './csv-split.js';
import { CableParseError } from './errors.js';
import { REF_ID } from './header.js';
import { parseReleasedCable, releaseDate } from './release.js';
import type { CableSource, SourceError } from './sources.js';

export { CSV_COLUMNS, CSV_COLUMN_NAMES, CsvSplitter, type CsvItem, type CsvRecord, type CsvRecordError } from './csv-split.js';

/** A row read as a cable, or the reason it could not be. */
export type CsvCableItem = { cable: Cable; source: CableSource } | { error: SourceError };

/**
 * Whether a row has the shape of a cables.csv row (row id, created date, reference id); null when
 * it does, else what it looks like instead. Used on the first rows to tell a cable archive from
 * some other table.
 */
export function notACableRow(fields: readonly string[]): string | null {
  // cables.csv has no header row, so one in first place is the surest sign of another table.
  const header =
    fields.length > 1 && fields.every((f) => /^[A-Za-z][\w .-]{0,40}$/.test(f.trim()))
      ? `; it looks like a header row (${clip(fields.join(', '))}), which cables.csv does not have`
      : '';
  if (fields.length !== CSV_COLUMNS) return `${fields.length} columns where cables.csv has ${CSV_COLUMNS}${header}`;
  const [id, created, ref] = fields;
  if (!/^\d+$/.test(id ?? '')) return `the first column is "${clip(id ?? '')}", not a row number${header}`;
  if (releaseDate(created ?? '') === null) return `the created column is "${clip(created ?? '')}", not a date like 12/28/1966 18:06`;
  if (!REF_ID.test((ref ?? '').trim())) return `the reference id column is "${clip(ref ?? '')}", not a cable id like 09PHNOMPENH246`;
  return null;
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 60)}…` : one;
}

/** Rows inspected before a file is judged not to be a cable archive. */
const SNIFF_ROWS = 3;

/**
 * One CSV row → Cable (the row's own created date, classification and origin win; referenced
 * cables kept), or the reason it is not one.
 */
export function csvRecordToCable(file: string, record: CsvRecord): CsvCableItem {
  const [rowId, created, ref, origin, classification, references, routing, body] = record.fields as [
    string, string, string, string, string, string, string, string,
  ];
  const refId = ref.trim();
  const error = (reason: string): CsvCableItem => ({ error: { file, line: record.line, ref: refId || undefined, reason } });
  if (!REF_ID.test(refId)) return error(`the reference id column is "${clip(ref)}", not a cable id like 09PHNOMPENH246`);
  try {
    const cable = parseReleasedCable(
      {
        ref: refId,
        date: releaseDate(created),
        classification,
        origin,
        routing,
        body,
        references: references
          .split('|')
          .map((r) => r.trim())
          .filter((r) => r !== ''),
      },
      `${file}:${record.line}`,
    );
    const digest = createHash('sha256').update(record.fields.join('\u0000')).digest('hex');
    return { cable, source: { file, kind: 'csv', line: record.line, rowId: rowId.trim(), digest } };
  } catch (err) {
    // One row the parser chokes on must not stop a multi-hour ingest of the other 250,000.
    return error(err instanceof CableParseError ? err.reason : parserFailure(err));
  }
}

export interface ReadCsvOptions {
  /** Bytes per read; the default suits both a laptop disk and tests. */
  chunkBytes?: number;
}

/**
 * Streams a cables.csv file: each row as a Cable with where it came from, or as an error naming
 * the line the row starts on, its reference id when known, and what is wrong. A file that is not
 * a cable archive (its first rows are not cables.csv rows) yields one error for the file and
 * nothing else. A file that cannot be opened yields one error.
 */
export async function* readCsvCables(file: string, opts: ReadCsvOptions = {}): AsyncGenerator<CsvCableItem> {
  const splitter = new CsvSplitter();
  const head: CsvItem[] = [];
  let judged = false;

  // The first rows decide whether this is a cable archive at all; until then nothing is yielded.
  function* take(items: CsvItem[], atEnd: boolean): Generator<CsvCableItem, boolean> {
    for (const item of items) {
      if (judged) {
        yield toCable(file, item);
        continue;
      }
      head.push(item);
      const shaped = head.some((h) => 'record' in h && notACableRow(h.record.fields) === null);
      if (shaped) {
        judged = true;
        for (const h of head.splice(0)) yield toCable(file, h);
      } else if (head.length >= SNIFF_ROWS) {
        yield rejectArchive(file, head);
        return false;
      }
    }
    if (atEnd && !judged) {
      if (head.length > 0) yield rejectArchive(file, head);
      else yield { error: { file, reason: 'empty file: no rows' } };
    }
    return true;
  }

  const stream = createReadStream(file, { highWaterMark: opts.chunkBytes ?? 256 * 1024 });
  const chunks = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (err) {
        // Rows already yielded stay good; what could not be read is named.
        yield { error: { file, reason: readFailure(err) } };
        return;
      }
      if (next.done) break;
      if (!(yield* take(splitter.push(next.value), false))) return;
    }
  } finally {
    stream.destroy();
  }
  yield* take(splitter.end(), true);
}

export function parserFailure(err: unknown): string {
  return `the parser failed on this cable (a bug in cablechat; please report it with the cable): ${err instanceof Error ? err.message : String(err)}`;
}

/** An I/O error in words, for a person who has to fix the path or the disk. */
export function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'cannot read the file: no such file';
  if (code === 'EISDIR') return 'cannot read the file: it is a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read the file: permission denied';
  return `cannot read the file (${code ?? (err as Error).message ?? String(err)})`;
}

function toCable(file: string, item: CsvItem): CsvCableItem {
  if ('record' in item) return csvRecordToCable(file, item.record);
  const { line, fields, reason } = item.error;
  const ref = fields[2]?.trim();
  return { error: { file, line, ref: ref && REF_ID.test(ref) ? ref : undefined, reason } };
}

function rejectArchive(file: string, head: CsvItem[]): CsvCableItem {
  const first = head[0]!;
  const fields = 'record' in first ? first.record.fields : first.error.fields;
  // A row that split into fields is judged by them; one that did not (a quote never closed) by why.
  const why = 'record' in first || fields.length > 1 ? notACableRow(fields) : first.error.reason;
  return {
    error: {
      file,
      line: 1,
      reason: `not a cables.csv cable archive: the first row${head.length > 1 ? 's are' : ' is'} not a cable (${why})`,
    },
  };
}
