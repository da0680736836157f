/**
 * A real index of the bundled seed cable, built with the bundled model — the same path `npm start` takes on
 * first run. Shared by tests that need something to ask.
 *
 * Embedding the seed is most of what these tests would cost, so it is done once and kept under
 * test/.artifacts/seed-index/, keyed by everything that decides what the index holds: the seed's bytes, the
 * code that parses, chunks, embeds and indexes, and the installed packages. Each test gets its own copy.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cablechatOf, openPipeline, type Cablechat, type Pipeline } from '../../src/cablechat.js';
import { loadEmbedder, USE_LITE_ID, type Embedder } from '../../src/embed/index.js';
import { buildIndex } from '../../src/index/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
export const SEED_DIR = join(ROOT, 'data', 'cables');
const CACHE = join(ROOT, 'test', '.artifacts', 'seed-index');
/** What decides the bytes of an index built from the seed. */
const INPUTS = [SEED_DIR, ...['parse', 'chunk', 'embed', 'index'].map((d) => join(ROOT, 'src', d)), join(ROOT, 'package-lock.json')];
/** A build that has not finished in this long was abandoned (its process killed): take over. */
const STALE_LOCK_MS = 5 * 60_000;
const OLD_MS = 24 * 3600_000;

let embedder: Promise<Embedder> | null = null;
export function useLite(): Promise<Embedder> {
  embedder ??= loadEmbedder({ model: USE_LITE_ID, cacheDir: tmpdir(), allowRemote: false });
  return embedder;
}

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

function cacheKey(): string {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap(files)) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The cached seed index's folder, built first if this code and seed have none yet. Never write into it. */
async function cachedSeedIndex(): Promise<string> {
  const dir = join(CACHE, cacheKey());
  const lock = `${dir}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(dir)) return dir;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building it.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (existsSync(dir)) return dir;
      const building = `${dir}.building`;
      rmSync(building, { recursive: true, force: true });
      await buildIndex([SEED_DIR], { indexDir: building, embedder: await useLite() });
      renameSync(building, dir);
      // Older code's copies: not while another run in this checkout may still be reading one.
      for (const old of readdirSync(CACHE).map((n) => join(CACHE, n))) {
        if (old !== dir && Date.now() - statSync(old).mtimeMs > OLD_MS) rmSync(old, { recursive: true, force: true });
      }
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * A fresh copy of the seed index in a temporary folder, with `extra` cables ingested into it (only theirs are
 * embedded), for the caller to open, change and remove.
 */
export async function seedIndexCopy(extra: string[] = []): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cablechat-test-'));
  cpSync(await cachedSeedIndex(), dir, { recursive: true });
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
