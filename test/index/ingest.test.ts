import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embed/index.js';
import { buildIndex, IndexError, IndexStore } from '../../src/index/index.js';
import { openCablechat } from '../../src/cablechat.js';
import { SEED_DIR, useLite } from '../support/seed-index.js';

const SEED = join(SEED_DIR, '09PHNOMPENH246.txt');
let e: Embedder;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cablechat-ingest-'));
  dirs.push(d);
  return d;
};

/** Counts what reaches the model, so tests can see that unchanged text is never embedded twice. */
function counting(inner: Embedder, failAfter = Infinity) {
  const c = { texts: 0, calls: 0 };
  const wrapped: Embedder = {
    id: inner.id,
    dimensions: inner.dimensions,
    maxWords: inner.maxWords,
    async embed(texts) {
      if (c.calls++ >= failAfter) throw new Error('simulated crash during embedding');
      c.texts += texts.length;
      return inner.embed(texts);
    },
    close: async () => {},
  };
  return { wrapped, c };
}

beforeAll(async () => {
  e = await useLite();
});
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ingest', () => {
  it('indexes the seed cable and records format, embedder and dimensions', async () => {
    const dir = tmp();
    const r = await buildIndex([SEED], { indexDir: dir, embedder: e });
    expect(r).toMatchObject({ cables: 1, unchanged: 0, rejected: [] });
    expect(r.paragraphs).toBe(r.indexed.paragraphs);
    const store = IndexStore.open(dir, { embedder: e });
    expect(store.stats()).toMatchObject({ cables: 1, format: 1, embedder: { id: 'use-lite', dimensions: 512 }, generation: 1 });
    store.close();
    expect(readdirSync(dir)).toContain('dense-1.hnsw');
  });

  it('re-ingesting an unchanged cable embeds nothing; a changed cable replaces its paragraphs and re-embeds only what changed', async () => {
    const dir = tmp();
    const src = tmp();
    copyFileSync(SEED, join(src, '09PHNOMPENH246.txt'));
    const first = counting(e);
    await buildIndex([src], { indexDir: dir, embedder: first.wrapped });
    expect(first.c.texts).toBeGreaterThan(20);

    const again = counting(e);
    const r = await buildIndex([src], { indexDir: dir, embedder: again.wrapped });
    expect(r).toMatchObject({ unchanged: 1, cables: 0, embedded: 0 });
    expect(again.c.texts).toBe(0);

    // Edit one paragraph: ¶10's capacity changes from 10 to 12 children.
    const text = readFileSync(SEED, 'utf8').replace('10 children at a time', '12 children at a time');
    writeFileSync(join(src, '09PHNOMPENH246.txt'), text);
    const changed = counting(e);
    const r2 = await buildIndex([src], { indexDir: dir, embedder: changed.wrapped });
    expect(r2).toMatchObject({ cables: 1, unchanged: 0 });
    expect(changed.c.texts).toBeGreaterThanOrEqual(1);
    expect(changed.c.texts).toBeLessThanOrEqual(3);
    const chat = await openCablechat({ indexDir: dir, embedder: e });
    expect(chat.stats().paragraphs).toBe(r2.paragraphs);
    const a = await chat.ask({ question: 'How many children can the Poipet Transit Center house?' });
    expect(a.passages[0]!.text).toContain('12 children at a time');
    expect(a.passages[0]!.text).not.toContain('10 children at a time');
    await chat.close();
  });

  it('rejects files that are not cables, names them, and still indexes the good ones', async () => {
    const dir = tmp();
    const src = tmp();
    copyFileSync(SEED, join(src, '09PHNOMPENH246.txt'));
    writeFileSync(join(src, 'empty.txt'), '');
    writeFileSync(join(src, 'photo.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0, 1, 2, 3, 0, 0]));
    const r = await buildIndex([src], { indexDir: dir, embedder: e });
    expect(r.cables).toBe(1);
    expect(r.rejected.map((x) => x.file.split('/').pop()).sort()).toEqual(['empty.txt', 'photo.txt']);
    for (const x of r.rejected) expect(x.reason.length).toBeGreaterThan(5);
  });

  it('a crash during ingest leaves the previous index usable, and the next run reuses what was embedded', async () => {
    const dir = tmp();
    const src = tmp();
    copyFileSync(SEED, join(src, '09PHNOMPENH246.txt'));
    await buildIndex([src], { indexDir: dir, embedder: e });
    // A second cable arrives; embedding dies part-way through.
    const other = readFileSync(SEED, 'utf8').replace(/^09PHNOMPENH246/, '09PHNOMPENH999').replace(/Poipet/g, 'Battambang');
    writeFileSync(join(src, '09PHNOMPENH999.txt'), other);
    const crashing = counting(e, 1);
    await expect(buildIndex([src], { indexDir: dir, embedder: crashing.wrapped, batchSize: 8 })).rejects.toThrow(/simulated crash/);
    const chat = await openCablechat({ indexDir: dir, embedder: e });
    expect(chat.stats().cables).toBe(1);
    expect((await chat.ask({ question: 'How many children can the Poipet Transit Center house?' })).passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶10');
    await chat.close();
    const resumed = counting(e);
    const r = await buildIndex([src], { indexDir: dir, embedder: resumed.wrapped });
    expect(r.cables).toBe(1);
    expect(r.reused).toBeGreaterThan(0);
    expect(resumed.c.texts).toBe(r.embedded);
  });

  it('a reader that stays open (the server) picks up a finished ingest without restarting', async () => {
    const dir = tmp();
    const src = tmp();
    copyFileSync(SEED, join(src, '09PHNOMPENH246.txt'));
    await buildIndex([src], { indexDir: dir, embedder: e });
    const chat = await openCablechat({ indexDir: dir, embedder: e });
    const before = await chat.ask({ question: 'How many children can the Battambang shelter house?', filters: { cable: '09PHNOMPENH999' } });
    expect(before.note).toMatch(/No indexed cable matches/);
    writeFileSync(join(src, '09PHNOMPENH999.txt'), readFileSync(SEED, 'utf8').replace(/^09PHNOMPENH246/, '09PHNOMPENH999').replace(/Poipet/g, 'Battambang'));
    await buildIndex([src], { indexDir: dir, embedder: e });
    const after = await chat.ask({ question: 'How many children can the Battambang Transit Center house?', filters: { cable: '09PHNOMPENH999' } });
    expect(after.passages[0]!.citation.label).toBe('09PHNOMPENH999 ¶10');
    expect(chat.stats().cables).toBe(2);
    await chat.close();
  });

  it('rebuilds a missing HNSW file from stored vectors instead of failing', async () => {
    const dir = tmp();
    await buildIndex([SEED], { indexDir: dir, embedder: e });
    for (const f of readdirSync(dir)) if (f.endsWith('.hnsw')) rmSync(join(dir, f));
    const chat = await openCablechat({ indexDir: dir, embedder: e });
    const a = await chat.ask({ question: 'What sentence did the recruiter convicted in 2005 get?' });
    expect(a.passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶14');
    await chat.close();
  });

  it('refuses to open an index built with another embedder, and says how to rebuild', async () => {
    const dir = tmp();
    await buildIndex([SEED], { indexDir: dir, embedder: e });
    const other = { ...e, id: 'Xenova/all-MiniLM-L6-v2', dimensions: 384 };
    expect(() => IndexStore.open(dir, { embedder: other })).toThrow(IndexError);
    expect(() => IndexStore.open(dir, { embedder: other })).toThrow(/built with the embedding model "use-lite".*npm run ingest/s);
    expect(existsSync(join(dir, 'cables.db'))).toBe(true);
  });
});
