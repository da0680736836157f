/**
 * The bounds of one ask, in one place: the request schema of HTTP and the WebSocket (serve/protocol.ts), the
 * conversation's memory and the web chat all read them from here (docs/protocol.md gives them to clients).
 * No imports: the web chat bundles this file.
 */
export const ASK_LIMITS = {
  /** Characters in a question, and in each earlier question of a history. */
  questionChars: 2000,
  /**
   * Earlier questions an ask may carry, and that a conversation keeps. A follow-up is read with the turn
   * before it; the rest only tell which names the user has already seen.
   */
  historyItems: 20,
  /** Passages an ask may ask for, and how many it gets when it does not say. */
  maxK: 20,
  defaultK: 5,
} as const;
