/**
 * `npm start` as a user meets it: a port in use, a wrong --host or a bad --allow-origin is one line and exit
 * status 2, before anything slow happens; it listens on loopback unless told otherwise, and says so in one
 * line when it does not.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedChat } from '../support/seed-index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const START = join(ROOT, 'src', 'cli', 'start.ts');
// One process (no tsx wrapper), so a signal reaches the server itself.
const NODE_ARGS = ['--import', 'tsx', START];
let index: string;

beforeAll(async () => {
  // A real index for the one test that serves (start.ts loads the model the index was built with).
  const seed = await seedChat();
  index = seed.dir;
  await seed.chat.close();
});
afterAll(() => {
  if (index) rmSync(index, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...NODE_ARGS, '--index', index, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
}

/** `npm start` in a child process, once it says where it serves; its stderr so far. */
async function serving(args: string[]) {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /cablechat is serving .* at (http:\/\/\S+)/.exec(stderr);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`exited before serving: ${stderr}`)));
  });
  return { child, url, stderr };
}

/** The problem is one line on stderr, no stack trace, and the exit status is 2. */
function expectOneLine(r: ReturnType<typeof start>, message: RegExp) {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  // Nothing slow happened first: no model, no web build, no indexing.
  expect(r.stderr + r.stdout).not.toMatch(/embedding model|building the web app|indexing/);
}

describe('npm start', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => busy?.close());

  it('a port in use: one line naming --port and PORT, exit 2', () => {
    expectOneLine(start(['--port', String(busyPort)]), new RegExp(`port ${busyPort} is already in use.*--port <n> \\(or PORT=<n>\\)`));
    expectOneLine(start([], { PORT: String(busyPort) }), /already in use.*--port/);
  });

  it('a --host that does not resolve, or is not an address of this machine: one line, exit 2', () => {
    expectOneLine(start(['--host', 'no-such-host.invalid', '--port', '0']), /--host no-such-host\.invalid is not a name this machine can resolve/);
    expectOneLine(start(['--host', '203.0.113.7', '--port', '0']), /--host 203\.0\.113\.7 is not an address of this machine/);
  });

  it('a malformed --allow-origin or --allow-host: one line, exit 2', () => {
    expectOneLine(start(['--allow-origin', 'evil.example', '--port', '0']), /--allow-origin .*scheme:\/\/host/);
    expectOneLine(start(['--port', '0'], { CABLECHAT_ALLOW_ORIGINS: 'https://ok.example,https://bad.example/path' }), /CABLECHAT_ALLOW_ORIGINS/);
    expectOneLine(start(['--allow-host', 'a b', '--port', '0']), /--allow-host/);
  });

  it('told to listen on every interface, says in one line that other machines can reach it', async () => {
    const child = spawn(process.execPath, [...NODE_ARGS, '--index', index, '--host', '0.0.0.0', '--port', '0'], { cwd: ROOT });
    let stderr = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const found = stderr.split('\n').find((l) => l.startsWith('listening on'));
        if (found) resolve(found);
      });
      child.once('exit', () => reject(new Error(`exited without the notice: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(line).toMatch(/listening on 0\.0\.0\.0 \(every network interface\): other machines can reach this chat/);
    expect(line).toMatch(/--allow-host/);
    expect(line).toMatch(/--allow-origin/);
  });

  it('listens on loopback by default, says nothing about other machines, and stops cleanly on SIGTERM', async () => {
    const { child, url, stderr } = await serving(['--index', index, '--port', '0']);
    try {
      expect(url).toMatch(/^http:\/\/localhost:\d+$/);
      expect(stderr).not.toMatch(/other machines/);
      // An existing index is served as it is when no cables are named.
      expect(stderr).not.toMatch(/adding|indexing/);
      expect(stderr).toMatch(/model use-lite: ranking, refusal and confidence fitted for use-lite/);
      const port = new URL(url).port;
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
      const own = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (own) await expect(fetch(`http://${own}:${port}/api/health`)).rejects.toThrow();
    } finally {
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    }
  });

  it('with --cables and an existing index, adds those cables to it before serving', async () => {
    const fixtures = join(ROOT, 'test', 'fixtures', 'cables');
    const extra = mkdtempSync(join(tmpdir(), 'cablechat-start-cables-'));
    cpSync(join(fixtures, 'unnumbered.txt'), join(extra, 'unnumbered.txt'));
    const { child, url, stderr } = await serving(['--index', index, '--port', '0', '--cables', extra]);
    try {
      expect(stderr).toMatch(/adding .* to the index/);
      const health = (await (await fetch(`http://127.0.0.1:${new URL(url).port}/api/health`)).json()) as { cables: number };
      expect(health.cables).toBe(2);
    } finally {
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      rmSync(extra, { recursive: true, force: true });
    }
  }, 60_000);
});
