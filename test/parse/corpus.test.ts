/**
 * Whole-corpus guard rails: every file of the shared cablegate-2010 corpus must parse or be
 * refused with a CableParseError, and nothing the parser is meant to remove may survive in any
 * paragraph. Skipped when the corpus is not checked out next to the project.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Cable } from '../../src/domain.js';
import { CableParseError, decodeCableBytes, parseCable } from '../../src/parse/index.js';

const dir = fileURLToPath(new URL('../../../shared/corpus/cablegate-2010/', import.meta.url));

describe.skipIf(!existsSync(dir))('the cablegate-2010 corpus', () => {
  const cables: Cable[] = [];
  const refused: string[] = [];
  // The body runs at collection even when skipped, so it must not touch a missing folder.
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    try {
      cables.push(parseCable(decodeCableBytes(readFileSync(dir + name)), name));
    } catch (err) {
      if (!(err instanceof CableParseError)) throw err;
      refused.push(`${name}: ${err.reason}`);
    }
  }

  it('parses nearly every file; the rest are refused with a reason', () => {
    expect(cables.length + refused.length).toBe(readdirSync(dir).length);
    expect(cables.length).toBeGreaterThanOrEqual(1280);
    for (const r of refused) expect(r).toMatch(/: no body text after the header/);
  });

  it('gives every cable its ref, a date and unique paragraph keys', () => {
    for (const c of cables) {
      expect(c.ref).toMatch(/^\d{2}[A-Z]+\d+$/);
      expect(c.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const keys = c.paragraphs.map((p) => p.key);
      expect(new Set(keys).size, c.ref).toBe(keys.length);
    }
  });

  it('keeps routing, banners and furniture out of paragraph text', () => {
    const furniture = /\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}|SIPDIS|partial extract|VZCZC|\bRUEH[A-Z]{2,}\b|¶|-{5,}|<\/?(?:br|td|tr)>/i;
    for (const c of cables) {
      for (const p of c.paragraphs) {
        expect(p.text, `${c.ref} ¶${p.key}`).not.toMatch(furniture);
        expect(p.text, `${c.ref} ¶${p.key}`).not.toBe('');
        // E.O. 12958 (and its predecessors) is the classification line; E.O. 13224 etc. are prose.
        if (p.key !== '0') expect(p.text, `${c.ref} ¶${p.key}`).not.toMatch(/E\.\s?O\.\s?12(?:958|065|356)\b|^TAGS:/);
      }
    }
  });

  it('uses number null for the preamble and for cables that print no numbers, and markings without parentheses', () => {
    let counted = 0;
    for (const c of cables) {
      const body = c.paragraphs.filter((p) => p.key !== '0');
      const printed = body.filter((p) => p.number !== null).length;
      // A cable prints numbers or it does not: a mix would mean a numbered paragraph was missed.
      expect(printed === 0 || printed === body.length, c.ref).toBe(true);
      if (body.length && printed === 0) counted++;
      for (const p of c.paragraphs) {
        if (p.key === '0') expect(p.number, c.ref).toBeNull();
        if (p.marking !== null) expect(p.marking).not.toMatch(/[()]/);
      }
    }
    // The parse report lists 5 cables of the corpus that number nothing (README, Ingest).
    expect(counted).toBe(5);
  });

  it('never leaves the signature at the end of the last paragraph', () => {
    for (const c of cables) {
      const last = c.paragraphs[c.paragraphs.length - 1]!;
      if (c.signature) expect(last.text.endsWith(` ${c.signature}`), c.ref).toBe(false);
    }
  });
});
