/**
 * The archive as people download it: cables.csv rows, HTML pages and txt files in one ingest; a truncated
 * CSV; and a long ingest that commits as it goes, survives a crash, and is seen by a reader while it runs.
 * Embedding is a fast stand-in here: what is tested is what ingest does around the model.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCablechat } from '../../src/cablechat.js';
import type { Embedder } from '../../src/embed/index.js';
import { buildIndex, IndexStore } from '../../src/index/index.js';
import { hashEmbedder } from '../support/hash-embedder.js';
import { indexFacts, variantCable } from '../support/index-check.js';
import { SEED_DIR } from '../support/seed-index.js';

const SEED = join(SEED_DIR, '09PHNOMPENH246.txt');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'formats');
const work = mkdtempSync(join(tmpdir(), 'cablechat-archive-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const dir = (name = 'd') => join(work, `${name}-${n++}`);

const PLACES: [string, string, string][] = [
  ['09BANGKOK901', 'Aranyaprathet', 'Thailand'],
  ['09HANOI455', 'Lao Cai', 'Vietnam'],
  ['09VIENTIANE77', 'Savannakhet', 'Laos'],
  ['09RANGOON310', 'Myawaddy', 'Burma'],
  ['09MANILA1022', 'Zamboanga', 'Philippines'],
  ['09JAKARTA640', 'Batam', 'Indonesia'],
];

/** txt cables (the seed and variants of it) in a folder, and the same cables as cables.csv rows. */
function makeArchive(count: number): { txtDir: string; csv: string } {
  const txtDir = dir('txt');
  rmSync(txtDir, { recursive: true, force: true });
  freshDir(txtDir);
  const rows: string[] = [];
  PLACES.slice(0, count).forEach(([ref, place, country], i) => {
    const file = join(txtDir, `${ref}.txt`);
    variantCable(SEED, ref, [['Poipet', place], ['Cambodia', country]], file);
    const [id, , date, classification, origin, ...body] = readFileSync(file, 'utf8').split('\n');
    const d = new Date(date!);
    const created = `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()} 10:00`;
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    rows.push([String(i + 1), created, id!, origin!, classification!, '', 'FM AMEMBASSY PHNOM PENH\nTO SECSTATE WASHDC', body.join('\n')].map(q).join(','));
  });
  const csv = join(dir('csv'), 'cables.csv');
  freshDir(join(csv, '..'));
  writeFileSync(csv, `${rows.join('\n')}\n`);
  return { txtDir, csv };
}

function freshDir(d: string) {
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
}

const citations = (index: string, ref: string) => {
  const store = IndexStore.open(index, { embedder: hashEmbedder() });
  try {
    return store.paragraphsOf(ref).map((p) => `${p.key}|${p.number}|${p.heading}|${p.marking}|${p.text}`);
  } finally {
    store.close();
  }
};

describe('the archive in its download layouts', () => {
  it('cables.csv rows, an HTML page and txt files go in together; a cable gives the same paragraphs from CSV as from txt', async () => {
    const { txtDir, csv } = makeArchive(2);
    const mixed = dir();
    const html = join(FIXTURES, '09VALLETTA512.html');
    const r = await buildIndex([csv, html, SEED], { indexDir: mixed, embedder: hashEmbedder() });
    expect(r.rejected).toEqual([]);
    expect(r.indexed.cables).toBe(4);
    const fromTxt = dir();
    await buildIndex([txtDir], { indexDir: fromTxt, embedder: hashEmbedder() });
    for (const [ref] of PLACES.slice(0, 2)) {
      expect(citations(mixed, ref).length).toBeGreaterThan(15);
      expect(citations(mixed, ref)).toEqual(citations(fromTxt, ref));
    }
    expect(citations(mixed, '09VALLETTA512').length).toBeGreaterThan(0);
  });

  it("the CSV's referenced cables and its own date and classification are kept with the cable", async () => {
    const index = dir();
    await buildIndex([join(FIXTURES, 'rows.csv')], { indexDir: index, embedder: hashEmbedder() });
    const store = IndexStore.open(index, { embedder: hashEmbedder() });
    try {
      expect(store.cable('09VALLETTA512')).toMatchObject({ references: ['09STATE40380'], date: '2009-05-03', classification: 'CONFIDENTIAL', origin: 'Embassy Valletta' });
    } finally {
      store.close();
    }
  });

  it('a CSV cut mid-row: every whole row goes in, and the cut is named with its line', async () => {
    const { csv } = makeArchive(3);
    const text = readFileSync(csv, 'utf8');
    writeFileSync(csv, text.slice(0, text.lastIndexOf('"3","') + 2000));
    const r = await buildIndex([csv], { indexDir: dir(), embedder: hashEmbedder() });
    expect(r.indexed.cables).toBe(2);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.file).toBe(csv);
    expect(r.rejected[0]!.reason).toMatch(/line \d+/);
    expect(r.rejected[0]!.reason).toMatch(/09VIENTIANE77/);
  });
});

