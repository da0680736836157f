/**
 * cables.csv split into rows: the state machine under csv.ts, fed bytes chunk by chunk.
 *
 * Escaping. Copies of the file in circulation write an inner quote either doubled ("") or as \".
 * Both are accepted, in the same file. A field may also end with a backslash of its own, written
 * just before the closing quote, so "\"" alone cannot say which it is. The rule, stated on what
 * follows the quote:
 *
 *   - a quote preceded by a backslash closes the field when what follows it ends a field: a comma
 *     then a quote, comma or line end (the next field), or a line end then the start of the next
 *     row ("123","MM/DD/…",) or the end of the file; the backslash is then the field's last
 *     character. In a file that escapes with backslashes every inner quote is \", so only a
 *     closing quote can be followed by the next field's opening quote;
 *   - otherwise \"" followed by a field end is an escaped quote and then the closing one;
 *   - otherwise \"" is a backslash and a doubled quote; and \" anything else is an escaped quote;
 *   - a quote without a backslash: "" is an inner quote; a quote followed by a comma, line end or
 *     the end of the file closes the field; any other quote is kept as text (a stray quote is
 *     the likelier damage, and ending the field there would shift every later column).
 *
 * Row boundaries. A well-escaped field can never hold a line that starts with `"123","` (a row
 * id then the created column), since its quotes would be escaped. So a line that does marks a
 * row start even inside an unclosed quote: a row whose quote was never closed is reported and
 * the next row is read normally, instead of one stray quote swallowing the rest of the file. After
 * a row with the wrong number of columns, lines up to the next row start are skipped (and counted
 * in the report).
 *
 * Bytes, not text, are scanned: quote, comma, backslash and line end are ASCII and never occur
 * inside a multi-byte UTF-8 character, and each row is then decoded on its own (UTF-8, else
 * Windows-1252 as the full release's text files are), so one row of another encoding does not
 * change how the rest of the file reads.
 */

import { isUtf8 } from 'node:buffer';
import { MAX_CABLE_FILE_BYTES } from './input.js';

export const CSV_COLUMNS = 8;
export const CSV_COLUMN_NAMES = [
  'row id',
  'created',
  'reference id',
  'origin',
  'classification',
  'referenced cables',
  'routing header',
  'body',
] as const;

/** One row as split from the file, before it is read as a cable. */
export interface CsvRecord {
  /** Line of the file (1-based) where the row starts. */
  line: number;
  fields: string[];
}

/** A row that could not be split into its fields; `fields` holds what was read of it. */
export interface CsvRecordError {
  line: number;
  fields: string[];
  reason: string;
}

export type CsvItem = { record: CsvRecord } | { error: CsvRecordError };

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;

/**
 * Bytes a decision may look past the quote or line end it is about: a line end, then a row start
 * `"<row id>","<created>",` (row ids of up to 12 digits, created up to 24 characters).
 */
const LOOKAHEAD = 64;
/**
 * A row is held to the limit of one cable file (input.ts; the longest body in the release is
 * 66 KB). A file that runs past it inside one row is not a cable archive, or has lost a quote
 * with no row start after it for megabytes; reading on would hold all of it in memory.
 */
const MAX_ROW_BYTES = MAX_CABLE_FILE_BYTES;

type State = 'lineStart' | 'fieldStart' | 'quoted' | 'unquoted' | 'afterQuote' | 'skipLineStart' | 'skipLine';

/**
 * The CSV state machine, fed chunk by chunk: `push` returns the rows completed by that chunk,
 * `end` the rest (and what the file's cut left unfinished). Kept apart from the file reading so
 * that tests can split the input at every byte.
 */
