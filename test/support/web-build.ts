import { join } from 'node:path';
import { ensureWebApp } from '../../src/serve/web-app.js';

/** The browser test serves the real built app, built the way `npm start` builds it (again if web/ changed). */
export function ensureWebBuilt(): Promise<string> {
  return ensureWebApp(join(import.meta.dirname, '..', '..', 'web'));
}
