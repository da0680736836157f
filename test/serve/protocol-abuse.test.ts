/**
 * Protocol abuse over the socket and HTTP: every bad frame or request gets a clear 4xx or error message,
 * nothing crashes, the socket keeps serving, and no response carries a stack trace or a path of the machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/serve/index.js';
import { HARD_FRAME_BYTES, MAX_FRAME_BYTES, MAX_HISTORY_ITEMS, MAX_ID_CHARS, MAX_QUESTION_CHARS, MAX_REF_CHARS } from '../../src/serve/protocol.js';
import { SEED_DIR } from '../support/seed-index.js';
import { hashChat } from '../support/hash-embedder.js';
import { ensureWebBuilt } from '../support/web-build.js';
import { connect, type Client } from './client.js';

const ROOT = join(import.meta.dirname, '..', '..');
// The longest reference id the viewer takes: every id up to it that the parser reads must open.
const LONG_REF = `09${'A'.repeat(MAX_REF_CHARS - 3)}1`;
let dir: string;
let seed: Awaited<ReturnType<typeof hashChat>>;
let app: FastifyInstance;
let port: number;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cablechat-abuse-'));
  writeFileSync(
    join(dir, 'long-ref.txt'),
    [LONG_REF, 'LIGHTHOUSE KEEPERS COUNT ZEBRAS', 'Tue Mar 03 00:00:00 +0100 2009', 'UNCLASSIFIED', 'Embassy Nowhere', '', 'SUBJECT: LIGHTHOUSE KEEPERS COUNT ZEBRAS', '',
      '1. (U) The lighthouse keepers counted forty-two zebras on the northern cape in February.', '',
      '2. (U) The zebra census will be repeated in the autumn by the same keepers.', ''].join('\n'),
  );
  seed = await hashChat([SEED_DIR, dir]);
  app = await buildServer({ chat: seed.chat, webRoot: await ensureWebBuilt() });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(address).port);
  url = `ws://127.0.0.1:${port}/ws`;
});
afterAll(async () => {
  await app?.close();
  await seed?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** What no response may show a user: a stack trace or where the server's files are. */
function expectNoInsides(body: string) {
  expect(body).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(body).not.toContain(ROOT);
  expect(body).not.toContain(tmpdir());
}

/** The frame and the error it gets, on a socket that must stay open and keep answering. */
async function errorFor(c: Client, frame: unknown) {
  const before = c.messages.length;
  c.send(frame);
  return c.next((m) => m.type === 'error' && c.messages.indexOf(m) >= before);
}

async function stillAnswers(c: Client, id: string) {
  c.send({ type: 'ask', id, question: 'How many children can the Poipet Transit Center house?' });
  const done = await c.next((m) => m.type === 'done' && m.id === id);
  expect(done.answer.citations[0]).toBe('09PHNOMPENH246 ¶10');
}

