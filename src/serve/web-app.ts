/**
 * The built web chat (web/dist). Built on first start, and again whenever its sources are newer than the build:
 * after a `git pull`, an old build would otherwise keep serving the previous chat.
 *
 * Two starts at once (or a start while tests run) must not build over each other: a build takes a lock
 * folder, writes into a fresh folder and swaps it in, so web/dist is never half-written or empty.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('dist') || entry.name.startsWith('.build')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Files outside web/ that the app bundles (e.g. the ask limits in src/answer/limits.ts): a change there is a change of the app. */
function sharedSources(webDir: string): string[] {
  const out = new Set<string>();
  const src = join(webDir, 'src');
  if (!existsSync(src)) return [];
  for (const name of readdirSync(src).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(src, name), 'utf8').matchAll(/^import (?!type\b)[^;]*?from '((?:\.\.\/)+src\/[^']+)\.js'/gm)) {
      out.add(`${resolve(dirname(join(src, name)), m[1]!)}.ts`);
    }
  }
  return [...out].filter((f) => existsSync(f));
}

function stale(webDir: string): 'missing' | 'changed' | null {
  const built = join(webDir, 'dist', 'index.html');
  if (!existsSync(built)) return 'missing';
  const newest = Math.max(newestSource(webDir), ...sharedSources(webDir).map((f) => statSync(f).mtimeMs));
  return newest > statSync(built).mtimeMs ? 'changed' : null;
}

/** A lock left by a build that died is taken over after this long; a real build takes seconds. */
const STALE_LOCK_MS = 120_000;

async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released between the two calls: try again.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds web/ into web/dist when there is no build or a source file changed since; returns web/dist. */
export async function ensureWebApp(webDir: string, log?: (line: string) => void): Promise<string> {
  const dist = join(webDir, 'dist');
  if (stale(webDir) === null) return dist;
  await withLock(join(webDir, '.build-lock'), async () => {
    // Whoever held the lock before may have built it already.
    const why = stale(webDir);
    if (why === null) return;
    log?.(why === 'missing' ? 'building the web app (first start)…' : 'rebuilding the web app (its sources changed)…');
    const fresh = join(webDir, `dist.new-${process.pid}`);
    const old = join(webDir, `dist.old-${process.pid}`);
    const { build } = await import('vite');
    await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir: fresh, emptyOutDir: true } });
    mkdirSync(dist, { recursive: true });
    renameSync(dist, old);
    renameSync(fresh, dist);
    rmSync(old, { recursive: true, force: true });
  });
  return dist;
}
