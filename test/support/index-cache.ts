/**
 * Indexes built with the real model, kept between test runs under test/.artifacts/indexes/: embedding is most
 * of what the tests that ask real questions would cost. An index is keyed by everything that decides what it
 * holds — the bytes of its cables, the code that parses, chunks, embeds and indexes them, and the installed
 * packages — so any change to those builds it again. Callers get their own copy.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const CACHE = join(ROOT, 'test', '.artifacts', 'indexes');
const CODE = [...['parse', 'chunk', 'embed', 'index'].map((d) => join(ROOT, 'src', d)), join(ROOT, 'package-lock.json')];
/** A build that has not finished in this long was abandoned (its process killed): take over. */
const STALE_LOCK_MS = 15 * 60_000;
/** Other keys' indexes are removed after this long: another run in this checkout may still be reading one. */
const OLD_MS = 24 * 3600_000;

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

function key(inputs: string[]): string {
  const h = createHash('sha256');
  for (const f of [...inputs, ...CODE].flatMap(files)) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * A fresh copy, in a temporary folder, of the index `build` makes of `inputs` (files or folders), built
 * first when this code and these inputs have none yet. Two test files asking at once build it once.
 */
export async function cachedIndexCopy(name: string, inputs: string[], build: (dir: string) => Promise<void>): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), `cablechat-${name}-`));
  cpSync(await cached(name, inputs, build), copy, { recursive: true });
  return copy;
}

async function cached(name: string, inputs: string[], build: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(CACHE, `${name}-${key(inputs)}`);
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
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      if (existsSync(dir)) return dir;
      const building = `${dir}.building`;
      rmSync(building, { recursive: true, force: true });
      await build(building);
      renameSync(building, dir);
      for (const old of readdirSync(CACHE).map((n) => join(CACHE, n))) {
        if (old !== dir && Date.now() - statSync(old).mtimeMs > OLD_MS) rmSync(old, { recursive: true, force: true });
      }
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
