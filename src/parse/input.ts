/**
 * What a file must be before it is worth parsing: not empty, not binary, and of a size one cable
 * can have. The limits exist because embedding is the slow step (about 20 paragraphs a second on
 * two cores): a 60 MB file, or a 5 MB single "line" of base64 or minified data, would otherwise be
 * planned as an hour or more of embedding text that is no cable.
 */
import { decodeCable, type CableEncoding } from './decode.js';
import { CableParseError } from './errors.js';

/**
 * One cable file. The largest of the 1,295 corpus cables is 67 KB (10STATE17263) and the longest
 * body in the release's CSV is 66 KB, so 5 MB is 75 times the largest seen. This applies to files
 * holding a single cable; an archive of many cables (the release's CSV, over a gigabyte) is read
 * row by row and each row would be held to this limit, not the archive.
 */
export const MAX_CABLE_FILE_BYTES = 5 * 1024 * 1024;
/** The longest line in the corpus is 16,438 characters (one-paragraph-per-line files). */
export const MAX_LINE_CHARS = 200_000;

export interface CableText {
  text: string;
  encoding: CableEncoding;
  warnings: string[];
}

const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Refuses a file by its size alone, before it is read. */
export function checkCableFileSize(bytes: number, file: string): void {
  if (bytes > MAX_CABLE_FILE_BYTES) {
    throw new CableParseError(
      file,
      `too large for one cable: ${MB(bytes)}, over the limit of ${MB(MAX_CABLE_FILE_BYTES)} per cable file`,
      'split it into one file per cable, or check that it is a cable at all',
    );
  }
}

/** Bytes of one cable file → its text, or a CableParseError saying why it is not cable text. */
export function readCableText(bytes: Uint8Array, file: string): CableText {
  checkCableFileSize(bytes.length, file);
  if (bytes.length === 0) throw new CableParseError(file, 'empty file', 'check that the file was copied completely, or remove it');
  const kind = binaryKind(bytes);
  if (kind) {
    throw new CableParseError(file, `binary data (${kind}), not cable text`, 'remove it from the cable folder or convert it to plain text first');
  }
  const decoded = decodeCable(bytes);
  if (decoded.text.includes('\u0000')) {
    throw new CableParseError(
      file,
      `binary data (contains NUL bytes, first on line ${lineOf(decoded.text, decoded.text.indexOf('\u0000'))}), not cable text`,
      'remove it from the cable folder or convert it to plain text first',
    );
  }
  checkLineLengths(decoded.text, file);
  return decoded;
}

function checkLineLengths(text: string, file: string): void {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > MAX_LINE_CHARS) {
      throw new CableParseError(
        file,
        `line ${line} is ${(end - start).toLocaleString('en-US')} characters long, over the limit of ${MAX_LINE_CHARS.toLocaleString('en-US')} for a line of a cable`,
        'check that it is a cable and not data or an encoded attachment; break the text into lines if it is',
      );
    }
    start = end + 1;
  }
}

function lineOf(text: string, at: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** File types people drop into a folder by mistake, by their first bytes. */
const MAGIC: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive or an Office document'],
  [[0x1f, 0x8b], 'gzip-compressed data'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old-style Office document'],
  [[0x7f, 0x45, 0x4c, 0x46], 'a program'],
];

function binaryKind(bytes: Uint8Array): string | null {
  for (const [magic, kind] of MAGIC) if (magic.every((b, i) => bytes[i] === b)) return kind;
  return null;
}
