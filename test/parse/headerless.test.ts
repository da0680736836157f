import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cable } from '../../src/domain.js';
import { parseCable } from '../../src/parse/index.js';

/**
 * A raw cable as released, without the converter's five-line header: the first line is
 * "VZCZCXRO8294". Every field must then come from the routing lines.
 */
const seedPath = fileURLToPath(new URL('../../data/cables/09PHNOMPENH246.txt', import.meta.url));

let withHeader: Cable;
let raw: string;

beforeAll(async () => {
  const text = await readFile(seedPath, 'utf8');
  withHeader = parseCable(text, '09PHNOMPENH246.txt');
  raw = text.split('\n').slice(5).join('\n');
  expect(raw.startsWith('VZCZC')).toBe(true);
});

describe('a raw cable without the five-line header', () => {
  it('takes the ref from the file name', () => {
    expect(parseCable(raw, 'cables/09PHNOMPENH246.txt').ref).toBe('09PHNOMPENH246');
  });

  it('takes the ref from the SECTION line and the DTG year when the file name is not a ref', () => {
    expect(parseCable(raw, 'download (3).txt').ref).toBe('09PHNOMPENH246');
  });

  it('reads date, origin, classification, subject and tags from the routing lines', () => {
    const cable = parseCable(raw, 'download.txt');
    expect(cable.date).toBe('2009-04-13'); // P 131052Z APR 09
    expect(cable.origin).toBe('Embassy Phnom Penh'); // FM AMEMBASSY PHNOM PENH
    expect(cable.classification).toBe('UNCLASSIFIED//FOR OFFICIAL USE ONLY'); // UNCLAS + SENSITIVE
    expect(cable.subject).toBe('CAMBODIA BORDER CROSSING VISITS HIGHLIGHT TIP CHALLENGES, STRATEGIES');
    expect(cable.tags).toEqual(withHeader.tags);
  });

  it('gives exactly the same paragraphs and signature as the headed copy', () => {
    const cable = parseCable(raw, '09PHNOMPENH246.txt');
    expect(cable.paragraphs).toEqual(withHeader.paragraphs);
    expect(cable.signature).toBe('RODLEY');
  });

  it('reads a DTG from another century: R 130458Z AUG 79 is 1979-08-13', () => {
    const old = [
      'R 130458Z AUG 79',
      'FM AMEMBASSY TEHRAN',
      'TO SECSTATE WASHDC 3182C O N F I D E N T I A L SECTION 01 OF 02 TEHRAN 08980 ',
      'E.O. 12065: GDS 8/12/85',
      'TAGS: PEPR IR',
      'SUBJECT: NEGOTIATIONS ',
      ' ',
      '¶1. (C - ENTIRE TEXT). ',
      ' ',
      '¶2. INTRODUCTION: RECENT NEGOTIATIONS HIGHLIGHT SEVERAL SPECIAL FEATURES. ',
      ' ',
      'LAINGEN ',
    ].join('\n');
    const cable = parseCable(old, 'tehran.txt');
    expect(cable).toMatchObject({
      ref: '79TEHRAN8980',
      date: '1979-08-13',
      origin: 'Embassy Tehran',
      classification: 'CONFIDENTIAL',
      subject: 'NEGOTIATIONS',
      tags: ['PEPR', 'IR'],
      signature: 'LAINGEN',
    });
    expect(cable.paragraphs.map((p) => [p.key, p.marking])).toEqual([
      ['0', null],
      ['1', 'C - ENTIRE TEXT'],
      ['2', null],
    ]);
  });
});
