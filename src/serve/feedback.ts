/**
 * Thumbs up or down on an answer, kept with the index (`feedback.jsonl`, one JSON object a line) so a
 * maintainer can turn them into eval questions (scripts/feedback-to-eval.ts). POST /api/feedback
 * (docs/protocol.md). The file is appended to, never read by the server, and stops growing at a size limit.
 */
import { appendFileSync, existsSync, statSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ASK_LIMITS } from '../answer/limits.js';
import { MAX_REF_CHARS } from './protocol.js';

/** Beyond this the file is full (a user's feedback over years is far less; a flood stops here). */
export const MAX_FEEDBACK_BYTES = 10 * 1024 * 1024;

const Feedback = z
  .object({
    question: z.string().min(1).max(ASK_LIMITS.questionChars),
    history: z.array(z.string().max(ASK_LIMITS.questionChars)).max(ASK_LIMITS.historyItems).default([]),
    /** Citation labels shown, in order (empty for a refusal). */
    citations: z.array(z.string().max(MAX_REF_CHARS + 40)).max(ASK_LIMITS.maxK).default([]),
    /** The marked sentences of the first passage, as shown in the answer line. */
    quote: z.string().max(20_000).default(''),
    refused: z.boolean().default(false),
    verdict: z.enum(['up', 'down']),
    comment: z.string().max(2000).optional(),
  })
  .strict();
export type FeedbackEntry = z.infer<typeof Feedback> & { time: string };

export interface FeedbackOptions {
  /** Where entries are appended; without one, feedback is refused with a reason. */
  file?: string;
}

export const feedback: FastifyPluginAsync<FeedbackOptions> = async (app, { file }) => {
  app.post('/api/feedback', async (req, reply) => {
    if (!file) return reply.code(404).send({ error: 'This server keeps no feedback (it was started without an index folder to keep it in).' });
    const parsed = Feedback.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return reply.code(400).send({ error: `Field "${issue.path.join('.') || '(body)'}": ${issue.message}. Send {"question","verdict":"up"|"down","citations":[…]}.` });
    }
    if (existsSync(file) && statSync(file).size > MAX_FEEDBACK_BYTES) {
      return reply.code(507).send({ error: `${file} has reached ${MAX_FEEDBACK_BYTES / 2 ** 20} MB; move it away (scripts/feedback-to-eval.ts reads it) to keep collecting.` });
    }
    const entry: FeedbackEntry = { time: new Date().toISOString(), ...parsed.data };
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
    return { saved: true };
  });
};
