/**
 * Bounded work in flight: per-socket and global limits answered with `busy`, no work for closed sockets,
 * and backpressure on clients that stop reading. Counts come from a wrapper around chat.ask, not clocks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { WebSocket as ServerSocket } from 'ws';
import type { Cablechat } from '../../src/cablechat.js';
import { buildServer, DEFAULT_LIMITS, type Limits } from '../../src/serve/index.js';
import { SEED_DIR } from '../support/seed-index.js';
import { hashChat } from '../support/hash-embedder.js';
import { connect } from './client.js';

let seed: Awaited<ReturnType<typeof hashChat>>;
beforeAll(async () => {
  seed = await hashChat([SEED_DIR]);
});
afterAll(async () => {
  await seed?.dispose();
});

/** The real chat, counting the questions it is asked to answer and how many are being answered now. */
function counting(chat: Cablechat, hold?: Promise<void>) {
  const started: string[] = [];
  let running = 0;
  const wrapped: Cablechat = {
    ...chat,
    ask: async (req) => {
      started.push(req.question);
      running += 1;
      try {
        if (hold) await hold;
        return await chat.ask(req);
      } finally {
        running -= 1;
      }
    },
  };
  return { chat: wrapped, started, running: () => running };
}

async function serve(chat: Cablechat, limits?: Partial<Limits>): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer({ chat, limits });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `${address.replace('http', 'ws')}/ws` };
}

/** Polls `done` until it holds, up to a bound that only stops a broken run from hanging (not a measurement). */
async function until(done: () => boolean, what: string, bound = 20_000) {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > bound) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const QUESTION = 'How many children can the Poipet Transit Center house?';
const isFinal = (m: any) => m.type === 'done' || m.type === 'error';

describe('per-socket limit', () => {
  it('2,000 rapid asks on one socket: 8 are taken, the rest get busy before any answer, the socket stays usable', async () => {
    let release!: () => void;
    const count = counting(seed.chat, new Promise<void>((r) => (release = r)));
    const { app, url } = await serve(count.chat);
    try {
      const c = await connect(url);
      for (let i = 0; i < 2000; i++) c.send({ type: 'ask', id: `r${i}`, question: `${QUESTION} ${i}` });
      // Nothing is answered until released: every refusal must come without waiting for an answer.
      await until(() => c.messages.filter(isFinal).length === 2000 - DEFAULT_LIMITS.perSocket, 'every ask beyond the limit refused');
      release();
      await until(() => c.messages.filter(isFinal).length === 2000, 'every ask answered or refused');
      const finals = c.messages.filter(isFinal);
      const busy = finals.filter((m) => m.code === 'busy');
      expect(busy).toHaveLength(2000 - DEFAULT_LIMITS.perSocket);
      expect(busy[0].message).toMatch(/at most 8 waiting or being answered/);
      expect(finals.slice(-DEFAULT_LIMITS.perSocket).map((m) => m.type)).toEqual(Array(DEFAULT_LIMITS.perSocket).fill('done'));
      expect(count.started).toHaveLength(DEFAULT_LIMITS.perSocket);
      c.send({ type: 'ask', id: 'later', question: QUESTION });
      expect((await c.next((m) => m.type === 'done' && m.id === 'later')).answer.citations[0]).toBe('09PHNOMPENH246 ¶10');
      c.ws.close();
    } finally {
      release();
      await app.close();
    }
  });

  it('2,000 rapid asks against the real chat: each gets one reply, done or busy, and few are answered', async () => {
    const count = counting(seed.chat);
    const { app, url } = await serve(count.chat);
    try {
      const c = await connect(url);
      for (let i = 0; i < 2000; i++) c.send({ type: 'ask', id: `r${i}`, question: `${QUESTION} ${i}` });
      await until(() => c.messages.filter(isFinal).length === 2000, 'every ask answered or refused');
      const finals = c.messages.filter(isFinal);
      expect(new Set(finals.map((m) => m.id)).size).toBe(2000);
      expect(finals.every((m) => m.type === 'done' || m.code === 'busy')).toBe(true);
      expect(finals.filter((m) => m.type === 'done').length).toBe(count.started.length);
      // Only what was answered while the 2,000 frames were being read: a small fraction, not all of them.
      expect(count.started.length).toBeLessThan(200);
      c.ws.close();
    } finally {
      await app.close();
    }
  });
});

describe('a socket that closes', () => {
  it('500 asks then a disconnect: its waiting questions are dropped and another client is answered', async () => {
    let release!: () => void;
    const count = counting(seed.chat, new Promise<void>((r) => (release = r)));
    const { app, url } = await serve(count.chat);
    try {
      const a = await connect(url);
      for (let i = 0; i < 500; i++) a.send({ type: 'ask', id: `a${i}`, question: `A ${QUESTION} ${i}` });
      await until(() => a.messages.filter(isFinal).length === 500 - DEFAULT_LIMITS.perSocket, 'A refused beyond its limit');
      a.ws.terminate();
      await until(() => app.websocketServer.clients.size === 0, 'the server saw A go');
      const b = await connect(url);
      b.send({ type: 'ask', id: 'b', question: `B ${QUESTION}` });
      release();
      const answered = await b.next((m) => m.type === 'done' && m.id === 'b');
      expect(answered.answer.citations[0]).toBe('09PHNOMPENH246 ¶10');
      b.send({ type: 'ask', id: 'b2', question: `B ${QUESTION}` });
      await b.next((m) => m.type === 'done' && m.id === 'b2');
      await until(() => count.running() === 0, 'the server is idle');
      // Only the question already being answered when A left was computed; its 7 waiting ones were not.
      expect(count.started.filter((q) => q.startsWith('A '))).toHaveLength(1);
      b.ws.close();
    } finally {
      release();
      await app.close();
    }
  });
});

