/**
 * A real index of the bundled seed cable, built with the bundled model — the same path `npm start` takes on
 * first run. Shared by tests that need something to ask: embedded once for this code and seed
 * (index-cache.ts), and copied for each test.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cablechatOf, openPipeline, type Cablechat, type Pipeline } from '../../src/cablechat.js';
import { loadEmbedder, USE_LITE_ID, type Embedder } from '../../src/embed/index.js';
import { buildIndex } from '../../src/index/index.js';
import { cachedIndexCopy } from './index-cache.js';

export const SEED_DIR = join(import.meta.dirname, '..', '..', 'data', 'cables');

let embedder: Promise<Embedder> | null = null;
export function useLite(): Promise<Embedder> {
  embedder ??= loadEmbedder({ model: USE_LITE_ID, cacheDir: tmpdir(), allowRemote: false });
  return embedder;
}

/**
 * A fresh copy of the seed index in a temporary folder, with `extra` cables ingested into it (only theirs are
 * embedded), for the caller to open, change and remove.
 */
export async function seedIndexCopy(extra: string[] = []): Promise<string> {
  const dir = await cachedIndexCopy('seed', [SEED_DIR], async (into) => void (await buildIndex([SEED_DIR], { indexDir: into, embedder: await useLite() })));
  if (extra.length) await buildIndex([SEED_DIR, ...extra], { indexDir: dir, embedder: await useLite() });
  return dir;
}

/** An open index of `paths` (the seed and any others): the chat face, and the pipeline below it (eval). */
export async function seedChat(paths: string[] = [SEED_DIR]): Promise<{ chat: Cablechat; pipeline: Pipeline; dir: string; dispose: () => Promise<void> }> {
  if (!paths.includes(SEED_DIR)) throw new Error('seedChat indexes the seed cable and, optionally, others next to it');
  const dir = await seedIndexCopy(paths.filter((p) => p !== SEED_DIR));
  const pipeline = await openPipeline({ indexDir: dir, embedder: await useLite() });
  return {
    chat: cablechatOf(pipeline),
    pipeline,
    dir,
    dispose: async () => {
      await pipeline.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
