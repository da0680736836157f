/**
 * Bytes → text for cable files.
 *
 * Cable files come from many converters: most are UTF-8, some are Latin-1 / Windows-1252 (the
 * pilcrow "¶" is then the single byte 0xB6), some carry a UTF-8 byte-order mark, some have
 * CRLF or bare-CR line ends. Everything downstream assumes plain "\n"-separated Unicode text.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

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
  let body = bytes;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    body = body.subarray(3);
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    // Not valid UTF-8: a single-byte encoding (Latin-1 / Windows-1252) is the only other thing
    // seen in the wild; Latin-1 puts the pilcrow at 0xB6.
    text = decodeWindows1252(body);
  }
  // A BOM can also survive as U+FEFF when the file was decoded elsewhere and re-encoded.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return normalizeLineEnds(text);
}

export function normalizeLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
