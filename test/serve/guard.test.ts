/**
 * Who may use the server: Host names (DNS rebinding), Origins (cross-site WebSocket hijacking), and the
 * security headers on every response. Browser-level checks are in test/web/security.test.ts.
 */
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/serve/index.js';
import { SEED_DIR } from '../support/seed-index.js';
import { hashChat } from '../support/hash-embedder.js';
import { ensureWebBuilt } from '../support/web-build.js';
import { connect, refusal } from './client.js';

let seed: Awaited<ReturnType<typeof hashChat>>;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  seed = await hashChat([SEED_DIR]);
  app = await buildServer({ chat: seed.chat, webRoot: await ensureWebBuilt() });
  port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
});
afterAll(async () => {
  await app?.close();
  await seed?.dispose();
});

/** A raw HTTP request with exactly these headers (Node's client would otherwise fill in Host itself). */
function get(path: string, headers: Record<string, string>, to = port, address = '127.0.0.1') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: address, port: to, path, headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host header (DNS rebinding)', () => {
  it('refuses a name the server is not known by, on every route, naming --allow-host', async () => {
    for (const path of ['/api/health', '/', '/api/cables', '/api/cables/09PHNOMPENH246', '/assets/none.js', '/cable/09PHNOMPENH246']) {
      const res = await get(path, { host: `evil.example:${port}` });
      expect(res.status, path).toBe(421);
      expect(JSON.parse(res.body).error).toMatch(/--allow-host evil\.example/);
      expect(res.body).not.toContain('CAMBODIA');
    }
    const ws = await refusal(`ws://127.0.0.1:${port}/ws`, { host: `evil.example:${port}` });
    expect(ws?.status).toBe(421);
  });

  it('answers loopback names, with and without a port', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', `LOCALHOST:${port}`]) {
      expect((await get('/api/health', { host })).status, host).toBe(200);
    }
  });

  it('answers names given with --allow-host, and only those', async () => {
    const named = await buildServer({ chat: seed.chat, allowedHosts: ['chat.example', 'other.example:8443'] });
    try {
      const p = Number(new URL(await named.listen({ port: 0, host: '127.0.0.1' })).port);
      expect((await get('/api/health', { host: `chat.example:${p}` }, p)).status).toBe(200);
      expect((await get('/api/health', { host: 'chat.example' }, p)).status).toBe(200);
      expect((await get('/api/health', { host: 'other.example:8443' }, p)).status).toBe(200);
      expect((await get('/api/health', { host: 'other.example:9000' }, p)).status).toBe(421);
      expect((await get('/api/health', { host: 'evil.chat.example' }, p)).status).toBe(421);
    } finally {
      await named.close();
    }
  });

  it('listening on every interface, answers the machine’s own addresses and no others', async () => {
    const wide = await buildServer({ chat: seed.chat });
    try {
      const p = Number(new URL(await wide.listen({ port: 0, host: '0.0.0.0' })).port);
      const own = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (own) expect((await get('/api/health', { host: `${own}:${p}` }, p, own)).status).toBe(200);
      expect((await get('/api/health', { host: `127.0.0.1:${p}` }, p)).status).toBe(200);
      // An address of some other machine: only a rebinding page would send it to us.
      expect((await get('/api/health', { host: `203.0.113.9:${p}` }, p)).status).toBe(421);
    } finally {
      await wide.close();
    }
  });

  it('lets app.inject (no listening address yet) through with its default Host', async () => {
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});

describe('Origin header (cross-site WebSocket hijacking)', () => {
  const url = () => `ws://127.0.0.1:${port}/ws`;

  it('refuses a WebSocket from a page on another origin before upgrading, naming --allow-origin', async () => {
    for (const origin of [`http://127.0.0.1:${port + 1}`, 'https://evil.example', 'null', `http://localhost:${port}`]) {
      const res = await refusal(url(), { origin });
      expect(res?.status, origin).toBe(403);
      expect(JSON.parse(res!.body).error).toMatch(/--allow-origin/);
    }
  });

  it('accepts no Origin (the CLI, scripts) and its own origin, and answers on it', async () => {
    expect(await refusal(url(), {})).toBeNull();
    const c = await connect(url(), { origin: `http://127.0.0.1:${port}` });
    c.send({ type: 'ask', id: 'o1', question: 'How many children can the Poipet Transit Center house?' });
    expect((await c.next((m) => m.type === 'done')).answer.citations[0]).toBe('09PHNOMPENH246 ¶10');
    c.ws.close();
  });

  it('accepts origins given with --allow-origin', async () => {
    const open = await buildServer({ chat: seed.chat, allowedOrigins: ['https://app.example', 'http://127.0.0.1:5173'] });
    try {
      const p = Number(new URL(await open.listen({ port: 0, host: '127.0.0.1' })).port);
      expect(await refusal(`ws://127.0.0.1:${p}/ws`, { origin: 'https://app.example' })).toBeNull();
      expect(await refusal(`ws://127.0.0.1:${p}/ws`, { origin: 'http://127.0.0.1:5173' })).toBeNull();
      expect((await refusal(`ws://127.0.0.1:${p}/ws`, { origin: 'https://app.example.evil' }))?.status).toBe(403);
    } finally {
      await open.close();
    }
  });

  it('refuses a cross-site POST /api/ask as well', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/ask', headers: { origin: 'https://evil.example' }, payload: { question: 'Poipet?' } });
    expect(res.statusCode).toBe(403);
  });
});

describe('security headers', () => {
  it('are on every response: pages, API, errors, refusals', async () => {
    const responses = [
      await get('/', { host: `127.0.0.1:${port}` }),
      await get('/cable/09PHNOMPENH246', { host: `127.0.0.1:${port}` }),
      await get('/api/health', { host: `127.0.0.1:${port}` }),
      await get('/api/cables?limit=0', { host: `127.0.0.1:${port}` }),
      await get('/nothing-here', { host: `127.0.0.1:${port}` }),
      await get('/api/health', { host: 'evil.example' }),
    ];
    for (const res of responses) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });
});