describe('socket frames', () => {
  it('answers malformed and binary frames with an error, and the socket keeps serving', async () => {
    const c = await connect(url);
    const cases: [unknown, string][] = [
      ['', 'bad_json'],
      ['{"type":"ask",', 'bad_json'],
      ['[]', 'bad_request'],
      ['"ask"', 'bad_request'],
      ['null', 'bad_request'],
      ['42', 'bad_request'],
      ['{}', 'unknown_type'],
      [Buffer.from([0, 1, 2, 0xff]), 'bad_request'],
      [Buffer.from(JSON.stringify({ type: 'ask', id: 'b', question: 'Poipet?' })), 'bad_request'],
    ];
    for (const [frame, code] of cases) {
      const err = await errorFor(c, frame);
      expect(err.code, String(frame)).toBe(code);
      expect(err.message.length).toBeGreaterThan(20);
    }
    await stillAnswers(c, 'after');
    c.ws.close();
  });

  it('refuses a frame over the limit with too_large and stays open; closes (1009) only above the hard cap', async () => {
    const c = await connect(url);
    const err = await errorFor(c, { type: 'ask', id: 'big', question: 'x'.repeat(MAX_FRAME_BYTES) });
    expect(err).toMatchObject({ code: 'too_large', id: null });
    expect(err.message).toContain(String(MAX_FRAME_BYTES));
    await stillAnswers(c, 'after-big');
    c.send('x'.repeat(HARD_FRAME_BYTES + 1));
    expect((await c.closed).code).toBe(1009);
  });

  it('answers the largest valid ask: 20 earlier questions of 2,000 characters, at their longest as JSON', async () => {
    const c = await connect(url);
    // Control characters are escaped as \u0001 in JSON: six bytes for one character of the question.
    const long = (tail: string) => `${'\u0001'.repeat(MAX_QUESTION_CHARS - tail.length)}${tail}`;
    const frame = JSON.stringify({
      type: 'ask',
      id: `${'\u0001'.repeat(MAX_ID_CHARS - 1)}z`,
      question: long('How many children can the Poipet Transit Center house?'),
      k: 20,
      history: Array.from({ length: MAX_HISTORY_ITEMS }, (_, i) => long(`Earlier question ${i}`)),
      filters: { origin: '\u0001'.repeat(200), classification: '\u0001'.repeat(100), tag: '\u0001'.repeat(50), cable: '\u0001'.repeat(MAX_REF_CHARS) },
    });
    expect(Buffer.byteLength(frame)).toBeGreaterThan(250_000);
    c.send(frame);
    const reply = await c.next((m) => m.type === 'done' || m.type === 'error');
    expect(reply.type).toBe('done');
    c.ws.close();
  });

  it('refuses a history of 1,000 items, odd id types and unknown fields with bad_request', async () => {
    const c = await connect(url);
    const history = await errorFor(c, { type: 'ask', id: 'h', question: 'Poipet?', history: Array(1000).fill('q') });
    expect(history).toMatchObject({ code: 'bad_request', id: 'h' });
    expect(history.message).toMatch(/history.*at most 20/);
    for (const id of [5, { a: 1 }, null, ['x'], '', 'x'.repeat(MAX_ID_CHARS + 1), true]) {
      const err = await errorFor(c, { type: 'ask', id, question: 'Poipet?' });
      expect(err, JSON.stringify(id)).toMatchObject({ code: 'bad_request', id: null });
      expect(err.message).toMatch(/"id" must be a string of 1 to 100 characters/);
    }
    expect((await errorFor(c, { type: 'ask', id: 'u', question: 'Poipet?', histroy: [] })).message).toMatch(/Unknown field "histroy"/);
    await stillAnswers(c, 'after-odd');
    c.ws.close();
  });

  it('refuses filters named after Object.prototype members (constructor, __proto__, toString)', async () => {
    const c = await connect(url);
    for (const raw of ['{"constructor":"x"}', '{"__proto__":{"origin":"x"}}', '{"toString":"x"}', '{"hasOwnProperty":"x"}', '{"nope":"x"}']) {
      const err = await errorFor(c, `{"type":"ask","id":"f","question":"Poipet?","filters":${raw}}`);
      expect(err, raw).toMatchObject({ code: 'bad_request', id: 'f' });
      expect(err.message).toMatch(/Unknown filter/);
    }
    const wrongType = await errorFor(c, { type: 'ask', id: 'g', question: 'Poipet?', filters: { origin: 5 } });
    expect(wrongType.message).toMatch(/Filter "origin" must be a string/);
    c.ws.close();
  });
});

describe('POST /api/ask checks the body as the socket does', () => {
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/ask', payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers } });

  it('refuses wrong types instead of coercing them, and unknown filters instead of dropping them', async () => {
    const cases: [unknown, RegExp][] = [
      [{ question: 12345 }, /"question" must be a non-empty string/],
      [{ question: true }, /"question"/],
      [{ question: 'Poipet?', k: '5' }, /"k" must be a whole number/],
      [{ question: 'Poipet?', k: 2.5 }, /"k" must be a whole number/],
      [{ question: 'Poipet?', filters: { nope: 'x' } }, /Unknown filter "nope"/],
      [JSON.parse('{"question":"Poipet?","filters":{"constructor":"x"}}'), /Unknown filter "constructor"/],
      [{ question: 'Poipet?', history: 'earlier' }, /"history" must be an array/],
      [{ question: 'Poipet?', history: Array(1000).fill('q') }, /"history" must be an array of at most 20/],
      [{ question: 'Poipet?', extra: 1 }, /Unknown field "extra"/],
      [[], /JSON object/],
      ['"Poipet?"', /JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error).toMatch(message);
    }
  });

  it('answers the largest valid body', async () => {
    const res = await post({ question: 'How many children can the Poipet Transit Center house?', history: Array(MAX_HISTORY_ITEMS).fill('\u0001'.repeat(MAX_QUESTION_CHARS)) });
    expect(res.statusCode).toBe(200);
    expect(res.json().citations[0]).toBe('09PHNOMPENH246 ¶10');
  });

  it('says what to send for wrong content types, bad JSON, empty and oversize bodies', async () => {
    const cases: [number, string | Buffer, Record<string, string>, RegExp][] = [
      [415, 'question=Poipet', { 'content-type': 'application/x-www-form-urlencoded' }, /Content-Type: application\/json/],
      [415, '{"question":"Poipet?"}', { 'content-type': 'text/plain' }, /Content-Type: application\/json/],
      [415, '<q>Poipet?</q>', { 'content-type': 'application/xml' }, /Content-Type: application\/json/],
      [400, '{"question":', {}, /not valid JSON/],
      [400, '', {}, /body is empty/],
      [413, JSON.stringify({ question: 'x'.repeat(MAX_FRAME_BYTES) }), {}, /larger than the \d+-byte limit/],
    ];
    for (const [status, payload, headers, message] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/ask', payload, headers: { 'content-type': 'application/json', ...headers } });
      expect(res.statusCode, `${headers['content-type']} ${String(payload).slice(0, 20)}`).toBe(status);
      expect(res.json().error).toMatch(message);
      expectNoInsides(res.body);
    }
  });
});

