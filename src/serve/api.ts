/** HTTP routes (docs/protocol.md), validated by Fastify's own JSON schemas. */
import type { FastifyPluginAsync } from 'fastify';
import type { Cablechat } from '../cablechat.js';
import { citationOf } from '../chunk/index.js';
import type { Filters } from '../domain.js';
import { INDEX_FORMAT } from '../index/store.js';
import { filtersSchema, PROTOCOL_VERSION } from './protocol.js';
import { ANSWER_TIMEOUT_MS, AnswerTimeout, withTimeout } from './timeout.js';

export const api: FastifyPluginAsync<{ chat: Cablechat; answerTimeoutMs?: number }> = async (app, { chat, answerTimeoutMs = ANSWER_TIMEOUT_MS }) => {
  app.get('/api/health', async () => {
    const s = chat.store.stats();
    return {
      status: 'ok',
      protocol: PROTOCOL_VERSION,
      embedder: { id: chat.embedder.id, dimensions: chat.embedder.dimensions },
      cables: s.cables,
      paragraphs: s.paragraphs,
      indexFormat: INDEX_FORMAT,
    };
  });

  app.get<{ Querystring: { offset: number; limit: number } }>(
    '/api/cables',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
          additionalProperties: false,
        },
      },
    },
    async (req) => ({ ...chat.store.listCables(req.query.offset, req.query.limit), offset: req.query.offset, limit: req.query.limit }),
  );

  app.get<{ Params: { ref: string } }>(
    '/api/cables/:ref',
    { schema: { params: { type: 'object', properties: { ref: { type: 'string', pattern: '^[A-Za-z0-9-]{3,40}$' } }, required: ['ref'] } } },
    async (req, reply) => {
      chat.store.sync();
      const cable = chat.store.cable(req.params.ref);
      if (!cable) return reply.code(404).send({ error: `No cable ${req.params.ref} in this index.` });
      const paragraphs = chat.store.paragraphsOf(cable.ref).map((p) => ({
        key: p.key,
        number: p.number,
        heading: p.heading,
        marking: p.marking,
        text: p.text,
        citation: citationOf(cable.ref, p),
      }));
      return { ...cable, paragraphs };
    },
  );

  app.post<{ Body: { question: string; k?: number; filters?: Filters; history?: string[] } }>(
    '/api/ask',
    {
      schema: {
        body: {
          type: 'object',
          required: ['question'],
          additionalProperties: false,
          properties: {
            question: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' },
            k: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
            filters: filtersSchema,
            history: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 2000 } },
          },
        },
      },
    },
    async (req, reply) => {
      try {
        const a = await withTimeout(chat.ask({ question: req.body.question, k: req.body.k, filters: req.body.filters, history: req.body.history }), answerTimeoutMs);
        return { ...a, citations: a.passages.map((p) => p.citation.label) };
      } catch (err) {
        if (!(err instanceof AnswerTimeout)) throw err;
        req.log.error({ ms: err.ms }, 'answering timed out');
        return reply.code(503).send({ error: err.message });
      }
    },
  );
};
