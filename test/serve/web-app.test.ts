import { cpSync, mkdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureWebApp } from '../../src/serve/web-app.js';

// A copy of web/ inside the project (so vite and its imports resolve from node_modules), built for real, with
// the one file of src/ the chat imports (the ask limits) where its relative import finds it.
const artifacts = join(import.meta.dirname, '..', '.artifacts');
const copy = join(artifacts, 'web-copy');
const shared = join(artifacts, 'src');
afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

describe('the web app build', () => {
  it('is built when missing, kept when current, and rebuilt after its sources change', async () => {
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy, { recursive: true });
    cpSync(join(import.meta.dirname, '..', '..', 'web'), copy, { recursive: true, filter: (src) => !src.includes(`${join('web', 'dist')}`) });
    cpSync(join(import.meta.dirname, '..', '..', 'src', 'answer', 'limits.ts'), join(shared, 'answer', 'limits.ts'));
    const lines: string[] = [];
    const dist = await ensureWebApp(copy, (l) => lines.push(l));
    const first = statSync(join(dist, 'index.html')).mtimeMs;
    expect(lines).toEqual(['building the web app (first start)…']);

    await ensureWebApp(copy, (l) => lines.push(l));
    expect(lines).toHaveLength(1);
    expect(statSync(join(dist, 'index.html')).mtimeMs).toBe(first);

    // What a `git pull` that changes the chat looks like: a source file newer than the build.
    const later = new Date(first + 60_000);
    utimesSync(join(copy, 'src', 'card.ts'), later, later);
    await ensureWebApp(copy, (l) => lines.push(l));
    expect(lines[1]).toBe('rebuilding the web app (its sources changed)…');
    const second = statSync(join(dist, 'index.html')).mtimeMs;
    expect(second).toBeGreaterThan(first);

    // A file outside web/ that the chat bundles (the ask limits) changing is a change of the chat too.
    const earlier = new Date(first - 60_000);
    utimesSync(join(copy, 'src', 'card.ts'), earlier, earlier);
    await ensureWebApp(copy, (l) => lines.push(l));
    expect(lines).toHaveLength(2);
    const later2 = new Date(second + 60_000);
    utimesSync(join(shared, 'answer', 'limits.ts'), later2, later2);
    await ensureWebApp(copy, (l) => lines.push(l));
    expect(lines[2]).toBe('rebuilding the web app (its sources changed)…');
  }, 60_000);
});
