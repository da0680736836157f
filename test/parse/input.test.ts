/** What a file must be before it is parsed: the reasons a user sees for files that are not cable text. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CableParseError, MAX_CABLE_FILE_BYTES, MAX_LINE_CHARS, parseCable, readCableText } from '../../src/parse/index.js';

const seedText = readFileSync(new URL('../../data/cables/09PHNOMPENH246.txt', import.meta.url), 'utf8');
const HEADER = seedText.split('\n').slice(0, 5).join('\n');

function refusal(bytes: Uint8Array, file = '09PHNOMPENH246.txt'): string {
  try {
    readCableText(bytes, file);
  } catch (err) {
    expect(err).toBeInstanceOf(CableParseError);
    return (err as CableParseError).reason;
  }
  throw new Error('expected the file to be refused');
}

describe('files that are not cable text are refused with a reason', () => {
  it('an empty file', () => {
    expect(refusal(new Uint8Array())).toBe('empty file');
  });

  it('images, PDFs and archives are named for what they are', () => {
    expect(refusal(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toBe('binary data (a PNG image), not cable text');
    expect(refusal(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toMatch(/JPEG image/);
    expect(refusal(new Uint8Array(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')))).toMatch(/PDF document/);
    expect(refusal(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0]))).toMatch(/ZIP archive or an Office document/);
  });

  it('NUL bytes in data that is not UTF-16 are binary, with the line of the first one', () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n¶1. (C) Text.\n`), Buffer.from([0x00, 0x41, 0x42, 0x00, 0x00, 0x43])]);
    expect(refusal(new Uint8Array(bytes))).toBe('binary data (contains NUL bytes, first on line 7), not cable text');
  });
});

describe('size limits: a file no cable could be is refused before it is planned as hours of embedding', () => {
  it(`a file over ${MAX_CABLE_FILE_BYTES / 1024 / 1024} MB is refused, and the reason states the limit`, () => {
    const big = new Uint8Array(MAX_CABLE_FILE_BYTES + 1).fill(0x61);
    expect(refusal(big)).toBe('too large for one cable: 5.0 MB, over the limit of 5.0 MB per cable file');
    const sixty = Buffer.alloc(60 * 1024 * 1024, 'The minister said no.\n');
    expect(refusal(new Uint8Array(sixty))).toMatch(/^too large for one cable: 60\.0 MB, over the limit of 5\.0 MB/);
  });

  it('a 5 MB single line is refused with its line number and the limit', () => {
    const line = `¶1. (C) ${'word '.repeat(1_000_000)}`;
    const bytes = new Uint8Array(Buffer.from(`${HEADER}\n${line}\n`));
    expect(refusal(bytes)).toBe(`line 6 is ${line.length.toLocaleString('en-US')} characters long, over the limit of 200,000 for a line of a cable`);
  });

  it('a line just under the limit is fine', () => {
    const line = `¶1. (C) ${'word '.repeat(Math.floor((MAX_LINE_CHARS - 10) / 5))}`;
    expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
    const input = readCableText(new Uint8Array(Buffer.from(`${HEADER}\n${line}\n`)), '09PHNOMPENH246.txt');
    expect(parseCable(input.text, '09PHNOMPENH246.txt').paragraphs.at(-1)!.number).toBe(1);
  });
});

describe('a cable with 10,000 paragraphs', () => {
  // Before: numbers above 150 were not read as paragraph numbers at all, so ¶151 to ¶10000 were
  // folded silently into ¶150's text.
  it('keeps every printed paragraph number, each with its own text', () => {
    let body = '';
    for (let i = 1; i <= 10_000; i++) body += `¶${i}. (U) Paragraph ${i} reports on the border crossing.\n\n`;
    const cable = parseCable(`${HEADER}\n${body}`, '09PHNOMPENH246.txt');
    const numbered = cable.paragraphs.filter((p) => p.number !== null);
    expect(numbered).toHaveLength(10_000);
    expect(numbered.map((p) => p.number)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    expect(numbered[150]!.text).toBe('Paragraph 151 reports on the border crossing.');
    expect(numbered.at(-1)!.text).toBe('Paragraph 10000 reports on the border crossing.');
  });

  it('still reads a large number that does not continue the count as text (a year, a count)', () => {
    const text = `${HEADER}\n¶1. (C) The talks began in January\n¶2009. They went on.\n\n¶2. (C) About\n400. people came.\n`;
    const cable = parseCable(text, '09PHNOMPENH246.txt');
    expect(cable.paragraphs.filter((p) => p.number !== null).map((p) => p.number)).toEqual([1, 2]);
    expect(cable.paragraphs.at(-1)!.text).toContain('400. people came.');
  });

  it('a file of a few hundred thousand numbered lines is parsed in seconds, not hours', () => {
    // Choosing paragraph starts compared every numbered line with every earlier one.
    const body = Array.from({ length: 200_000 }, (_, i) => `${(i % 150) + 1}. (S) Para ${i}.`).join('\n');
    const cable = parseCable(`${HEADER}\n${body}\n`, '09PHNOMPENH246.txt');
    expect(cable.paragraphs.length).toBeGreaterThan(100_000);
  });
});
