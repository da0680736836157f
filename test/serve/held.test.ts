/**
 * What held when the server was attacked from outside, kept as tests so it keeps holding: 300 sockets at once,
 * 1,000 half-open connections, FTS5 syntax in 400 fuzzed questions, and SIGTERM with sockets open.
 * The model is the fast stand-in (test/support/hash-embedder.ts) except for SIGTERM, which runs `npm start`.
 */
import { spawn } from 'node:child_process';
import { connect as tcp, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/serve/index.js';
import { hashChat } from '../support/hash-embedder.js';
import { seedChat, SEED_DIR } from '../support/seed-index.js';
import { connect } from './client.js';

let app: FastifyInstance;
let base: string;
let dispose: () => Promise<void>;
let chat: Awaited<ReturnType<typeof hashChat>>['chat'];

beforeAll(async () => {
  const seed = await hashChat([SEED_DIR]);
  chat = seed.chat;
  dispose = seed.dispose;
  app = await buildServer({ chat });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await dispose();
});

const health = async () => (await fetch(`${base}/api/health`)).status;

describe('held under attack', () => {
  it('300 sockets asking at once: every one is answered (or told busy, and answered when it asks again)', async () => {
    const clients = await Promise.all(Array.from({ length: 300 }, () => connect(`${base.replace('http', 'ws')}/ws`)));
    const outcomes = await Promise.all(
      clients.map(async (c, i) => {
        for (let attempt = 0; ; attempt++) {
          const id = `${i}-${attempt}`;
          c.send({ type: 'ask', id, question: 'How many children can the Poipet Transit Center house?' });
          const m = await c.next((x) => x.id === id && (x.type === 'done' || x.type === 'error'), 60_000);
          if (m.type === 'done') return { attempts: attempt + 1, first: m.answer.passages[0]?.citation.ref };
          expect(m.code).toBe('busy');
          await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
        }
      }),
    );
    expect(outcomes.every((o) => o.first === '09PHNOMPENH246')).toBe(true);
    expect(await health()).toBe(200);
    for (const c of clients) c.ws.close();
  });

  it('1,000 half-open connections (requests that never finish, upgrades never completed) do not stop others being served', async () => {
    const { port } = new URL(base);
    const sockets: Socket[] = [];
    await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) =>
          new Promise<void>((resolve) => {
            const s = tcp(Number(port), '127.0.0.1', () => {
              s.write(i % 2 ? `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` : `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
              resolve();
            });
            s.on('error', () => resolve());
            sockets.push(s);
          }),
      ),
    );
    expect(await health()).toBe(200);
    const c = await connect(`${base.replace('http', 'ws')}/ws`);
    c.send({ type: 'ask', id: 'a', question: 'Who funds the Poipet Transit Center?' });
    expect((await c.next((m) => m.id === 'a' && m.type === 'done')).answer.passages.length).toBeGreaterThan(0);
    c.ws.close();
    for (const s of sockets) s.destroy();
  });

  it('FTS5 syntax and odd characters in 400 fuzzed questions: every one gets an answer or a refusal, never an error', async () => {
    const pieces = ['"', '""', '*', ':', '(', ')', 'NEAR(', 'NEAR/2', 'AND', 'OR', 'NOT', '^', '-', '+', '{', '}', '[', ']', "'", '\\', 'text:', 'subject:', '%', '_', '\u0000', '😀', 'Ω', '\u202e', 'Poipet', 'children', 'IOM', '1.', '¶10', '0x', '--', ';', 'DROP TABLE cables;'];
    let seed = 11;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 400; i++) {
      const words = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => pieces[Math.floor(rnd() * pieces.length)]!);
      const question = words.join(rnd() < 0.5 ? ' ' : '');
      if (!question.trim()) continue;
      const a = await chat.ask({ question });
      expect(Array.isArray(a.passages), question).toBe(true);
    }
    expect(await health()).toBe(200);
  });
});

describe('SIGTERM', () => {
  let index: string;
  beforeAll(async () => {
    const seed = await seedChat();
    index = seed.dir;
    await seed.chat.close();
  });
  afterAll(() => rmSync(index, { recursive: true, force: true }));

  it('with sockets open and a question in flight: the sockets are closed and the server exits 0', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'start.ts'), '--index', index, '--port', '0'], { cwd: root });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /cablechat is serving .* at (http:\/\/\S+)/.exec(stderr);
        if (m?.[1]) resolve(m[1].replace('localhost', '127.0.0.1'));
      });
      child.once('exit', () => reject(new Error(`exited before serving: ${stderr}`)));
    });
    const clients = await Promise.all(Array.from({ length: 10 }, () => connect(`${url.replace('http', 'ws')}/ws`)));
    clients[0]!.send({ type: 'ask', id: 'q', question: 'How many children can the Poipet Transit Center house?' });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const closes = await Promise.all(clients.map((c) => c.closed));
    expect(closes).toHaveLength(10);
  });
});
