/**
 * Bytes → text for cable files.
 *
 * Cable files come from many converters: most are UTF-8, some are Latin-1 / Windows-1252 (the
 * pilcrow "¶" is then the single byte 0xB6), some carry a byte-order mark, a few are UTF-16
 * (Windows "Unicode" text, with or without a BOM), some have CRLF or bare-CR line ends.
 * Everything downstream assumes plain "\n"-separated Unicode text.
 *
 * One stray byte must not change how the rest of the file is read: a UTF-8 file with a single
 * 0xFF once came out wholly as Windows-1252 ("Â¶" instead of "¶", and its paragraphs no longer
 * recognised). So the file-wide choice is by majority, and only the lines that disagree are
 * treated differently, with a warning naming them.
 */

export type CableEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'mixed utf-8 and windows-1252';

export interface DecodedCable {
  text: string;
  encoding: CableEncoding;
  /** Lines that could not be read in the file's encoding; for the user, not the parser. */
  warnings: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8', { fatal: false });
const utf16le = new TextDecoder('utf-16le', { fatal: false });

/**
 * Windows-1252 characters in 0x80–0x9F (curly quotes, dashes, the euro sign), which Word-made
 * cables use. Node's own "windows-1252" decoder returns C1 control characters for these bytes
 * on builds without full ICU, so the table is spelled out. Unassigned bytes stay as they are.
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charAt(b - 0x80) : String.fromCharCode(b);
  return out;
}

export function decodeCableBytes(bytes: Uint8Array): string {
  return decodeCable(bytes).text;
}

export function decodeCable(bytes: Uint8Array): DecodedCable {
  const decoded = decodeBody(bytes);
  let text = decoded.text;
  // A BOM can also survive as U+FEFF when the file was decoded elsewhere and re-encoded.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ...decoded, text: normalizeLineEnds(text) };
}

function decodeBody(bytes: Uint8Array): DecodedCable {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return decodeUtf8Mostly(b.subarray(3), true);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { text: decodeUtf16(b.subarray(2), 'le'), encoding: 'utf-16le', warnings: [] };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { text: decodeUtf16(b.subarray(2), 'be'), encoding: 'utf-16be', warnings: [] };
  const unmarked = utf16WithoutBom(b);
  if (unmarked) return { text: decodeUtf16(b, unmarked), encoding: unmarked === 'le' ? 'utf-16le' : 'utf-16be', warnings: [] };
  return decodeUtf8Mostly(b, false);
}

function decodeUtf16(bytes: Uint8Array, order: 'le' | 'be'): string {
  const even = bytes.length - (bytes.length % 2);
  if (order === 'le') return utf16le.decode(bytes.subarray(0, even));
  const swapped = new Uint8Array(even);
  for (let i = 0; i < even; i += 2) {
    swapped[i] = bytes[i + 1]!;
    swapped[i + 1] = bytes[i]!;
  }
  return utf16le.decode(swapped);
}

/**
 * UTF-16 without a BOM: English text then has a NUL in every other byte (the high byte of each
 * ASCII character), on the odd bytes for little-endian and the even ones for big-endian. Binary
 * data has NULs too, but not in that regular a pattern; what slips through decodes to control
 * characters, which the parser refuses as non-text.
 */
export function utf16WithoutBom(bytes: Uint8Array): 'le' | 'be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul >= 0.5 * pairs && evenNul <= 0.02 * pairs) return 'le';
  if (evenNul >= 0.5 * pairs && oddNul <= 0.02 * pairs) return 'be';
  return null;
}

/** How many well-formed multi-byte UTF-8 sequences the bytes hold, and how many bytes belong to none. */
export function countUtf8(bytes: Uint8Array): { multibyte: number; invalid: number } {
  let multibyte = 0;
  let invalid = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = sequenceLength(bytes, i);
    if (len > 0) {
      multibyte++;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  return { multibyte, invalid };
}

/** Length of the well-formed UTF-8 sequence starting at i (RFC 3629: no overlongs, surrogates or > U+10FFFF), or 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const c = bytes[i + k];
    return c !== undefined && c >= lo && c <= hi;
  };
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Valid UTF-8 is UTF-8. Otherwise the file is read by majority: more well-formed UTF-8 sequences
 * than stray bytes means a UTF-8 file with a few damaged bytes (shown as U+FFFD "�", and named in a
 * warning); otherwise it is a single-byte file (Latin-1 / Windows-1252, as the full release's text
 * files are), in which a line that is well-formed UTF-8 is still read as UTF-8, since a file pasted
 * together from two converters is likelier than Windows-1252 text that happens to spell "Â¶".
 * A UTF-8 byte-order mark settles it: whoever wrote the mark meant UTF-8.
 */
function decodeUtf8Mostly(bytes: Uint8Array, bom: boolean): DecodedCable {
  try {
    return { text: utf8.decode(bytes), encoding: 'utf-8', warnings: [] };
  } catch {
    // Falls through to the line-by-line reading below.
  }
  const { multibyte, invalid } = countUtf8(bytes);
  const mostlyUtf8 = bom || multibyte >= invalid;
  const parts: string[] = [];
  const damaged: number[] = [];
  const utf8Lines: number[] = [];
  let singleByteLines = 0;
  let bad = 0;
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const chunk = bytes.subarray(start, end);
    const counts = countUtf8(chunk);
    if (counts.invalid === 0) {
      parts.push(utf8Lenient.decode(chunk));
      if (counts.multibyte > 0) utf8Lines.push(line);
    } else if (mostlyUtf8) {
      parts.push(utf8Lenient.decode(chunk));
      damaged.push(line);
      bad += counts.invalid;
    } else {
      parts.push(decodeWindows1252(chunk));
      singleByteLines++;
    }
    start = end + 1;
  }
  const text = parts.join('\n');
  if (mostlyUtf8) {
    return {
      text,
      encoding: 'utf-8',
      warnings: [
        `${bad} byte${bad === 1 ? ' is' : 's are'} not valid UTF-8 (shown as "�") on ${lineList(damaged)}; the rest of the file was read as UTF-8. ` +
          'Check those lines against the original, or save the file as UTF-8 again.',
      ],
    };
  }
  if (utf8Lines.length === 0) return { text, encoding: 'windows-1252', warnings: [] };
  return {
    text,
    encoding: 'mixed utf-8 and windows-1252',
    warnings: [
      `mixed encodings: ${lineList(utf8Lines)} ${utf8Lines.length === 1 ? 'is' : 'are'} UTF-8, ${singleByteLines} other line${singleByteLines === 1 ? '' : 's'} Latin-1/Windows-1252; ` +
        'each line was read in its own encoding. Save the file in one encoding to be sure.',
    ],
  };
}

/** "line 7", "lines 7, 9 and 12", "lines 7, 9, 12, 15, 20 and 3 more". */
export function lineList(lines: number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const shown = lines.slice(0, 5);
  const more = lines.length - shown.length;
  return more > 0 ? `lines ${shown.join(', ')} and ${more} more` : `lines ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

export function normalizeLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
