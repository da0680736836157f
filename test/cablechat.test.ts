/** The one face the server and the CLI use: ask, cable, listCables, stats, close (fast, hand-made vectors). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasIndex, type Cablechat } from '../src/cablechat.js';
import { HARBOUR, SHELTER, TOPICS } from './support/tiny-archive.js';
import { tinyArchive, topicEmbedder } from './support/topic-embedder.js';

let chat: Cablechat;
let dir: string;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ chat, dir, dispose } = await tinyArchive([SHELTER, HARBOUR], topicEmbedder(TOPICS)));
});
afterAll(() => dispose());

describe('the chat face', () => {
  it('gives a whole cable with its paragraphs cited, whatever the case of its reference, and null for none', () => {
    const cable = chat.cable('09phnompenh1')!;
    expect(cable.ref).toBe('09PHNOMPENH1');
    expect(cable.paragraphs.map((p) => p.citation.label)).toEqual(['09PHNOMPENH1 ¶0', ...SHELTER.paragraphs.map((_, i) => `09PHNOMPENH1 ¶${i + 1}`)]);
    expect(cable.paragraphs[2]!.text).toBe(SHELTER.paragraphs[1]);
    expect(chat.cable('99NOWHERE1')).toBeNull();
  });

  it('lists cables newest first, with their paragraph counts, a page at a time', () => {
    const page = chat.listCables(0, 1);
    expect(page.total).toBe(2);
    expect(page.items.map((c) => [c.ref, c.paragraphs])).toEqual([['10LAGOS2', HARBOUR.paragraphs.length + 1]]);
    expect(chat.listCables(1, 5).items.map((c) => c.ref)).toEqual(['09PHNOMPENH1']);
  });

  it('says what the index holds and which model answers', () => {
    const stats = chat.stats();
    expect(stats).toMatchObject({ cables: 2, paragraphs: 10, segments: 10, embedder: { id: 'test-topics', dimensions: Object.keys(TOPICS).length + 1 } });
    // A model nobody fitted for says so: model-agnostic weights, no trust model.
    expect(stats.ranking).toMatchObject({ weights: 'model-agnostic', trust: 'none' });
    expect(stats.ranking.note).toMatch(/test-topics has no fitted ranking weights or trust model.*confidence not rated/);
  });

  it('hands out none of the pipeline behind it', () => {
    for (const inner of ['store', 'retriever', 'embedder', 'corpus', 'pipeline']) expect(chat).not.toHaveProperty(inner);
  });

  it('tells a folder with an index from one without', () => {
    const empty = mkdtempSync(join(tmpdir(), 'cablechat-empty-'));
    try {
      expect(hasIndex(dir)).toBe(true);
      expect(hasIndex(empty)).toBe(false);
      expect(hasIndex(join(empty, 'missing'))).toBe(false);
      // A damaged index is an index: npm start must say it is damaged, not index the demo cable over it.
      writeFileSync(join(empty, 'cables.db'), 'not a database');
      expect(hasIndex(empty)).toBe(true);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
