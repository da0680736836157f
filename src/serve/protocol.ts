/**
 * The ask request, one schema for the socket and POST /api/ask (docs/protocol.md), so both accept and refuse
 * exactly the same things and say so in the same words. Its bounds are the ask's own (answer/limits.ts).
 */
import { z } from 'zod';
import { ASK_LIMITS } from '../answer/limits.js';
import type { Filters } from '../domain.js';

export const PROTOCOL_VERSION = 1;

export const MAX_ID_CHARS = 100;
export const MAX_QUESTION_CHARS = ASK_LIMITS.questionChars;
export const MAX_HISTORY_ITEMS = ASK_LIMITS.historyItems;
export const MAX_K = ASK_LIMITS.maxK;
/**
 * Longest reference id the viewer route and the `cable` filter take. The parser's reference pattern has
 * no length of its own; real ids are about 20 characters, file names stop at 255 bytes.
 */
export const MAX_REF_CHARS = 1000;

const FILTER_MAX_CHARS = { origin: 200, after: 10, before: 10, classification: 100, tag: 50, cable: MAX_REF_CHARS } as const;
const FILTER_NAMES = Object.keys(FILTER_MAX_CHARS) as (keyof typeof FILTER_MAX_CHARS)[];

/**
 * Largest valid ask, as JSON: every string at its limit and every character at its longest JSON form
 * (a control character is escaped as \u0000, 6 bytes), plus room for keys and punctuation. A frame or body
 * this size is always accepted; test/serve/protocol-abuse.test.ts builds that worst case and sends it.
 */
const WORST_CASE_ASK_BYTES =
  6 * (MAX_ID_CHARS + MAX_QUESTION_CHARS * (1 + MAX_HISTORY_ITEMS) + Object.values(FILTER_MAX_CHARS).reduce((a, b) => a + b, 0)) + 1024;
/** Frames (and POST /api/ask bodies) up to this size are read; larger ones get `too_large` (HTTP 413). */
export const MAX_FRAME_BYTES = Math.ceil(WORST_CASE_ASK_BYTES / 1024) * 1024;
/**
 * Frames above this are not even buffered: the WebSocket library closes the connection (code 1009). Between
 * the two limits the frame is read and refused with `too_large`, and the socket stays open.
 */
export const HARD_FRAME_BYTES = 2 * MAX_FRAME_BYTES;

const filterFields = Object.fromEntries(
  FILTER_NAMES.map((name) => [name, z.string().max(FILTER_MAX_CHARS[name]).optional()]),
) as { [K in keyof typeof FILTER_MAX_CHARS]: z.ZodOptional<z.ZodString> };

/** What an ask carries, over either transport. Objects are strict: an unknown field is refused, not ignored. */
const askFields = {
  question: z.string().max(MAX_QUESTION_CHARS).refine((q) => q.trim() !== ''),
  k: z.number().int().min(1).max(MAX_K).optional(),
  filters: z.strictObject(filterFields).optional(),
  history: z.array(z.string().max(MAX_QUESTION_CHARS)).max(MAX_HISTORY_ITEMS).optional(),
};

export const httpAskSchema = z.strictObject(askFields);
export const socketAskSchema = z.strictObject({ type: z.literal('ask'), id: z.string().min(1).max(MAX_ID_CHARS), ...askFields });

export type AskBody = { question: string; k?: number; filters?: Filters; history?: string[] };
export type SocketAsk = AskBody & { type: 'ask'; id: string };

const RULES: Record<string, string> = {
  id: `Field "id" must be a string of 1 to ${MAX_ID_CHARS} characters.`,
  question: `Field "question" must be a non-empty string of at most ${MAX_QUESTION_CHARS} characters.`,
  k: `Field "k" must be a whole number from 1 to ${MAX_K}.`,
  history: `Field "history" must be an array of at most ${MAX_HISTORY_ITEMS} earlier questions (strings up to ${MAX_QUESTION_CHARS} characters).`,
  filters: `Field "filters" must be an object whose fields (${FILTER_NAMES.join(', ')}) are strings.`,
};

/** The first thing wrong with an ask, in words a client developer can act on. */
function describe(error: z.ZodError, fields: string[]): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'The ask is not valid.';
  const [field, sub] = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return field === 'filters'
      ? `Unknown filter ${keys}; known filters: ${FILTER_NAMES.join(', ')}.`
      : `Unknown field ${keys}; an ask has the fields ${fields.join(', ')}.`;
  }
  if (field === 'filters' && sub !== undefined) {
    return `Filter "${sub}" must be a string of at most ${FILTER_MAX_CHARS[sub as keyof typeof FILTER_MAX_CHARS]} characters.`;
  }
  if (field === 'question' && issue.code === 'too_big') return `Field "question" is longer than ${MAX_QUESTION_CHARS} characters; shorten it.`;
  if (field === undefined) return 'An ask must be a JSON object.';
  return RULES[field] ?? `Field "${field}" is not valid.`;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

export function checkHttpAsk(body: unknown): Checked<AskBody> {
  const r = httpAskSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, problem: describe(r.error, Object.keys(askFields)) };
}

export function checkSocketAsk(msg: unknown): Checked<SocketAsk> {
  const r = socketAskSchema.safeParse(msg);
  return r.success ? { ok: true, value: r.data } : { ok: false, problem: describe(r.error, ['type', 'id', ...Object.keys(askFields)]) };
}

/** A request id worth echoing in an error: the client's own, when it is a valid one; otherwise null. */
export function echoId(msg: unknown): string | null {
  const id = typeof msg === 'object' && msg !== null ? (msg as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length >= 1 && id.length <= MAX_ID_CHARS ? id : null;
}
