import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cable } from '../../src/domain.js';
import { decodeCableBytes, parseCable, parseCableFile } from '../../src/parse/index.js';

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
