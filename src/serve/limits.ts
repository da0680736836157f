/**
 * Bounds on the work a server takes on (docs/protocol.md, "Limits"). Without them one client can queue
 * thousands of questions, keep the server answering after it has gone, or make the server hold every
 * answer it will not read; with them the excess is refused at once with `busy` and other users are served.
 */
export interface Limits {
  /** Questions one socket may have waiting or being answered. */
  perSocket: number;
  /** Questions waiting or being answered across every socket and POST /api/ask. */
  global: number;
  /** Bytes waiting to be sent to a socket above which its questions wait and new ones get `busy`. */
  softBufferedBytes: number;
  /** Bytes waiting to be sent above which the client is not reading at all: its socket is closed (1008). */
  hardBufferedBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  // Enough for a user who types ahead (a follow-up while the first answer streams), far below a flood.
  perSocket: 8,
  // About two seconds of work for the real model on two cores (README, Performance): a full queue still
  // answers within the time limit.
  global: 64,
  // A k=20 answer is about 60 KB of JSON: a megabyte is many answers nobody has read yet.
  softBufferedBytes: 1024 * 1024,
  // Only refusals are written above the soft bound, so reaching this takes tens of thousands of unread ones.
  hardBufferedBytes: 8 * 1024 * 1024,
};

/** Seconds a refused HTTP client is told to wait (Retry-After). */
export const RETRY_AFTER_SECONDS = 1;

/** Slots for questions server-wide; every accepted question holds one until it is answered or dropped. */
export class WorkGate {
  private used = 0;
  constructor(readonly size: number) {}

  tryAcquire(): boolean {
    if (this.used >= this.size) return false;
    this.used += 1;
    return true;
  }

  release(): void {
    this.used = Math.max(0, this.used - 1);
  }

  get inUse(): number {
    return this.used;
  }
}

export const busyMessages = {
  socket: (n: number) =>
    `Too many questions at once on this connection (at most ${n} waiting or being answered). Wait for an answer before asking more.`,
  global: () => 'The server is busy answering other questions. Try again in a moment.',
  unread: () => 'This connection has not read the answers already sent. Read them before asking more.',
};
