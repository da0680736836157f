/**
 * The chat WebSocket (protocol v1, docs/protocol.md) as a Fastify plugin.
 * Every failure is answered with an error message on the same socket; nothing a client sends closes it,
 * except a frame over the hard size cap and a client that stops reading what it asked for.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { Conversation, type Cablechat } from '../cablechat.js';
import type { UploadJob, UploadQueue } from './uploads.js';
import { busyMessages, type Limits, type WorkGate } from './limits.js';
import { checkSocketAsk, echoId, MAX_FRAME_BYTES, PROTOCOL_VERSION, type SocketAsk } from './protocol.js';
import { ANSWER_TIMEOUT_MS, AnswerTimeout, withTimeout } from './timeout.js';

/** Close code for a client that does not read (1008, policy violation), with a reason it can log. */
export const CLOSE_NOT_READING = 1008;

export interface ChatSocketOptions {
  chat: Cablechat;
  answerTimeoutMs?: number;
  limits: Limits;
  gate: WorkGate;
  /** Uploads whose progress every socket is told of (null: uploads are off). */
  uploads?: UploadQueue | null;
}

export const chatSocket: FastifyPluginAsync<ChatSocketOptions> = async (app, { chat, answerTimeoutMs = ANSWER_TIMEOUT_MS, limits, gate, uploads = null }) => {
  app.get('/ws', { websocket: true }, (socket: WebSocket, req) => {
    const conversation = new Conversation();
    // Questions on one socket are answered in order, so a follow-up always sees the turn before it.
    const waiting: SocketAsk[] = [];
    let answering = false;
    let closed = false;
    let awaitingDrain = false;
    const tcp: Socket = req.raw.socket;

    const send = (msg: object) => {
      if (closed || socket.readyState !== socket.OPEN) return;
      socket.send(JSON.stringify(msg));
      if (socket.bufferedAmount > limits.hardBufferedBytes) {
        closed = true;
        dropWaiting();
        req.log.warn({ buffered: socket.bufferedAmount }, 'closing a socket that does not read');
        socket.close(CLOSE_NOT_READING, 'Not reading: too many unread messages. Read answers before asking more.');
      }
    };
    const error = (id: string | null, code: string, message: string) => send({ type: 'error', id, code, message });

    function dropWaiting() {
      for (let n = waiting.splice(0).length; n > 0; n--) gate.release();
    }

    const onUpload = (job: UploadJob) => send({ type: 'upload', job });
    uploads?.on('change', onUpload);
    socket.on('close', () => {
      uploads?.off('change', onUpload);
      closed = true;
      // Nobody is left to read these answers: computing them would only delay everyone else's.
      dropWaiting();
    });

    const stats = chat.stats();
    send({ type: 'hello', protocol: PROTOCOL_VERSION, embedder: stats.embedder.id, cables: stats.cables, paragraphs: stats.paragraphs });

    socket.on('message', (data, isBinary) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
      if (size > MAX_FRAME_BYTES) {
        return error(null, 'too_large', `Frame of ${size} bytes is larger than the ${MAX_FRAME_BYTES}-byte limit; send a shorter question or history.`);
      }
      if (isBinary) return error(null, 'bad_request', 'Binary frames are not understood; send JSON text.');
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return error(null, 'bad_json', 'The frame is not valid JSON. Send one JSON object per frame, e.g. {"type":"ask","id":"1","question":"…"}.');
      }
      const id = echoId(msg);
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
        return error(null, 'bad_request', 'A message must be a JSON object with a "type".');
      }
      const type = (msg as { type?: unknown }).type;
      if (type === 'reset') {
        conversation.reset();
        return send({ type: 'reset', id });
      }
      if (type !== 'ask') {
        return error(id, 'unknown_type', `Unknown message type ${JSON.stringify(type) ?? 'undefined'}; this server understands "ask" and "reset" (protocol ${PROTOCOL_VERSION}).`);
      }
      const checked = checkSocketAsk(msg);
      if (!checked.ok) return error(id, 'bad_request', checked.problem);
      // Refused at once rather than queued: a bounded wait is the only kind a client can plan around.
      if (waiting.length + (answering ? 1 : 0) >= limits.perSocket) return error(id, 'busy', busyMessages.socket(limits.perSocket));
      if (socket.bufferedAmount > limits.softBufferedBytes) return error(id, 'busy', busyMessages.unread());
      if (!gate.tryAcquire()) return error(id, 'busy', busyMessages.global());
      waiting.push(checked.value);
      pump();
    });

    /** Starts the next waiting question unless one is running or the client has not read the last answers. */
    function pump() {
      if (answering || closed || waiting.length === 0) return;
      if (socket.bufferedAmount > limits.softBufferedBytes) {
        if (!awaitingDrain) {
          awaitingDrain = true;
          tcp.once('drain', () => {
            awaitingDrain = false;
            pump();
          });
        }
        return;
      }
      const ask = waiting.shift()!;
      answering = true;
      void answerOne(ask).finally(() => {
        answering = false;
        gate.release();
        pump();
      });
    }

    async function answerOne(ask: SocketAsk) {
      const t0 = performance.now();
      try {
        // A history in the ask (a client after reconnecting) replaces the socket's own.
        const answer = await withTimeout(chat.ask({ question: ask.question, history: ask.history, k: ask.k, filters: ask.filters }, conversation), answerTimeoutMs);
        send({ type: 'ack', id: ask.id, question: ask.question, searched: answer.searched, filters: answer.filters });
        answer.passages.forEach((passage, i) => send({ type: 'passage', id: ask.id, rank: i + 1, passage }));
        send({
          type: 'done',
          id: ask.id,
          answer: { ...answer, citations: answer.passages.map((p) => p.citation.label) },
          elapsed_ms: Math.round(performance.now() - t0),
        });
        conversation.add(answer);
      } catch (err) {
        if (err instanceof AnswerTimeout) {
          req.log.error({ ms: err.ms }, 'answering timed out');
          return error(ask.id, 'timeout', err.message);
        }
        req.log.error({ err }, 'answering failed');
        error(ask.id, 'internal', 'The server failed to answer this question; its log says why. Try again; the connection is still open.');
      }
    }
  });
};
