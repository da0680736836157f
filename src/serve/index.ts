/**
 * Serve: the Fastify app. Each concern is its own encapsulated plugin (HTTP API, chat socket, web files),
 * all sharing one Cablechat opened once at start-up, behind one guard (Host, Origin, security headers) and
 * one bound on the questions in flight.
 */
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Cablechat } from '../cablechat.js';
import { api } from './api.js';
import { feedback } from './feedback.js';
import { MAX_UPLOAD_BYTES, uploads, type UploadQueue } from './uploads.js';
import { chatSocket } from './chat-socket.js';
import { installGuard } from './guard.js';
import { DEFAULT_LIMITS, WorkGate, type Limits } from './limits.js';
import { HARD_FRAME_BYTES, MAX_FRAME_BYTES, MAX_REF_CHARS } from './protocol.js';

export { DEFAULT_LIMITS, type Limits } from './limits.js';

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
  /**
   * Names (or name:port) the server answers to besides loopback names and its own addresses (--allow-host).
   * Until it listens, only loopback names are known, which is what `app.inject` sends.
   */
  allowedHosts?: string[];
  /** Origins whose pages may use the server besides its own (--allow-origin). */
  allowedOrigins?: string[];
  /** Bounds on questions in flight; any left out take DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /** Where thumbs up/down are appended (feedback.jsonl in the index folder); without one they are refused. */
  feedbackFile?: string;
  /** Cables added from the browser (uploads.ts); without a queue, uploads are off. */
  uploads?: UploadQueue | null;
}

/** Messages for Fastify's own request errors, which otherwise name its internals rather than the fix. */
const REQUEST_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send the body as JSON with the header Content-Type: application/json.',
  FST_ERR_CTP_BODY_TOO_LARGE: `The body is larger than the ${MAX_FRAME_BYTES}-byte limit; send a shorter question or history.`,
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty; send a JSON object such as {"question":"…"}.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
};

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const gate = new WorkGate(limits.global);
  const app = Fastify({
    logger: opts.logger ?? false,
    logController: new LogController({ disableRequestLogging: !opts.logRequests }),
    bodyLimit: MAX_FRAME_BYTES,
    // Reference ids can be long (see MAX_REF_CHARS); the route itself checks them.
    routerOptions: { maxParamLength: MAX_REF_CHARS + 10 },
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    const tooLargeUpload = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' && req.url.startsWith('/api/uploads');
    const known = tooLargeUpload
      ? `The file is larger than the ${MAX_UPLOAD_BYTES / 2 ** 20} MB limit for an upload; add larger archives with npm run ingest.`
      : err.code !== undefined
        ? REQUEST_ERRORS[err.code]
        : undefined;
    // A JSON syntax error names the position, which helps; a 5xx names nothing of the server's insides.
    const message = status >= 500 ? 'The server failed on this request; see its log.' : (known ?? (err instanceof SyntaxError ? `The body is not valid JSON: ${err.message}` : err.message));
    void reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `Nothing here: ${req.method} ${req.url.slice(0, 200)}. The chat is at /, the API under /api (see docs/protocol.md).` });
  });
  // Only JSON bodies: a text/plain POST is what a cross-site form can send without asking the browser first.
  app.removeContentTypeParser('text/plain');
  // Frames up to HARD_FRAME_BYTES reach our handler, so one over the protocol's limit gets a "too_large"
  // message instead of a closed socket (ws closes the connection itself above maxPayload).
  await app.register(fastifyWebsocket, { options: { maxPayload: HARD_FRAME_BYTES } });
  // After the WebSocket plugin: its own onRequest hook marks upgrade requests, and only a marked request has
  // its connection closed after a refusal (otherwise a refused upgrade would hold the server open).
  installGuard(app, { allowedHosts: opts.allowedHosts, allowedOrigins: opts.allowedOrigins });
  await app.register(api, { chat: opts.chat, answerTimeoutMs: opts.answerTimeoutMs, gate });
  await app.register(feedback, { file: opts.feedbackFile });
  await app.register(uploads, { queue: opts.uploads ?? null });
  await app.register(chatSocket, { chat: opts.chat, answerTimeoutMs: opts.answerTimeoutMs, limits, gate, uploads: opts.uploads ?? null });
  if (opts.webRoot && existsSync(opts.webRoot)) {
    await app.register(fastifyStatic, { root: opts.webRoot, prefix: '/', index: ['index.html'] });
    // The cable viewer is a client-side route: any /cable/... page is the app itself.
    app.get('/cable/*', (_req, reply) => reply.sendFile('index.html'));
    app.get('/archive', (_req, reply) => reply.sendFile('index.html'));
  } else {
    app.get('/', async (_req, reply) => reply.type('text/plain').send('cablechat API is running, but the web app is not built: run npm run build:web'));
  }
  return app;
}