describe('a client that stops reading', () => {
  /** The server's side of the only open socket. */
  const serverSocket = (app: FastifyInstance) => [...app.websocketServer.clients][0] as ServerSocket;

  it('gets no new answers computed once its unread bytes pass the bound, then busy; reads them later and carries on', async () => {
    const limits = { softBufferedBytes: 256 * 1024, hardBufferedBytes: 64 * 1024 * 1024 };
    const count = counting(seed.chat);
    const { app, url } = await serve(count.chat, limits);
    try {
      const c = await connect(url);
      c.ws.pause();
      const rss0 = process.memoryUsage().rss;
      // Ask in waves until the kernel's buffers are full and the server's own buffer passes the bound.
      let sent = 0;
      while (serverSocket(app).bufferedAmount <= limits.softBufferedBytes && sent < 20_000) {
        const before = count.started.length;
        for (let i = 0; i < 8; i++) c.send({ type: 'ask', id: `w${sent++}`, question: QUESTION, k: 20 });
        await until(
          () => (count.started.length >= before + 8 && count.running() === 0) || serverSocket(app).bufferedAmount > limits.softBufferedBytes,
          'the wave answered',
        );
      }
      expect(serverSocket(app).bufferedAmount).toBeGreaterThan(limits.softBufferedBytes);
      const startedAtBound = count.started.length;
      for (let i = 0; i < 2000; i++) c.send({ type: 'ask', id: `x${i}`, question: QUESTION, k: 20 });
      // Once the server has read all 2,000 (each refusal adds to what is waiting), nothing new has started.
      let last = -1;
      await until(() => {
        const now = serverSocket(app).bufferedAmount;
        const settled = now === last && count.running() === 0;
        last = now;
        return settled;
      }, 'the server has read every ask');
      expect(count.started.length).toBe(startedAtBound);
      expect(serverSocket(app).bufferedAmount).toBeLessThan(limits.softBufferedBytes + 2 * 1024 * 1024);
      expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 * 1024);

      c.ws.resume();
      await until(() => c.messages.filter((m) => isFinal(m) && /^x/.test(m.id)).length === 2000, 'every late ask answered or refused');
      const late = c.messages.filter((m) => isFinal(m) && /^x/.test(m.id));
      expect(late.filter((m) => m.code === 'busy').length).toBeGreaterThan(1900);
      expect(late.find((m) => m.code === 'busy').message).toMatch(/not read/);
      c.send({ type: 'ask', id: 'after', question: QUESTION });
      expect((await c.next((m) => m.type === 'done' && m.id === 'after')).answer.citations[0]).toBe('09PHNOMPENH246 ¶10');
      c.ws.close();
    } finally {
      await app.close();
    }
  });

  it('is disconnected (1008, with the reason) when it keeps asking without reading past the hard bound', async () => {
    const limits = { softBufferedBytes: 64 * 1024, hardBufferedBytes: 512 * 1024 };
    const count = counting(seed.chat);
    const { app, url } = await serve(count.chat, limits);
    try {
      const c = await connect(url);
      c.ws.pause();
      let sent = 0;
      while (app.websocketServer.clients.size > 0 && [...app.websocketServer.clients][0]!.readyState === 1 && sent < 200_000) {
        for (let i = 0; i < 100; i++) c.send({ type: 'ask', id: `w${sent++}`, question: QUESTION, k: 20 });
        await new Promise((r) => setTimeout(r, 5));
      }
      expect([...app.websocketServer.clients].every((s) => s.readyState !== 1)).toBe(true);
      c.ws.resume();
      const closed = await c.closed;
      expect(closed.code).toBe(1008);
      expect(closed.reason).toMatch(/Not reading/);
    } finally {
      await app.close();
    }
  });
});

describe('global limit', () => {
  it('refuses beyond it with busy on the socket and 503 + Retry-After over HTTP, then serves again', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const count = counting(seed.chat, hold);
    const { app, url } = await serve(count.chat, { global: 3 });
    try {
      const a = await connect(url);
      const b = await connect(url);
      for (let i = 0; i < 3; i++) (i < 2 ? a : b).send({ type: 'ask', id: `g${i}`, question: QUESTION });
      await until(() => count.started.length === 2, 'one question per socket running, one waiting');
      const http = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: QUESTION } });
      expect(http.statusCode).toBe(503);
      expect(http.headers['retry-after']).toBe('1');
      expect(http.json()).toMatchObject({ code: 'busy' });
      expect(http.json().error).toMatch(/busy.*Try again/);
      b.send({ type: 'ask', id: 'over', question: QUESTION });
      expect(await b.next((m) => m.id === 'over')).toMatchObject({ type: 'error', code: 'busy' });
      release();
      await a.next((m) => m.type === 'done' && m.id === 'g1');
      await b.next((m) => m.type === 'done' && m.id === 'g2');
      expect((await app.inject({ method: 'POST', url: '/api/ask', payload: { question: QUESTION } })).statusCode).toBe(200);
      a.ws.close();
      b.ws.close();
    } finally {
      release();
      await app.close();
    }
  });
});
