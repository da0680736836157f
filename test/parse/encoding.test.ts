import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cable } from '../../src/domain.js';
import { decodeCable, decodeCableBytes, parseCable, parseCableFile, readCableText } from '../../src/parse/index.js';

const seedPath = fileURLToPath(new URL('../../data/cables/09PHNOMPENH246.txt', import.meta.url));
const NAME = '09PHNOMPENH246.txt';

let seedText: string;
let reference: Cable;
let dir: string;

beforeAll(async () => {
  seedText = (await readFile(seedPath, 'utf8')).replace(/\r\n?/g, '\n');
  reference = parseCable(seedText, NAME);
  dir = await mkdtemp(join(tmpdir(), 'cablechat-parse-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('decodeCableBytes', () => {
  it('strips a UTF-8 byte-order mark', () => {
    expect(decodeCableBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('¶1. (C) Text')]))).toBe('¶1. (C) Text');
  });

  it('falls back to Latin-1 when the bytes are not UTF-8, so 0xB6 is a pilcrow', () => {
    expect(decodeCableBytes(new Uint8Array([0xb6, 0x31, 0x2e, 0x20, 0x28, 0x43, 0x29]))).toBe('¶1. (C)');
  });

  it('reads Windows-1252 curly quotes in the fallback', () => {
    expect(decodeCableBytes(new Uint8Array([0x92, 0x61, 0xb6]))).toBe('’a¶');
  });

  it('keeps valid UTF-8 as UTF-8', () => {
    expect(decodeCableBytes(utf8('Gilani’s ¶2.'))).toBe('Gilani’s ¶2.');
  });

  it('turns CRLF and bare CR line ends into LF', () => {
    expect(decodeCableBytes(utf8('a\r\nb\rc\n'))).toBe('a\nb\nc\n');
  });
});

describe('the seed cable in other encodings parses to the same Cable', () => {
  it('with CRLF line ends', () => {
    const bytes = utf8(seedText.replace(/\n/g, '\r\n'));
    expect(parseCable(decodeCableBytes(bytes), NAME)).toEqual(reference);
  });

  it('with CRLF line ends handed straight to parseCable', () => {
    expect(parseCable(seedText.replace(/\n/g, '\r\n'), NAME)).toEqual(reference);
  });

  it('in Latin-1, the pilcrow as the single byte 0xB6', () => {
    const bytes = new Uint8Array(Buffer.from(seedText, 'latin1'));
    expect(bytes.includes(0xb6)).toBe(true);
    expect(parseCable(decodeCableBytes(bytes), NAME)).toEqual(reference);
  });

  it('with a UTF-8 byte-order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(seedText)]);
    expect(parseCable(decodeCableBytes(bytes), NAME)).toEqual(reference);
  });

  it('through parseCableFile, from Latin-1 CRLF bytes on disk', async () => {
    const path = join(dir, NAME);
    await writeFile(path, Buffer.from(seedText.replace(/\n/g, '\r\n'), 'latin1'));
    expect(await parseCableFile(path)).toEqual(reference);
  });
});

/** The seed's bytes with one byte spliced in after the first occurrence of `after`. */
function withByte(text: string, after: string, byte: number): Uint8Array {
  const at = Buffer.byteLength(text.slice(0, text.indexOf(after) + after.length), 'utf8');
  const b = Buffer.from(text, 'utf8');
  return new Uint8Array(Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at)]));
}