export class CsvSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private eof = false;
  /** Line number of buf[pos]. */
  private line = 1;
  private state: State = 'lineStart';
  private rowLine = 1;
  private rowBytes = 0;
  private fields: string[] = [];
  private parts: Buffer[] = [];
  /** Last byte appended to `parts`, to see a backslash before a quote across chunk boundaries. */
  private lastByte = -1;
  private out: CsvItem[] = [];
  /** A row reported once the lines after it that belong to no row have been skipped. */
  private pending: { error: CsvRecordError; skipFrom: number } | null = null;
  private atFileStart = true;

  push(chunk: Uint8Array): CsvItem[] {
    const rest = this.buf.subarray(this.pos);
    this.buf = rest.length === 0 ? Buffer.from(chunk) : Buffer.concat([rest, chunk]);
    this.pos = 0;
    this.run();
    return this.drain();
  }

  end(): CsvItem[] {
    this.eof = true;
    this.run();
    this.finish();
    return this.drain();
  }

  private drain(): CsvItem[] {
    const items = this.out;
    this.out = [];
    return items;
  }

  /** Runs until the input is used up or a decision needs bytes not yet read. */
  private run(): void {
    for (;;) {
      const moved = this.step();
      if (!moved) return;
    }
  }

  /** One transition; false when it must wait for more input (or the input is used up). */
  private step(): boolean {
    const { buf } = this;
    switch (this.state) {
      case 'lineStart': {
        if (this.atFileStart) {
          if (buf.length - this.pos < 3 && !this.eof) return false;
          if (buf[this.pos] === 0xef && buf[this.pos + 1] === 0xbb && buf[this.pos + 2] === 0xbf) this.pos += 3;
          this.atFileStart = false;
        }
        if (this.pos >= buf.length) return false;
        const end = this.lineEndAt(this.pos);
        if (end === -1) return false;
        if (end > 0) {
          // Blank lines between rows (a trailing one is common) are not rows.
          this.pos += end;
          this.line++;
          return true;
        }
        this.rowLine = this.line;
        this.rowBytes = 0;
        this.fields = [];
        this.state = 'fieldStart';
        return true;
      }
      case 'fieldStart': {
        if (this.pos >= buf.length) return false;
        this.parts = [];
        this.lastByte = -1;
        if (buf[this.pos] === QUOTE) {
          this.pos++;
          this.state = 'quoted';
        } else {
          this.state = 'unquoted';
        }
        return true;
      }
      case 'unquoted':
        return this.stepUnquoted();
      case 'quoted':
        return this.stepQuoted();
      case 'afterQuote': {
        if (this.pos >= buf.length) return false;
        if (buf[this.pos] === COMMA) {
          this.pos++;
          this.closeField();
          this.state = 'fieldStart';
          return true;
        }
        const end = this.lineEndAt(this.pos);
        if (end === -1) return false;
        // A quote only closes a field when a comma or line end follows it (see stepQuoted).
        this.pos += end;
        this.closeField();
        this.endRow();
        this.line++;
        return true;
      }
      case 'skipLineStart': {
        if (this.pos >= buf.length) return false;
        const starts = this.startsRow(this.pos);
        if (starts === null) return false;
        if (starts) {
          this.flushPending();
          this.state = 'lineStart';
        } else {
          this.state = 'skipLine';
        }
        return true;
      }
      case 'skipLine': {
        if (this.pos >= buf.length) return false;
        const nl = buf.indexOf(LF, this.pos);
        if (nl < 0) {
          this.pos = buf.length;
          return false;
        }
        this.pos = nl + 1;
        this.line++;
        this.state = 'skipLineStart';
        return true;
      }
    }
  }

  private stepUnquoted(): boolean {
    const { buf } = this;
    let j = this.pos;
    while (j < buf.length && buf[j] !== COMMA && buf[j] !== LF) j++;
    this.append(this.pos, j);
    this.pos = j;
    if (this.tooLong()) return true;
    if (j >= buf.length) return false;
    this.pos = j + 1;
    if (buf[j] === COMMA) {
      this.closeField();
      this.state = 'fieldStart';
    } else {
      this.closeField(true);
      this.endRow();
      this.line++;
    }
    return true;
  }

  private stepQuoted(): boolean {
    const { buf } = this;
    const q = buf.indexOf(QUOTE, this.pos);
    const limit = q < 0 ? buf.length : q;
    // The line ends before the next quote are counted, and each is checked for a row start after
    // it (a quote never closed); searching for the quote once per field, not once per line, keeps
    // long unquoted bodies linear.
    for (let nl = buf.indexOf(LF, this.pos); nl >= 0 && nl < limit; nl = buf.indexOf(LF, nl + 1)) {
      if (!this.eof && buf.length - nl < LOOKAHEAD) {
        this.append(this.pos, nl);
        this.pos = nl;
        return false;
      }
      if (this.startsRow(nl + 1)) {
        const field = this.fields.length;
        this.fail(
          `the quote opening field ${field + 1} (${CSV_COLUMN_NAMES[field] ?? 'extra field'}) is never closed: ` +
            `the next row starts at line ${this.line + 1}`,
          false,
        );
        this.pos = nl + 1;
        this.line++;
        this.state = 'lineStart';
        return true;
      }
      this.line++;
    }
    this.append(this.pos, limit);
    this.pos = limit;
    if (this.tooLong()) return true;
    if (q < 0) return false;
    const j = q;
    if (!this.eof && buf.length - j < LOOKAHEAD) return false;

    // A quote at j; the byte before it is the last one appended.
    const escaped = this.lastByte === BACKSLASH;
    const next = buf[j + 1];
    if (escaped) {
      if (this.fieldEndsAt(j + 1)) return this.closeQuote(j + 1);
      if (next === QUOTE && this.fieldEndsAt(j + 2)) {
        this.dropLastByte();
        this.parts.push(Buffer.from('"'));
        return this.closeQuote(j + 2);
      }
      if (next === QUOTE) {
        this.append(j, j + 1);
        this.pos = j + 2;
        return true;
      }
      this.dropLastByte();
      this.append(j, j + 1);
      this.pos = j + 1;
      return true;
    }
    if (next === QUOTE) {
      this.append(j, j + 1);
      this.pos = j + 2;
      return true;
    }
    if (next === undefined || next === COMMA || this.lineEndAt(j + 1) > 0) return this.closeQuote(j + 1);
    this.append(j, j + 1);
    this.pos = j + 1;
    return true;
  }

  private closeQuote(after: number): boolean {
    this.pos = after;
    this.state = 'afterQuote';
    return true;
  }

  /**
   * Whether the bytes at k end a field strictly enough to settle a backslash-quote: the next
   * field's start, a line end before the next row or the end of the file, or the end of the file.
   */
  private fieldEndsAt(k: number): boolean {
    const { buf } = this;
    if (k >= buf.length) return this.eof;
    if (buf[k] === COMMA) {
      const n = buf[k + 1];
      return n === undefined ? this.eof : n === QUOTE || n === COMMA || this.lineEndAt(k + 1) > 0;
    }
    const end = this.lineEndAt(k);
    if (end <= 0) return false;
    if (k + end >= buf.length) return this.eof;
    // Not a blank line: bodies hold those, after a quotation as anywhere.
    return this.startsRow(k + end) === true;
  }

  /** Length of the line end at k (1 or 2), 0 when none, -1 when undecidable yet. */
  private lineEndAt(k: number): number {
    const { buf } = this;
    if (k >= buf.length) return this.eof ? 0 : -1;
    if (buf[k] === LF) return 1;
    if (buf[k] === CR) {
      if (k + 1 >= buf.length) return this.eof ? 0 : -1;
      return buf[k + 1] === LF ? 2 : 0;
    }
    return 0;
  }

  /**
   * Whether a row starts at k: `"<digits>","<digit>[0-9/: -]*",`. Null when more bytes are needed
   * to say.
   */
  // Runs at every line end inside a quoted field, so it allocates nothing (no closures: tsx wraps
  // each one it creates in a naming call, which made this the reader's hottest spot).
  private startsRow(k: number): boolean | null {
    const { buf } = this;
    const n = buf.length;
    const undecided = this.eof ? false : null;
    let i = k;
    if (i >= n) return undecided;
    if (buf[i++] !== QUOTE) return false;
    const digitsFrom = i;
    while (i < n && isDigit(buf[i]!) && i - digitsFrom <= 12) i++;
    if (i >= n) return undecided;
    if (i === digitsFrom || i - digitsFrom > 12) return false;
    if (i + 3 >= n) return undecided;
    if (buf[i] !== QUOTE || buf[i + 1] !== COMMA || buf[i + 2] !== QUOTE || !isDigit(buf[i + 3]!)) return false;
    i += 3;
    const createdFrom = i;
    while (i < n && isCreatedByte(buf[i]!) && i - createdFrom <= 24) i++;
    if (i + 1 >= n) return undecided;
    return buf[i] === QUOTE && buf[i + 1] === COMMA;
  }

  private append(from: number, to: number): void {
    if (to <= from) return;
    this.parts.push(this.buf.subarray(from, to));
    this.lastByte = this.buf[to - 1]!;
    this.rowBytes += to - from;
  }

  private dropLastByte(): void {
    const last = this.parts[this.parts.length - 1];
    if (!last) return;
    this.parts[this.parts.length - 1] = last.subarray(0, last.length - 1);
    this.lastByte = -1;
  }

  private tooLong(): boolean {
    if (this.rowBytes <= MAX_ROW_BYTES) return false;
    this.fail(
      `the row runs past ${MAX_ROW_BYTES / 1024 / 1024} MB, the limit for one cable, without its fields closing: ` +
        'a quote is missing, or this is not a cables.csv file',
      true,
    );
    this.parts = [];
    this.state = 'skipLine';
    return true;
  }

  private closeField(stripCr = false): void {
    let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    if (stripCr && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    this.fields.push(decodeField(bytes));
    this.parts = [];
    this.lastByte = -1;
  }

  private endRow(): void {
    if (this.fields.length === CSV_COLUMNS) {
      this.out.push({ record: { line: this.rowLine, fields: this.fields } });
    } else {
      this.fail(`${this.fields.length} field${this.fields.length === 1 ? '' : 's'} where a cables.csv row has ${CSV_COLUMNS}`, true);
    }
    this.fields = [];
    if (this.state !== 'skipLineStart') this.state = 'lineStart';
  }

  /**
   * Reports the current row. With `skip`, the lines after it up to the next row start are
   * skipped first and counted in the report (they belong to the broken row or to none).
   */
  private fail(reason: string, skip: boolean): void {
    const error: CsvRecordError = { line: this.rowLine, fields: this.fields, reason };
    this.fields = [];
    this.parts = [];
    this.flushPending();
    if (skip) {
      this.pending = { error, skipFrom: this.line + 1 };
      this.state = 'skipLineStart';
    } else {
      this.out.push({ error });
    }
  }

  private flushPending(): void {
    if (!this.pending) return;
    const { error, skipFrom } = this.pending;
    const skipped = this.line - skipFrom;
    if (skipped > 0) {
      const to = this.line - 1;
      error.reason += `; line${skipped === 1 ? ` ${skipFrom}` : `s ${skipFrom}–${to}`} after it, up to the next row, ${skipped === 1 ? 'was' : 'were'} skipped`;
    }
    this.out.push({ error });
    this.pending = null;
  }

  private finish(): void {
    const cut = (what: string) =>
      `the file ends ${what}: it was cut mid-row (a truncated copy?); every whole row before it was read`;
    switch (this.state) {
      case 'quoted': {
        const n = this.fields.length;
        this.fail(cut(`inside field ${n + 1} of ${CSV_COLUMNS} (${CSV_COLUMN_NAMES[n] ?? 'extra field'})`), false);
        break;
      }
      case 'afterQuote':
      case 'unquoted':
        this.closeField(true);
        if (this.fields.length === CSV_COLUMNS) this.endRow();
        else this.fail(cut(`after field ${this.fields.length} of ${CSV_COLUMNS}`), false);
        break;
      case 'fieldStart':
        this.fail(cut(`after field ${this.fields.length} of ${CSV_COLUMNS}`), false);
        break;
      default:
        break;
    }
    this.flushPending();
    this.state = 'lineStart';
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Digits, "/", ":", " " and "-": what a created date-time is written with. */
function isCreatedByte(c: number): boolean {
  return isDigit(c) || c === 0x2f || c === 0x3a || c === 0x20 || c === 0x2d;
}

const utf8 = new TextDecoder('utf-8');
/** Windows-1252's 0x80–0x9F; Node's own decoder gives C1 controls for them on builds without full ICU. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decodeField(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return utf8.decode(bytes);
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charAt(b - 0x80) : String.fromCharCode(b);
  return out;
}

