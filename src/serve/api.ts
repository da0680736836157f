/** HTTP routes (docs/protocol.md). The ask body is checked by the same schema as a socket ask. */
import type { FastifyPluginAsync } from 'fastify';
import type { Cablechat } from '../cablechat.js';
import { INDEX_FORMAT } from '../index/store.js';
import { ExampleQuestions } from './examples.js';
import { busyMessages, RETRY_AFTER_SECONDS, type WorkGate } from './limits.js';
import { checkHttpAsk, MAX_REF_CHARS, PROTOCOL_VERSION } from './protocol.js';
import { ANSWER_TIMEOUT_MS, AnswerTimeout, withTimeout } from './timeout.js';

/** Past any index anyone will build, and small enough that SQLite never sees a number it cannot hold. */
export const MAX_OFFSET = 1_000_000_000;

export interface ApiOptions {
  chat: Cablechat;
  answerTimeoutMs?: number;
  gate: WorkGate;
}

export const api: FastifyPluginAsync<ApiOptions> = async (app, { chat, answerTimeoutMs = ANSWER_TIMEOUT_MS, gate }) => {
  const examples = new ExampleQuestions(chat);
  app.get('/api/examples', async () => ({ questions: await examples.get() }));

  app.get('/api/health', async () => {
    const s = chat.stats();
    return {
      status: 'ok',
      protocol: PROTOCOL_VERSION,
      embedder: s.embedder,
      ranking: s.ranking,
      cables: s.cables,
      paragraphs: s.paragraphs,
      indexFormat: INDEX_FORMAT,
    };
  });

  app.get<{ Querystring: { offset: number; limit: number; q?: string; origin?: string; year?: string; classification?: string; tag?: string } }>(
    '/api/cables',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            q: { type: 'string', maxLength: 200 },
            origin: { type: 'string', maxLength: 200 },
            year: { type: 'string', maxLength: 20 },
            classification: { type: 'string', maxLength: 100 },
            tag: { type: 'string', maxLength: 50 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { offset, limit, ...where } = req.query;
      if (where.year !== undefined && !/^\d{4}$/.test(where.year)) return reply.code(400).send({ error: `year must be four digits, e.g. year=2009 (got "${where.year}")` });
      return { ...chat.listCables(offset, limit, where), offset, limit };
    },
  );

  app.get('/api/facets', async () => chat.facets());

  app.get<{ Params: { ref: string } }>(
    '/api/cables/:ref',
    // Every reference id the parser produces matches this (src/parse/header.ts, REF_ID), whatever its length.
    { schema: { params: { type: 'object', properties: { ref: { type: 'string', pattern: '^[A-Za-z0-9-]+$', maxLength: MAX_REF_CHARS } }, required: ['ref'] } } },
    async (req, reply) => chat.cable(req.params.ref) ?? reply.code(404).send({ error: `No cable ${req.params.ref} in this index.` }),
  );

  app.post('/api/ask', async (req, reply) => {
    const checked = checkHttpAsk(req.body);
    if (!checked.ok) return reply.code(400).send({ error: checked.problem });
    if (!gate.tryAcquire()) {
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ error: busyMessages.global(), code: 'busy' });
    }
    try {
      const a = await withTimeout(chat.ask(checked.value), answerTimeoutMs);
      return { ...a, citations: a.passages.map((p) => p.citation.label) };
    } catch (err) {
      if (!(err instanceof AnswerTimeout)) throw err;
      req.log.error({ ms: err.ms }, 'answering timed out');
      return reply.code(503).send({ error: err.message, code: 'timeout' });
    } finally {
      gate.release();
    }
  });
};
