/** Shapes shared by the socket and POST /api/ask (docs/protocol.md). */
export const PROTOCOL_VERSION = 1;

export const filtersSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    origin: { type: 'string', maxLength: 200 },
    after: { type: 'string', maxLength: 10 },
    before: { type: 'string', maxLength: 10 },
    classification: { type: 'string', maxLength: 100 },
    tag: { type: 'string', maxLength: 50 },
    cable: { type: 'string', maxLength: 50 },
  },
} as const;

/** Validation of an "ask" frame; returns what is wrong in words a client developer can act on, or null. */
export function checkAsk(msg: object): string | null {
  const m = msg as Record<string, unknown>;
  if (typeof m.id !== 'string' || m.id.length < 1 || m.id.length > 100) return 'Field "id" must be a string of 1 to 100 characters.';
  if (typeof m.question !== 'string' || !m.question.trim()) return 'Field "question" must be a non-empty string.';
  if (m.question.length > 2000) return 'Field "question" is longer than 2000 characters.';
  if (m.k !== undefined && (typeof m.k !== 'number' || !Number.isInteger(m.k) || m.k < 1 || m.k > 20)) return 'Field "k" must be a whole number from 1 to 20.';
  if (m.history !== undefined && (!Array.isArray(m.history) || m.history.length > 20 || m.history.some((h) => typeof h !== 'string' || h.length > 2000))) {
    return 'Field "history" must be an array of at most 20 earlier questions (strings up to 2000 characters).';
  }
  if (m.filters !== undefined) {
    if (typeof m.filters !== 'object' || m.filters === null || Array.isArray(m.filters)) return 'Field "filters" must be an object.';
    for (const [key, value] of Object.entries(m.filters)) {
      if (!(key in filtersSchema.properties)) return `Unknown filter "${key}"; known: ${Object.keys(filtersSchema.properties).join(', ')}.`;
      if (typeof value !== 'string') return `Filter "${key}" must be a string.`;
    }
  }
  return null;
}