describe('HTTP routes', () => {
  it('bounds the cable list offset: 1e20 is a 400, not a server error', async () => {
    for (const offset of ['1e20', '-1', 'abc', '99999999999999999999999']) {
      const res = await app.inject({ url: `/api/cables?offset=${offset}` });
      expect(res.statusCode, offset).toBe(400);
      expect(res.json().error).toMatch(/offset/);
    }
    expect((await app.inject({ url: '/api/cables?offset=1000000' })).json()).toMatchObject({ items: [] });
  });

  it(`cites a cable with a ${MAX_REF_CHARS}-character reference id and opens it`, async () => {
    const answer = (await app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'How many zebras did the lighthouse keepers count?' } })).json();
    expect(answer.citations[0]).toMatch(new RegExp(`^${LONG_REF} ¶\\d$`));
    const cable = await app.inject({ url: `/api/cables/${LONG_REF}` });
    expect(cable.statusCode).toBe(200);
    expect(cable.json().paragraphs.map((p: { text: string }) => p.text).join(' ')).toContain('forty-two zebras');
    // The viewer's page for it is the app itself.
    expect((await app.inject({ url: `/cable/${LONG_REF}` })).statusCode).toBe(200);
    const tooLong = await app.inject({ url: `/api/cables/${LONG_REF}A1` });
    expect(tooLong.statusCode).toBeGreaterThanOrEqual(400);
    expect(tooLong.statusCode).toBeLessThan(500);
  });
});

/** One request exactly as written (no client-side normalising of "..", "%2e" or "%00"). */
function raw(requestLine: string, extra = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect(port, '127.0.0.1');
    let data = '';
    s.on('data', (c) => (data += c.toString('latin1')));
    s.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    s.on('error', reject);
    s.write(`${requestLine}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${extra}\r\n`);
  });
}

describe('a failure inside the server', () => {
  it('is reported without its message, stack or paths, on the socket and over HTTP', async () => {
    const secret = join(ROOT, 'index', 'cables.db');
    const failing = await buildServer({
      chat: { ...seed.chat, ask: async () => Promise.reject(new Error(`SQLITE_CORRUPT: database disk image is malformed at ${secret}`)) },
    });
    try {
      const address = await failing.listen({ port: 0, host: '127.0.0.1' });
      const c = await connect(`${address.replace('http', 'ws')}/ws`);
      c.send({ type: 'ask', id: 'i', question: 'Poipet?' });
      const err = await c.next((m) => m.type === 'error');
      expect(err).toMatchObject({ id: 'i', code: 'internal' });
      expect(err.message).toMatch(/Try again/);
      expect(err.message).not.toContain('SQLITE');
      expectNoInsides(err.message);
      c.ws.close();
      const res = await failing.inject({ method: 'POST', url: '/api/ask', payload: { question: 'Poipet?' } });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('SQLITE');
      expectNoInsides(res.body);
    } finally {
      await failing.close();
    }
  });
});

describe('path traversal and oversize requests', () => {
  it('never serves a file outside the web app, on static files, /cable/ and /api/cables/:ref', async () => {
    const paths = [
      '/../package.json', '/../../../../etc/passwd', '/%2e%2e/package.json', '/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/%2e%2e/package.json', '/..%5c..%5cpackage.json', '/index.html%00.js', '/%00', '/assets/%00../../package.json',
      '/cable/../../package.json', '/cable/%2e%2e/%2e%2e/package.json', '/cable/..%2f..%2f..%2fpackage.json', '/cable/09PHNOMPENH246%00',
      '/api/cables/..%2f..%2fpackage.json', '/api/cables/%2e%2e', '/api/cables/09PHNOMPENH246%00', '/api/cables/%00', '/api/cables/..',
    ];
    for (const path of paths) {
      const res = await raw(`GET ${path} HTTP/1.1`);
      expect(res.status, path).toBeGreaterThanOrEqual(200);
      expect(res.status, path).toBeLessThan(500);
      expect(res.body, path).not.toContain('"devDependencies"');
      expect(res.body, path).not.toContain('root:x:0:0');
      expectNoInsides(res.body);
    }
  });

  it('refuses huge query strings, headers and bodies with a 4xx and keeps serving', async () => {
    expect((await raw(`GET /api/cables?offset=0&pad=${'x'.repeat(100_000)} HTTP/1.1`)).status).toBe(431);
    expect((await raw('GET /api/health HTTP/1.1', `X-Pad: ${'x'.repeat(100_000)}\r\n`)).status).toBe(431);
    const big = await raw('POST /api/ask HTTP/1.1', `Content-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n`);
    expect(big.status).toBe(413);
    expectNoInsides(big.body);
    const ok = await raw('GET /api/health HTTP/1.1');
    expect(ok.status).toBe(200);
  });
});
