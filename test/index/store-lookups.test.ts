/**
 * The store's lookups that were rewritten to scale (no whole-archive scans per question) must answer exactly
 * as the simple ones did.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, IndexStore } from '../../src/index/index.js';
import { hashEmbedder } from '../support/hash-embedder.js';
import { stem } from '../../src/retrieve/text.js';
import { variantCable } from '../support/index-check.js';
import { SEED_DIR } from '../support/seed-index.js';

const work = mkdtempSync(join(tmpdir(), 'cablechat-lookups-'));
let store: IndexStore;
beforeAll(async () => {
  const src = join(work, 'src');
  mkdirSync(src);
  const seed = join(SEED_DIR, '09PHNOMPENH246.txt');
  variantCable(seed, '09PHNOMPENH246', [], join(src, 'a.txt'));
  variantCable(seed, '09BANGKOK901', [['Poipet', 'Aranyaprathet'], ['Cambodia', 'Thailand']], join(src, 'b.txt'));
  variantCable(seed, '09HANOI455', [['Poipet', 'Lao Cai'], ['IOM', 'UNHCR']], join(src, 'c.txt'));
  await buildIndex([src], { indexDir: join(work, 'ix'), embedder: hashEmbedder() });
  // Replace one cable, so its paragraphs sit after the others' (rowids of a cable stay contiguous).
  variantCable(seed, '09PHNOMPENH246', [['shelter', 'refuge']], join(src, 'a.txt'));
  await buildIndex([src], { indexDir: join(work, 'ix'), embedder: hashEmbedder() });
  store = IndexStore.open(join(work, 'ix'), { embedder: hashEmbedder() });
});
afterAll(() => {
  store.close();
  rmSync(work, { recursive: true, force: true });
});

describe('store lookups', () => {
  it('which candidate cables hold a term: the same as the whole-archive full-text lookup', () => {
    const refs = ['09PHNOMPENH246', '09BANGKOK901', '09HANOI455', '09NOSUCH1'];
    const db = new Database(join(work, 'ix', 'cables.db'), { readonly: true });
    const everywhere = db.prepare('SELECT DISTINCT p.ref FROM paragraphs_fts f JOIN paragraphs p ON p.id = f.rowid WHERE paragraphs_fts MATCH ?').pluck();
    for (const term of ['poipet', 'aranyaprathet', 'lao', 'iom', 'unhcr', 'refuge', 'shelter', 'children', 'zzzz']) {
      const all = new Set(everywhere.all(`"${term}"`) as string[]);
      expect(refs.filter((r) => store.cableStems(r).has(stem(term))).sort(), term).toEqual(refs.filter((r) => all.has(r)).sort());
    }
    db.close();
    expect(refs.filter((r) => store.cableStems(r).has('refug'))).toEqual(['09PHNOMPENH246']);
  });

  it('paragraphs per term, kept through a replaced cable: the same as counting in the full-text index', () => {
    const db = new Database(join(work, 'ix', 'cables.db'), { readonly: true });
    const count = db.prepare('SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?').pluck();
    for (const word of ['poipet', 'aranyaprathet', 'refuge', 'shelter', 'children', 'house', 'released', 'zzzz']) {
      expect(store.paragraphsWithTerm(stem(word)), word).toBe(count.get(`text:"${word}"`));
    }
    db.close();
  });

  it('finds a cable by its exact id through the key, and by another spelling too', () => {
    expect(store.cable('09HANOI455')?.ref).toBe('09HANOI455');
    expect(store.cable('09hanoi455')?.ref).toBe('09HANOI455');
    expect(store.cable('09NOSUCH1')).toBeNull();
  });

  it('segments of allowed paragraphs, read in one statement', () => {
    const paragraphs = store.allowedParagraphs({ cable: '09BANGKOK901' })!;
    const segments = store.allowedSegments(paragraphs);
    expect(segments.size).toBeGreaterThanOrEqual(paragraphs.size);
    for (const s of store.segments([...segments])) expect(paragraphs.has(s.paragraphId)).toBe(true);
  });

  it('counts follow the index', () => {
    expect(store.stats()).toMatchObject({ cables: 3, generation: 2 });
  });
});
