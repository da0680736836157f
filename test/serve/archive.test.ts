/** The archive's listing and facets over HTTP: narrowed by search and facets, counted per origin, year, tag. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashChat } from '../support/hash-embedder.js';
import { variantCable } from '../support/index-check.js';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/serve/index.js';
import { HARBOUR, SHELTER, TOPICS } from '../support/tiny-archive.js';
import { tinyArchive, topicEmbedder } from '../support/topic-embedder.js';

let archive: Awaited<ReturnType<typeof tinyArchive>>;
let app: FastifyInstance;
beforeAll(async () => {
  archive = await tinyArchive([SHELTER, HARBOUR], topicEmbedder(TOPICS));
  app = await buildServer({ chat: archive.chat });
});
afterAll(async () => {
  await app?.close();
  await archive?.dispose();
});

const get = async (url: string) => {
  const r = await app.inject({ method: 'GET', url });
  return { status: r.statusCode, body: r.json() };
};

describe('the archive API', () => {
  it('counts cables per origin, year, classification and tag', async () => {
    const { status, body } = await get('/api/facets');
    expect(status).toBe(200);
    expect(body.origin).toEqual(expect.arrayContaining([{ value: 'Embassy Phnom Penh', count: 1 }, { value: 'Embassy Lagos', count: 1 }]));
    expect(body.year).toEqual([{ value: '2010', count: 1 }, { value: '2009', count: 1 }]);
    expect(body.tag).toEqual(expect.arrayContaining([{ value: 'KTIP', count: 1 }, { value: 'ECON', count: 1 }]));
  });

  it('narrows the list by reference id or subject words, and by each facet', async () => {
    expect((await get('/api/cables?q=lagos')).body.items.map((c: { ref: string }) => c.ref)).toEqual(['10LAGOS2']);
    expect((await get('/api/cables?q=shelter')).body.items.map((c: { ref: string }) => c.ref)).toEqual(['09PHNOMPENH1']);
    expect((await get('/api/cables?tag=KTIP')).body).toMatchObject({ total: 1, items: [{ ref: '09PHNOMPENH1', paragraphs: 6 }] });
    expect((await get('/api/cables?year=2010&origin=Embassy%20Lagos')).body.total).toBe(1);
    expect((await get('/api/cables?year=2010&tag=KTIP')).body.total).toBe(0);
    // A search's % and _ are taken literally.
    expect((await get('/api/cables?q=%25')).body.total).toBe(0);
  });

  it('refuses a malformed narrowing with a reason', async () => {
    const r = await get('/api/cables?year=20x9');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('year must be four digits, e.g. year=2009 (got "20x9")');
  });
});

describe("the viewer's links between cables", () => {
  it('lists the cables one cites (from its REF lines), linked where indexed, and those that cite it', async () => {
    const src = mkdtempSync(join(tmpdir(), 'cablechat-refs-'));
    const tripoli = join(import.meta.dirname, '..', 'fixtures', 'cables', 'classified-by-run-on.txt');
    copyFileSync(tripoli, join(src, 'a.txt'));
    // A cable the first one cites on its REF line ("08 TRIPOLI 994").
    variantCable(tripoli, '08TRIPOLI994', [['REF: A) LONDON 209, B) 06 TRIPOLI 0055, C) 08 TRIPOLI 994', 'REF: none']], join(src, 'b.txt'));
    const indexed = await hashChat([src]);
    try {
      const viewer = await buildServer({ chat: indexed.chat });
      const citing = (await viewer.inject({ method: 'GET', url: '/api/cables/09TRIPOLI65' })).json();
      expect(citing.cites).toEqual([
        { ref: '09LONDON209', indexed: false },
        { ref: '06TRIPOLI55', indexed: false },
        { ref: '08TRIPOLI994', indexed: true },
      ]);
      const cited = (await viewer.inject({ method: 'GET', url: '/api/cables/08TRIPOLI994' })).json();
      expect(cited.citedBy).toEqual(['09TRIPOLI65']);
      expect(cited.cites).toEqual([]);
      await viewer.close();
    } finally {
      await indexed.dispose();
      rmSync(src, { recursive: true, force: true });
    }
  });
});
