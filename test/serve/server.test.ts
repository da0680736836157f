import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/serve/index.js';
import { openCablechat } from '../../src/cablechat.js';
import { seedChat, useLite } from '../support/seed-index.js';

let app: FastifyInstance;
let url: string;
let dispose: () => Promise<void>;
let seedDir: string;

beforeAll(async () => {
  const seed = await seedChat();
  dispose = seed.dispose;
  seedDir = seed.dir;
  app = await buildServer({ chat: seed.chat });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  url = address.replace('http', 'ws') + '/ws';
});
afterAll(async () => {
  await app.close();
  await dispose();
});

/** A client that collects every message, so tests can wait for a given one and check order. */
async function connect(to = url) {
  const ws = new WebSocket(to);
  const messages: any[] = [];
  const waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    messages.push(m);
    for (const w of waiters.splice(0)) (w.pred(m) ? w.resolve(m) : waiters.push(w));
  });
  await new Promise((r) => ws.once('open', r));
  const next = (pred: (m: any) => boolean) =>
    new Promise<any>((resolve, reject) => {
      const found = messages.find(pred);
      if (found) return resolve(found);
      waiters.push({ pred, resolve });
      setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(messages.map((m) => m.type))}`)), 20_000);
    });
  return { ws, messages, next, send: (o: unknown) => ws.send(typeof o === 'string' ? o : JSON.stringify(o)) };
}

describe('HTTP API', () => {
  it('reports health with the embedder and index size', async () => {
    const res = await app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', protocol: 1, embedder: { id: 'use-lite', dimensions: 512 }, cables: 1 });
    expect(res.json().paragraphs).toBeGreaterThanOrEqual(20);
  });

  it('lists cables with paging and validates the query', async () => {
    const res = await app.inject({ url: '/api/cables?offset=0&limit=10' });
    expect(res.json()).toMatchObject({ total: 1, offset: 0, limit: 10, items: [{ ref: '09PHNOMPENH246', date: '2009-04-13' }] });
    const bad = await app.inject({ url: '/api/cables?limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/limit/);
  });

  it('returns one parsed cable for the viewer, and 404 for an unknown one', async () => {
    const res = await app.inject({ url: '/api/cables/09PHNOMPENH246' });
    const cable = res.json();
    expect(cable.subject).toMatch(/CAMBODIA BORDER CROSSING/);
    const p10 = cable.paragraphs.find((p: any) => p.key === '10');
    expect(p10.citation.label).toBe('09PHNOMPENH246 ¶10');
    expect(p10.heading).toBe('Poipet Transit Center');
    const missing = await app.inject({ url: '/api/cables/99NOWHERE1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatch(/99NOWHERE1/);
  });

  it('answers POST /api/ask with cited passages and rejects an empty question', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'How many children can the Poipet Transit Center house?' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().citations[0]).toBe('09PHNOMPENH246 ¶10');
    const bad = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: '' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/question/);
  });
});

describe('WebSocket protocol', () => {
  it('greets, then streams ack, passages in rank order and done for an ask', async () => {
    const c = await connect();
    expect((await c.next((m) => m.type === 'hello')).protocol).toBe(1);
    c.send({ type: 'ask', id: 'q1', question: 'How many migrants did Thailand return in January 2009?', k: 3 });
    const done = await c.next((m) => m.type === 'done' && m.id === 'q1');
    const mine = c.messages.filter((m) => m.id === 'q1').map((m) => m.type);
    expect(mine[0]).toBe('ack');
    expect(mine.at(-1)).toBe('done');
    const passages = c.messages.filter((m) => m.type === 'passage' && m.id === 'q1');
    expect(passages.map((m) => m.rank)).toEqual(passages.map((_, i) => i + 1));
    expect(done.answer.citations[0]).toBe('09PHNOMPENH246 ¶3');
    expect(done.answer.citations).toEqual(passages.map((m) => m.passage.citation.label));
    const p = done.answer.passages[0];
    const marked = p.text.slice(p.highlights[0].start, p.highlights[0].end);
    expect(marked).toContain('32,249');
    c.ws.close();
  });

  it('reads a follow-up on the same socket in the light of the earlier question', async () => {
    const c = await connect();
    c.send({ type: 'ask', id: 'a', question: 'How many migrants did Thailand return in January 2009?' });
    await c.next((m) => m.type === 'done' && m.id === 'a');
    c.send({ type: 'ask', id: 'b', question: 'And how many of them were children?' });
    const done = await c.next((m) => m.type === 'done' && m.id === 'b');
    expect(done.answer.citations[0]).toBe('09PHNOMPENH246 ¶3');
    const p = done.answer.passages[0];
    expect(p.highlights.map((h: any) => p.text.slice(h.start, h.end)).join(' ')).toContain('1,673');
    c.ws.close();
  });

  it('takes the conversation from the client after a reconnect (history in the ask)', async () => {
    const c = await connect();
    c.send({ type: 'ask', id: 'h1', question: 'And how many of them were children?', history: ['How many migrants did Thailand return in January 2009?'] });
    const done = await c.next((m) => m.type === 'done' && m.id === 'h1');
    expect(done.answer.citations[0]).toBe('09PHNOMPENH246 ¶3');
    c.send({ type: 'ask', id: 'h2', question: 'x', history: 'not a list' });
    expect((await c.next((m) => m.type === 'error' && m.id === 'h2')).code).toBe('bad_request');
    c.ws.close();
  });

  it('answers every kind of bad frame with an error message and keeps serving the socket', async () => {
    const c = await connect();
    const cases: [unknown, string, string | null][] = [
      ['{not json', 'bad_json', null],
      [{ type: 'shout', id: 'u1' }, 'unknown_type', 'u1'],
      [{ type: 'ask', id: 'm1' }, 'bad_request', 'm1'],
      [{ type: 'ask', id: 'e1', question: '   ' }, 'bad_request', 'e1'],
      [{ type: 'ask', id: 'k1', question: 'hi', k: 500 }, 'bad_request', 'k1'],
      [{ type: 'ask', id: 'long', question: 'x'.repeat(2001) }, 'bad_request', 'long'],
      [{ type: 'ask', id: 'big', question: 'x'.repeat(300_000) }, 'too_large', null],
    ];
    for (const [frame, code, id] of cases) {
      const before = c.messages.length;
      c.send(frame);
      const err = await c.next((m) => m.type === 'error' && c.messages.indexOf(m) >= before);
      expect(err.code).toBe(code);
      expect(err.id).toBe(id);
      expect(err.message.length).toBeGreaterThan(10);
    }
    c.send({ type: 'ask', id: 'after', question: 'What sentence did the recruiter convicted in 2005 get?' });
    const done = await c.next((m) => m.type === 'done' && m.id === 'after');
    expect(done.answer.citations[0]).toBe('09PHNOMPENH246 ¶14');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });
});

describe('a stuck model', () => {
  it('gets a timeout error, on the socket and over HTTP, and the socket keeps serving', async () => {
    // The same index, opened with a model whose embed() never returns (fault injection: what a hung
    // onnxruntime or worker looks like from the server).
    const e = await useLite();
    const stuck = await openCablechat({ indexDir: seedDir, embedder: { id: e.id, dimensions: e.dimensions, maxWords: e.maxWords, embed: () => new Promise(() => {}), close: async () => {} } });
    const slow = await buildServer({ chat: stuck, answerTimeoutMs: 300 });
    try {
      const res = await slow.inject({ method: 'POST', url: '/api/ask', payload: { question: 'How many children can the PTC house?' } });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toMatch(/^No answer within .* Try again/);
      const address = await slow.listen({ port: 0, host: '127.0.0.1' });
      const c = await connect(address.replace('http', 'ws') + '/ws');
      c.send({ type: 'ask', id: 'a', question: 'How many children can the PTC house?' });
      c.send({ type: 'reset', id: 'b' });
      expect(await c.next((m) => m.type === 'error')).toMatchObject({ id: 'a', code: 'timeout' });
      expect(await c.next((m) => m.type === 'reset')).toMatchObject({ id: 'b' });
      c.ws.close();
    } finally {
      await slow.close();
      await stuck.close();
    }
  });
});
