/**
 * The chat WebSocket (protocol v1, docs/protocol.md) as a Fastify plugin.
 * Every failure is answered with an error message on the same socket; nothing a client sends closes it.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import type { Cablechat } from '../cablechat.js';
import type { Filters } from '../domain.js';
import { PROTOCOL_VERSION } from './protocol.js';
import { checkAsk } from './protocol.js';
import { ANSWER_TIMEOUT_MS, AnswerTimeout, withTimeout } from './timeout.js';

type Ask = { id: string; question: string; k?: number; filters?: Filters; history?: string[] };

export const MAX_FRAME_BYTES = 16 * 1024;
/** Earlier questions kept per socket; a follow-up only ever needs the last few. */
const HISTORY_LIMIT = 8;

export const chatSocket: FastifyPluginAsync<{ chat: Cablechat; answerTimeoutMs?: number }> = async (app, { chat, answerTimeoutMs = ANSWER_TIMEOUT_MS }) => {
  app.get('/ws', { websocket: true }, (socket: WebSocket, req) => {
    const history: string[] = [];
    const send = (msg: object) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
    };
    const stats = chat.store.stats();
    send({ type: 'hello', protocol: PROTOCOL_VERSION, embedder: chat.embedder.id, cables: stats.cables, paragraphs: stats.paragraphs });
    // Questions on one socket are answered in order, so a follow-up always sees the turn before it.
    let queue = Promise.resolve();

    socket.on('message', (data, isBinary) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
      if (size > MAX_FRAME_BYTES) {
        return send({ type: 'error', id: null, code: 'too_large', message: `Frame of ${size} bytes is larger than the ${MAX_FRAME_BYTES}-byte limit; send a shorter question.` });
      }
      if (isBinary) return send({ type: 'error', id: null, code: 'bad_request', message: 'Binary frames are not understood; send JSON text.' });
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return send({ type: 'error', id: null, code: 'bad_json', message: 'The frame is not valid JSON. Send one JSON object per frame, e.g. {"type":"ask","id":"1","question":"…"}.' });
      }
      const id = typeof (msg as { id?: unknown })?.id === 'string' ? (msg as { id: string }).id : null;
      const type = (msg as { type?: unknown })?.type;
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
        return send({ type: 'error', id, code: 'bad_request', message: 'A message must be a JSON object with a "type".' });
      }
      if (type === 'reset') {
        history.length = 0;
        return send({ type: 'reset', id });
      }
      if (type !== 'ask') {
        return send({ type: 'error', id, code: 'unknown_type', message: `Unknown message type ${JSON.stringify(type)}; this server understands "ask" and "reset" (protocol ${PROTOCOL_VERSION}).` });
      }
      const problem = checkAsk(msg);
      if (problem) return send({ type: 'error', id, code: 'bad_request', message: problem });
      const ask = msg as Ask;
      queue = queue.then(() => answerOne(ask));
    });

    async function answerOne(ask: Ask) {
      const t0 = performance.now();
      if (ask.history) history.splice(0, history.length, ...ask.history.slice(-HISTORY_LIMIT));
      try {
        const answer = await withTimeout(chat.ask({ question: ask.question, history: [...history], k: ask.k ?? 5, filters: ask.filters }), answerTimeoutMs);
        send({ type: 'ack', id: ask.id, question: ask.question, searched: answer.searched, filters: answer.filters });
        answer.passages.forEach((passage, i) => send({ type: 'passage', id: ask.id, rank: i + 1, passage }));
        send({
          type: 'done',
          id: ask.id,
          answer: { ...answer, citations: answer.passages.map((p) => p.citation.label) },
          elapsed_ms: Math.round(performance.now() - t0),
        });
        history.push(ask.question);
        if (history.length > HISTORY_LIMIT) history.shift();
      } catch (err) {
        if (err instanceof AnswerTimeout) {
          req.log.error({ ms: err.ms }, 'answering timed out');
          return send({ type: 'error', id: ask.id, code: 'timeout', message: err.message });
        }
        req.log.error({ err }, 'answering failed');
        send({ type: 'error', id: ask.id, code: 'internal', message: `The server failed to answer this question (${(err as Error).message}). Try again; the connection is still open.` });
      }
    }
  });
};