describe('a long ingest', () => {
  /** The stand-in model, failing after `after` batches: a crash in the middle of a long run. */
  const failing = (after: number): Embedder => {
    const inner = hashEmbedder();
    let calls = 0;
    return { ...inner, embed: async (texts) => (calls++ >= after ? Promise.reject(new Error('model process died')) : inner.embed(texts)) };
  };
  const small = { chunkTexts: 12, batchSize: 4, commitEverySeconds: 0 };

  it('commits as it goes; after a crash the next run embeds only what is not stored and ends with the uninterrupted index', async () => {
    const { csv } = makeArchive(6);
    const reference = dir();
    const full = await buildIndex([csv], { indexDir: reference, embedder: hashEmbedder(), ...small });
    expect(full.commits).toBeGreaterThanOrEqual(3);

    const index = dir();
    await expect(buildIndex([csv], { indexDir: index, embedder: failing(30), ...small })).rejects.toThrow(/model process died/);
    const mid = indexFacts(index);
    expect(mid.cables).toBeGreaterThan(0);
    expect(mid.cables).toBeLessThan(6);
    expect(mid.segmentsNotInHnsw).toBe(0);
    const vectorsStored = new Set(mid.fingerprint).size; // committed paragraphs
    expect(vectorsStored).toBeGreaterThan(0);

    const resumed = await buildIndex([csv], { indexDir: index, embedder: hashEmbedder(), ...small });
    expect(resumed.unchanged).toBe(mid.cables);
    expect(resumed.embedded).toBeLessThan(full.embedded - 4 * 20); // ≥ 20 batches were stored before the crash
    expect(indexFacts(index).fingerprint).toEqual(indexFacts(reference).fingerprint);
    expect(indexFacts(index).termCounts).toEqual(indexFacts(reference).termCounts);
  });

  it('a reader sees cables as each commit lands, while the ingest goes on', async () => {
    const { csv } = makeArchive(6);
    const index = dir();
    await buildIndex([SEED], { indexDir: index, embedder: hashEmbedder() });
    const chat = await openCablechat({ indexDir: index, embedder: hashEmbedder() });
    const seen: number[] = [];
    let running = true;
    const reader = (async () => {
      while (running) {
        await chat.ask({ question: 'How many children can the transit center house?' });
        const cables = chat.stats().cables;
        if (seen.at(-1) !== cables) seen.push(cables);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const slow = hashEmbedder();
    await buildIndex([csv], { indexDir: index, embedder: { ...slow, embed: async (t) => (await new Promise((r) => setTimeout(r, 5)), slow.embed(t)) }, ...small });
    running = false;
    await reader;
    const last = chat.stats().cables;
    if (seen.at(-1) !== last) seen.push(last);
    await chat.close();
    expect(seen[0]).toBe(1);
    expect(seen.at(-1)).toBe(7);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});
