import { existsSync } from 'node:fs';
import { join } from 'node:path';

const WEB = join(import.meta.dirname, '..', '..', 'web');

/** The browser test serves the real built app; build it once when a fresh clone has none. */
export async function ensureWebBuilt(): Promise<string> {
  const dist = join(WEB, 'dist');
  if (!existsSync(join(dist, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  }
  return dist;
}
