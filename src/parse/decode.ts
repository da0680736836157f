/**
 * Bytes → text for cable files.
 *
 * Cable files come from many converters: most are UTF-8, some are Latin-1 / Windows-1252 (the
 * pilcrow "¶" is then the single byte 0xB6), some carry a UTF-8 byte-order mark, some have
 * CRLF or bare-CR line ends. Everything downstream assumes plain "\n"-separated Unicode text.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });
// WHATWG "latin1" is Windows-1252 in practice; naming it explicitly makes the curly quotes
// that Word-produced cables put in 0x80–0x9F come out as quotes, not C1 control characters.
const windows1252 = new TextDecoder('windows-1252');

export function decodeCableBytes(bytes: Uint8Array): string {
  let body = bytes;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    body = body.subarray(3);
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    // Not valid UTF-8: a single-byte encoding is the only other thing seen in the wild.
    text = windows1252.decode(body);
  }
  // A BOM can also survive as U+FEFF when the file was decoded elsewhere and re-encoded.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return normalizeLineEnds(text);
}

export function normalizeLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
