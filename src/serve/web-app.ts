/**
 * The built web chat (web/dist). Built on first start, and again whenever its sources are newer than the build:
 * after a `git pull`, an old build would otherwise keep serving the previous chat.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds web/ into web/dist when there is no build or a source file changed since; returns web/dist. */
export async function ensureWebApp(webDir: string, log?: (line: string) => void): Promise<string> {
  const dist = join(webDir, 'dist');
  const built = join(dist, 'index.html');
  const missing = !existsSync(built);
  if (missing || newestSource(webDir) > statSync(built).mtimeMs) {
    log?.(missing ? 'building the web app (first start)…' : 'rebuilding the web app (its sources changed)…');
    const { build } = await import('vite');
    await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  }
  return dist;
}
