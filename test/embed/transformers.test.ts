import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { env } from '@xenova/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embed/embedder.js';
import { loadTransformersEmbedder } from '../../src/embed/transformers.js';
import { chooseModel, USE_LITE_ID } from '../../src/embed/index.js';
import { buildTinyBert, TINY_BERT_HIDDEN, TINY_BERT_MAX_POSITIONS, tinyBertVocab } from '../support/tiny-bert.js';

const TOL = 1e-5;

function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Whole-word vocab entries: each is exactly one token, so word count == token count (+2 specials). */
const SINGLE_TOKEN_WORDS = tinyBertVocab().filter((t) => /^[a-z]{3,}$/.test(t));

function words(n: number, offset = 0): string {
  return Array.from({ length: n }, (_, i) => SINGLE_TOKEN_WORDS[(i * 7 + offset) % SINGLE_TOKEN_WORDS.length]).join(' ');
}

let tmp: string;
let folder: string;
let embedder: Embedder;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cablechat-tiny-bert-'));
  folder = await buildTinyBert(path.join(tmp, 'a'));
  embedder = await loadTransformersEmbedder({ model: folder });
});

afterAll(async () => {
  await embedder?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('loadTransformersEmbedder (tiny offline BERT)', () => {
  it('reports id, dimensions and a word limit derived from the model', () => {
    expect(embedder.id).toBe('local:tiny-bert');
    expect(embedder.dimensions).toBe(TINY_BERT_HIDDEN);
    // 128 positions − [CLS]/[SEP], × 0.75 words per token.
    expect(embedder.maxWords).toBe(Math.floor((TINY_BERT_MAX_POSITIONS - 2) * 0.75));
  });

  it('returns unit-length vectors of the right dimension, as independent copies', async () => {
    const texts = [
      'Police at the border detained migrants.',
      'CHILDREN AND FAMILIES IN THE CAMPS',
      'zzqx unknownword 2009',
      '',
      '?!',
    ];
    const vecs = await embedder.embed(texts);
    expect(vecs).toHaveLength(texts.length);
    for (const v of vecs) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(TINY_BERT_HIDDEN);
      expect(Math.abs(norm(v) - 1)).toBeLessThan(TOL);
    }
    const before = vecs[1]![0];
    vecs[0]!.fill(0);
    expect(vecs[1]![0]).toBe(before);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('gives the same vector for a text whether embedded in a 40-text batch or alone', async () => {
    // Lengths 1..~60 words, so every internal batch of 16 pads most rows heavily.
    const texts = Array.from({ length: 40 }, (_, i) => `${i % 3 === 0 ? 'Embassy cable: ' : ''}${words(1 + ((i * 13) % 60), i)}`);
    const batched = await embedder.embed(texts);
    expect(batched).toHaveLength(40);
    for (let i = 0; i < texts.length; i++) {
      const [alone] = await embedder.embed([texts[i]!]);
      expect(maxAbsDiff(batched[i]!, alone!), `text #${i}`).toBeLessThan(TOL);
    }
    // Order check that can fail: neighbours are different texts, so a shuffled result would not match.
    expect(maxAbsDiff(batched[0]!, batched[1]!)).toBeGreaterThan(1e-3);
  });

  it('is deterministic across builds and loads', async () => {
    const other = await loadTransformersEmbedder({ model: await buildTinyBert(path.join(tmp, 'b')) });
    try {
      const texts = ['The ambassador met the minister.', words(30)];
      const a = await embedder.embed(texts);
      const b = await other.embed(texts);
      for (let i = 0; i < texts.length; i++) expect(maxAbsDiff(a[i]!, b[i]!)).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('gives different vectors for different texts, including the same words in another order', async () => {
    const [a, b, c, d] = await embedder.embed(['police border', 'border police', 'children migrants', 'children migrant']);
    expect(dot(a!, b!)).toBeLessThan(0.9999);
    expect(dot(a!, c!)).toBeLessThan(0.9999);
    expect(dot(c!, d!)).toBeLessThan(0.9999);
  });

  it('truncates at the model limit instead of failing on long input', async () => {
    const [long, longer, short, shortPlus] = await embedder.embed([words(200), `${words(200)} ${words(50, 3)}`, words(100), `${words(100)} ${words(5, 3)}`]);
    // Both long texts are cut at 128 tokens, so they agree; below the limit, extra words do matter.
    expect(maxAbsDiff(long!, longer!)).toBeLessThan(TOL);
    expect(maxAbsDiff(short!, shortPlus!)).toBeGreaterThan(1e-3);
  });

  it('caps all-MiniLM-L6-v2 at 256 tokens (~190 words) even though its config allows 512', async () => {
    const mini = await loadTransformersEmbedder({ model: await buildTinyBert(path.join(tmp, 'c'), { name: 'all-MiniLM-L6-v2', maxPositions: 512 }) });
    try {
      expect(mini.id).toBe('local:all-MiniLM-L6-v2');
      expect(mini.maxWords).toBe(190);
      const [at300, at350, at200, at250] = await mini.embed([words(300), `${words(300)} ${words(50, 3)}`, words(200), `${words(200)} ${words(50, 3)}`]);
      expect(maxAbsDiff(at300!, at350!)).toBeLessThan(TOL);
      expect(maxAbsDiff(at200!, at250!)).toBeGreaterThan(1e-3);
    } finally {
      await mini.close();
    }
  });

  it('leaves the global transformers.js env as it found it and reports progress per file', async () => {
    const before = { remote: env.allowRemoteModels, local: env.localModelPath, fsCache: env.useFSCache };
    const files = new Set<string>();
    const e = await loadTransformersEmbedder({ model: folder, onProgress: (p) => files.add(p.file) });
    await e.close();
    expect({ remote: env.allowRemoteModels, local: env.localModelPath, fsCache: env.useFSCache }).toEqual(before);
    expect(files).toContain('onnx/model_quantized.onnx');
    await expect(e.embed(['after close'])).rejects.toThrow(/closed/);
  });

  it('names the path and the needed files when a folder is missing or incomplete', async () => {
    const missing = path.join(tmp, 'no-such-model');
    await expect(loadTransformersEmbedder({ model: missing })).rejects.toThrow(missing);
    await expect(loadTransformersEmbedder({ model: missing })).rejects.toThrow(/tokenizer\.json/);

    const incomplete = await buildTinyBert(path.join(tmp, 'd'));
    await rm(path.join(incomplete, 'onnx'), { recursive: true });
    const err = await loadTransformersEmbedder({ model: incomplete }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(incomplete);
    expect((err as Error).message).toContain('onnx/model_quantized.onnx');
  });

  it('loads a hub id from cacheDir with remote access disabled, and explains when it is not there', async () => {
    const cacheDir = path.join(tmp, 'cache');
    await cp(folder, path.join(cacheDir, 'test-org', 'tiny-bert'), { recursive: true });
    const fromCache = await loadTransformersEmbedder({ model: 'test-org/tiny-bert', cacheDir, allowRemote: false });
    try {
      expect(fromCache.id).toBe('test-org/tiny-bert');
      const [a] = await fromCache.embed(['refugees at the border']);
      const [b] = await embedder.embed(['refugees at the border']);
      expect(maxAbsDiff(a!, b!)).toBeLessThan(TOL);
    } finally {
      await fromCache.close();
    }
    await expect(loadTransformersEmbedder({ model: 'test-org/absent', cacheDir, allowRemote: false })).rejects.toThrow(
      path.join(cacheDir, 'test-org', 'absent'),
    );
  });
});

describe('chooseModel', () => {
  it('takes the bundled model when none is named, without asking the network', async () => {
    const t0 = Date.now();
    const choice = await chooseModel('auto', path.join(tmp, 'empty-cache'));
    expect(choice.spec).toMatchObject({ model: USE_LITE_ID, allowRemote: false });
    expect(choice.reason).toBe('bundled Universal Sentence Encoder lite (no --model given)');
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('uses a named model, from its folder when it is one', async () => {
    expect((await chooseModel(folder)).spec).toMatchObject({ model: folder, allowRemote: false });
    expect((await chooseModel('Xenova/all-MiniLM-L6-v2')).spec).toMatchObject({ model: 'Xenova/all-MiniLM-L6-v2', allowRemote: true });
  });
});
