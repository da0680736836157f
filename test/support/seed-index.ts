/**
 * A real index of the bundled seed cable, built with the bundled model in this thread — the same path
 * `npm start` takes on first run. Shared by tests that need something to ask.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCablechat, type Cablechat } from '../../src/cablechat.js';
import { loadEmbedder, USE_LITE_ID, type Embedder } from '../../src/embed/index.js';
import { buildIndex } from '../../src/index/index.js';

export const SEED_DIR = join(import.meta.dirname, '..', '..', 'data', 'cables');

let embedder: Promise<Embedder> | null = null;
export function useLite(): Promise<Embedder> {
  embedder ??= loadEmbedder({ model: USE_LITE_ID, cacheDir: tmpdir(), allowRemote: false });
  return embedder;
}

export async function seedChat(paths: string[] = [SEED_DIR]): Promise<{ chat: Cablechat; dir: string; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cablechat-test-'));
  const e = await useLite();
  await buildIndex(paths, { indexDir: dir, embedder: e });
  const chat = await openCablechat({ indexDir: dir, embedder: e });
  return {
    chat,
    dir,
    dispose: async () => {
      await chat.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