describe('one invalid byte does not change how the rest of the file is read', () => {
  // Before: the whole file fell back to Windows-1252, "¶" became "Â¶" and 20 numbered paragraphs
  // collapsed into one, with no word said.
  it('a UTF-8 cable with one 0xFF keeps every paragraph; the byte becomes "�" and a warning names its line', () => {
    const bytes = withByte(seedText, 'Poipet', 0xff);
    const decoded = decodeCable(bytes);
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.text).not.toMatch(/Â¶|â€/);
    const line = seedText.slice(0, seedText.indexOf('Poipet')).split('\n').length;
    expect(decoded.warnings).toEqual([expect.stringMatching(new RegExp(`^1 byte is not valid UTF-8 \\(shown as "�"\\) on line ${line};`))]);
    const cable = parseCable(decoded.text, NAME);
    expect(cable.paragraphs.map((p) => p.key)).toEqual(reference.paragraphs.map((p) => p.key));
    expect(cable.paragraphs.map((p) => p.text.replace('Poipet\uFFFD', 'Poipet'))).toEqual(reference.paragraphs.map((p) => p.text));
  });

  it('several damaged lines are each named, a long list cut short', () => {
    // A lone 0xC3 (the first byte of "é" without its second) at the end of every 40th line.
    const lines = seedText.split('\n');
    const bytes = Buffer.concat(lines.map((l, i) => Buffer.concat([Buffer.from(l, 'utf8'), Buffer.from(i % 40 === 39 ? [0xc3, 0x0a] : [0x0a])])));
    const decoded = decodeCable(new Uint8Array(bytes));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.warnings[0]).toMatch(/^10 bytes are not valid UTF-8 .* on lines 40, 80, 120, 160, 200 and 5 more;/);
  });

  it('a consistently single-byte file is still read as Latin-1 / Windows-1252, without a warning', () => {
    const bytes = new Uint8Array(Buffer.from(seedText.replace('Poipet', 'Poipet’s').replace('’s', '\u2019s'), 'latin1'));
    const decoded = decodeCable(bytes);
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.warnings).toEqual([]);
    expect(parseCable(decoded.text, NAME).paragraphs.map((p) => p.key)).toEqual(reference.paragraphs.map((p) => p.key));
  });

  it('the real headerless cables (ISO-8859-1, 0xB6 for ¶, CRLF) decode as before: no warning, no "Â"', () => {
    const dir = '/work/shared/corpus/headerless/';
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.txt'));
    } catch {
      return; // The shared corpus is not next to this checkout.
    }
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const bytes = new Uint8Array(readFileSync(dir + name));
      const decoded = decodeCable(bytes);
      // Two of them are plain ASCII, which is UTF-8 as much as anything.
      expect(decoded.encoding, name).toBe(bytes.some((b) => b >= 0x80) ? 'windows-1252' : 'utf-8');
      expect(decoded.warnings, name).toEqual([]);
      expect(decoded.text.split('¶').length - 1, name).toBe(bytes.filter((b) => b === 0xb6).length);
      expect(decoded.text, name).not.toMatch(/Â|\uFFFD/);
    }
  });

  it('a file pasted together from a UTF-8 part and a Latin-1 part reads each line in its own encoding, and says so', () => {
    const utf8Part = Buffer.from('¶1. (C) Gilani’s visit.\n', 'utf8');
    const latinPart = Buffer.from('¶2. (C) Caf\u00e9 talks \u00b6 here.\n¶3. (C) R\u00e9sum\u00e9.\n¶4. (C) \u00c9t\u00e9.\n', 'latin1');
    const decoded = decodeCable(new Uint8Array(Buffer.concat([utf8Part, latinPart])));
    expect(decoded.text).toBe('¶1. (C) Gilani’s visit.\n¶2. (C) Café talks ¶ here.\n¶3. (C) Résumé.\n¶4. (C) Été.\n');
    expect(decoded.warnings[0]).toMatch(/^mixed encodings: line 1 is UTF-8, 3 other lines Latin-1\/Windows-1252/);
  });
});

describe('UTF-16 is text, not "binary"', () => {
  const utf16le = (s: string) => Buffer.from(s, 'utf16le');
  const utf16be = (s: string) => {
    const b = Buffer.from(s, 'utf16le');
    return b.swap16();
  };
  for (const [name, bytes] of [
    ['UTF-16LE with a BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(seedText)])],
    ['UTF-16BE with a BOM', () => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(seedText)])],
    ['UTF-16LE without a BOM', () => utf16le(seedText)],
    ['UTF-16BE without a BOM', () => utf16be(seedText)],
    ['UTF-16LE with CRLF line ends', () => Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(seedText.replace(/\n/g, '\r\n'))])],
  ] as const) {
    it(`${name} parses to the same Cable`, () => {
      const input = readCableText(new Uint8Array(bytes()), NAME);
      expect(input.encoding).toMatch(/^utf-16/);
      expect(parseCable(input.text, NAME)).toEqual(reference);
    });
  }
});
