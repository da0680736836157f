/**
 * Faults with real processes: an ingest killed with SIGKILL at each step that matters, killed at random
 * moments, run twice at once, run on a full disk, and run over damaged files. After each: the index opens,
 * SQLite, the HNSW file and the vectors agree, the cables indexed before still answer, and the next run of
 * the same command ends with the index an uninterrupted run gives. (docs/robustness.md, "Faults".)
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCablechat } from '../../src/cablechat.js';
import { indexFacts, variantCable } from '../support/index-check.js';
import { SEED_DIR, useLite } from '../support/seed-index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = process.execPath;
// One process per command (node with tsx's loader), so SIGKILL reaches the ingest itself, not a wrapper.
const LOADER = ['--import', 'tsx'];
const SEED = join(SEED_DIR, '09PHNOMPENH246.txt');
const work = mkdtempSync(join(tmpdir(), 'cablechat-faults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const src = join(work, 'cables');
const base = join(work, 'base'); // the seed alone: what was indexed before the run that gets killed
const reference = join(work, 'reference'); // the three cables, ingested without interruption
let n = 0;
const fresh = (from = base) => {
  const d = join(work, `ix-${n++}`);
  cpSync(from, d, { recursive: true });
  return d;
};
const args = (index: string) => [...LOADER, join(ROOT, 'src', 'cli', 'ingest.ts'), '--index', index, '--model', 'use-lite', '--threads', '0', '--json', src];
const ingest = (index: string, env: Record<string, string> = {}) =>
  spawnSync(TSX, args(index), { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });

async function answersSeed(index: string): Promise<string> {
  const chat = await openCablechat({ indexDir: index, embedder: await useLite() });
  try {
    const a = await chat.ask({ question: 'How many children can the Poipet Transit Center house?' });
    return a.passages[0]!.citation.label;
  } finally {
    await chat.close();
  }
}

function expectConsistent(index: string) {
  const f = indexFacts(index);
  expect(f.hnswFile).toBe(true);
  expect(f.segmentsWithoutVector).toBe(0);
  expect(f.segmentsNotInHnsw).toBe(0);
  return f;
}

beforeAll(async () => {
  mkdirSync(src);
  variantCable(SEED, '09PHNOMPENH246', [], join(src, '09PHNOMPENH246.txt'));
  const seedOnly = join(work, 'seed-only');
  mkdirSync(seedOnly);
  variantCable(SEED, '09PHNOMPENH246', [], join(seedOnly, '09PHNOMPENH246.txt'));
  expect(spawnSync(TSX, [...args(base).slice(0, -1), seedOnly], { cwd: ROOT, encoding: 'utf8' }).status).toBe(0);
  variantCable(SEED, '09BANGKOK901', [['Poipet', 'Aranyaprathet'], ['Svay Rieng', 'Sa Kaeo'], ['Cambodia', 'Thailand']], join(src, '09BANGKOK901.txt'));
  variantCable(SEED, '09HANOI455', [['Poipet', 'Lao Cai'], ['Svay Rieng', 'Lang Son'], ['Cambodia', 'Vietnam']], join(src, '09HANOI455.txt'));
  cpSync(base, reference, { recursive: true });
  const r = ingest(reference);
  expect(r.status, r.stderr).toBe(0);
}, 300_000);

describe('SIGKILL during ingest', () => {
  // Each point is where the process dies: after parsing a file, after storing the first embedded batch,
  // with the next HNSW file written but not renamed, renamed but not committed, inside the SQLite
  // transaction, and just after it.
  const points = ['parse', 'embed', 'hnsw-write', 'hnsw-renamed', 'commit', 'committed'] as const;
  for (const point of points) {
    it(`killed at "${point}": the index stays consistent and answering, and the next run finishes it without redoing committed work`, async () => {
      const dir = fresh();
      const killed = ingest(dir, { CABLECHAT_CRASH_AT: point });
      expect(killed.signal).toBe('SIGKILL');
      const after = expectConsistent(dir);
      expect(after.cables).toBe(point === 'committed' ? 3 : 1);
      expect(await answersSeed(dir)).toBe('09PHNOMPENH246 ¶10');

      const again = ingest(dir);
      expect(again.status, again.stderr).toBe(0);
      const report = JSON.parse(again.stdout);
      if (point === 'embed') expect(report.reused).toBeGreaterThanOrEqual(32); // the stored batch is not embedded again
      if (['hnsw-write', 'hnsw-renamed', 'commit'].includes(point)) expect(report.embedded).toBe(0);
      if (point === 'committed') expect(report).toMatchObject({ unchanged: 3, embedded: 0 });
      const done = expectConsistent(dir);
      expect(done.fingerprint).toEqual(indexFacts(reference).fingerprint);
      expect(done.termCounts).toEqual(indexFacts(reference).termCounts);
    });
  }

  it('killed from outside at several moments: every interrupted state is consistent, and the last run ends where an uninterrupted one does', async () => {
    const dir = fresh();
    const outcomes: string[] = [];
    // Killed at growing delays, then one run left to finish: on a slow machine every kill may land early,
    // on a fast one the later runs may finish first; either way every state in between must hold.
    for (const delay of [1500, 3000, 4500, 6000, 8000, Infinity]) {
      const child = spawn(TSX, args(dir), { cwd: ROOT, stdio: 'ignore' });
      const timer = Number.isFinite(delay) ? setTimeout(() => child.kill('SIGKILL'), delay) : undefined;
      const status = await new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? String(signal))));
      clearTimeout(timer);
      outcomes.push(String(status));
      const f = expectConsistent(dir);
      expect([1, 3]).toContain(f.cables);
      if (status === 0) break;
    }
    expect(outcomes.at(-1), outcomes.join(', ')).toBe('0');
    expect(outcomes.filter((o) => o === 'SIGKILL').length).toBeGreaterThanOrEqual(2);
    expect(indexFacts(dir).fingerprint).toEqual(indexFacts(reference).fingerprint);
    expect(indexFacts(dir).termCounts).toEqual(indexFacts(reference).termCounts);
    expect(await answersSeed(dir)).toBe('09PHNOMPENH246 ¶10');
  }, 240_000);
});

describe('concurrent writers, repair, damaged files', () => {
  it('a second ingest while one runs stops with a clear message; the first loses nothing', async () => {
    const dir = fresh();
    const first = spawn(TSX, args(dir), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    first.stdout.on('data', (d) => (out += d));
    // Wait until the first holds the lock.
    while (!existsSync(join(dir, 'writer.lock.json'))) await new Promise((r) => setTimeout(r, 50));
    const second = ingest(dir);
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/Another ingest is writing to .*\(process \d+/);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    const code = await new Promise((r) => first.on('exit', r));
    expect(code).toBe(0);
    expect(JSON.parse(out).indexed.cables).toBe(3);
    expect(expectConsistent(dir).fingerprint).toEqual(indexFacts(reference).fingerprint);
  });

  it('an ingest finds vectors and an HNSW file that went missing and puts them back', () => {
    const dir = fresh(reference);
    const db = new Database(join(dir, 'cables.db'));
    const lost = db.prepare('DELETE FROM vectors WHERE hash IN (SELECT hash FROM vectors LIMIT 5)').run().changes;
    db.close();
    expect(lost).toBe(5);
    for (const f of readdirSync(dir)) if (f.endsWith('.hnsw')) rmSync(join(dir, f));
    expect(indexFacts(dir).segmentsWithoutVector).toBeGreaterThanOrEqual(5);
    const r = ingest(dir);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.unchanged).toBe(3);
    expect(report.repaired.join('\n')).toMatch(/had no stored vector/);
    expect(report.repaired.join('\n')).toMatch(/missing: written again/);
    expect(expectConsistent(dir).fingerprint).toEqual(indexFacts(reference).fingerprint);
  });

  it('a damaged HNSW file: answers stay right (exact search over stored vectors) and the next ingest rewrites it', async () => {
    const dir = fresh(reference);
    const gen = indexFacts(dir).generation;
    writeFileSync(join(dir, `dense-${gen}.hnsw`), 'not an index');
    expect(await answersSeed(dir)).toBe('09PHNOMPENH246 ¶10');
    const r = ingest(dir);
    expect(JSON.parse(r.stdout).repaired.join('\n')).toMatch(/damaged/);
    expectConsistent(dir);
  });

  it('a truncated database is detected at open, with what to do, and no stack trace', () => {
    const dir = fresh(reference);
    const file = join(dir, 'cables.db');
    truncateSync(file, 8192);
    const r = spawnSync(TSX, [...LOADER, join(ROOT, 'src', 'cli', 'ask.ts'), '--index', dir, 'How many children?'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cables\.db is damaged.*rebuild/i);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a reader while the index changes under it', () => {
  it('never sees a generation without its HNSW file while an ingest commits', async () => {
    const dir = fresh();
    const child = spawn(TSX, args(dir), { cwd: ROOT, stdio: 'ignore' });
    let exited = false;
    child.on('exit', () => (exited = true));
    const db = new Database(join(dir, 'cables.db'), { readonly: true });
    const seen = new Map<number, boolean>();
    while (!exited) {
      const gen = Number(db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck().get());
      if (!seen.has(gen)) seen.set(gen, existsSync(join(dir, `dense-${gen}.hnsw`)));
      await new Promise((r) => setImmediate(r));
    }
    db.close();
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect([...seen.values()].every(Boolean)).toBe(true);
  });

  it('a served index deleted and rebuilt: the reader says so, then serves the new one without a restart', async () => {
    const dir = fresh();
    const chat = await openCablechat({ indexDir: dir, embedder: await useLite() });
    try {
      expect((await chat.ask({ question: 'How many children can the Poipet Transit Center house?' })).passages[0]!.citation.ref).toBe('09PHNOMPENH246');
      rmSync(dir, { recursive: true });
      await expect(chat.ask({ question: 'How many children?' })).rejects.toThrow(/was deleted while in use/);
      cpSync(reference, dir, { recursive: true });
      const a = await chat.ask({ question: 'How many children can the Aranyaprathet Transit Center house?' });
      expect(a.passages[0]!.citation.ref).toBe('09BANGKOK901');
    } finally {
      await chat.close();
    }
  });
});

describe('a disk that fills up', () => {
  const mnt = join(work, 'small-disk');
  let mounted = false;
  beforeAll(() => {
    mkdirSync(mnt);
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]).status === 0;
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt]);
  });

  it('mid-ingest: the run fails with a message, the previous index keeps serving, and a later run completes', async (ctx) => {
    if (!mounted) return ctx.skip('mounting a small tmpfs needs root (CI runs as root)');
    const dir = join(mnt, 'index');
    cpSync(base, dir, { recursive: true });
    // Leave less room than the new cables' vectors and the next HNSW file need.
    const free = () => statfsSync(mnt).bavail * statfsSync(mnt).bsize;
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, free() - 96 * 1024)));
    const r = ingest(dir);
    expect(r.status).not.toBe(0);
    expect(r.signal).toBeNull();
    expect(r.stderr).toMatch(/full|ENOSPC|SQLITE_FULL/i);
    expect(await answersSeed(dir)).toBe('09PHNOMPENH246 ¶10');
    expect(expectConsistent(dir).cables).toBe(1);
    rmSync(join(mnt, 'filler'));
    const again = ingest(dir);
    expect(again.status, again.stderr).toBe(0);
    expect(expectConsistent(dir).fingerprint).toEqual(indexFacts(reference).fingerprint);
  });
});
