/**
 * Serve: the Fastify app. Each concern is its own encapsulated plugin (HTTP API, chat socket, web files),
 * all sharing one Cablechat opened once at start-up.
 */
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Cablechat } from '../cablechat.js';
import { api } from './api.js';
import { chatSocket } from './chat-socket.js';

/**
 * Query-embedding workers a server runs: one answers a lone user as fast as one can; a second doubles what
 * many concurrent users get (the model is the bottleneck under load, see README, Performance).
 */
export const SERVER_QUERY_THREADS = Math.min(2, availableParallelism());

export interface ServerOptions {
  chat: Cablechat;
  /** Built web app (web/dist); omitted in API-only tests. */
  webRoot?: string;
  logger?: FastifyServerOptions['logger'];
  /** Longest a question may take before the client gets a `timeout` error (default 30 s). */
  answerTimeoutMs?: number;
  /** Log every HTTP request (pino, one JSON line each); off by default to keep the console readable. */
  logRequests?: boolean;
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    logController: new LogController({ disableRequestLogging: !opts.logRequests }),
    bodyLimit: 64 * 1024,
  });
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    void reply.code(status).send({ error: status >= 500 ? 'The server failed on this request; see its log.' : err.message });
  });
  // Frames up to 1 MiB reach our handler, so one over the protocol's 16 KiB gets a "too_large" message
  // instead of a closed socket (ws closes the connection itself above maxPayload).
  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(api, { chat: opts.chat, answerTimeoutMs: opts.answerTimeoutMs });
  await app.register(chatSocket, { chat: opts.chat, answerTimeoutMs: opts.answerTimeoutMs });
  if (opts.webRoot && existsSync(opts.webRoot)) {
    await app.register(fastifyStatic, { root: opts.webRoot, prefix: '/', index: ['index.html'] });
    // The cable viewer is a client-side route: any /cable/... page is the app itself.
    app.get('/cable/*', (_req, reply) => reply.sendFile('index.html'));
  } else {
    app.get('/', async (_req, reply) => reply.type('text/plain').send('cablechat API is running, but the web app is not built: run npm run build:web'));
  }
  return app;
}
