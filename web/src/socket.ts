import { parseServerMessage, type ClientMessage, type HelloMessage, type ServerMessage } from './protocol.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface SocketHandlers {
  onMessage(message: ServerMessage): void;
  /** `retryAt` is the epoch ms of the next attempt while closed. */
  onState(state: ConnectionState, retryAt: number | null): void;
  /** Fired once per connection, after the server's hello, when it is safe to send. */
  onReady(hello: HelloMessage, reconnected: boolean): void;
  /** Fired when an open connection drops: requests in flight on it will never be answered. */
  onLost(): void;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
const HELLO_TIMEOUT_MS = 10_000;

/**
 * One WebSocket that comes back after the server restarts. Backoff doubles per failed attempt and
 * resets only after a hello, so a server that accepts and immediately drops us is not hammered.
 */
export class ReconnectingSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: number | undefined;
  private everReady = false;
  private ready = false;
  state: ConnectionState = 'connecting';

  constructor(
    private readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {}

  start(): void {
    // The browser knows about network changes before our backoff does.
    window.addEventListener('online', () => this.retryNow());
    this.connect();
  }

  /** True when the frame was handed to an open, greeted socket. */
  send(message: ClientMessage): boolean {
    if (!this.ready || this.ws === null || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  get isReady(): boolean {
    return this.ready;
  }

  retryNow(): void {
    if (this.state !== 'closed') return;
    window.clearTimeout(this.timer);
    this.connect();
  }

  private connect(): void {
    this.setState('connecting', null);
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    // A socket that opens but never greets (a proxy page, an old server) would otherwise hang in 'connecting'.
    const helloTimer = window.setTimeout(() => {
      if (ws === this.ws && !this.ready) ws.close();
    }, HELLO_TIMEOUT_MS);
    ws.addEventListener('message', (event) => {
      if (ws !== this.ws) return;
      const message = parseServerMessage(event.data);
      if (message === null) return;
      if (message.type === 'hello') {
        window.clearTimeout(helloTimer);
        this.attempt = 0;
        this.ready = true;
        this.setState('open', null);
        const reconnected = this.everReady;
        this.everReady = true;
        this.handlers.onReady(message, reconnected);
        return;
      }
      this.handlers.onMessage(message);
    });
    ws.addEventListener('close', () => {
      window.clearTimeout(helloTimer);
      if (ws !== this.ws) return;
      this.ws = null;
      const wasReady = this.ready;
      this.ready = false;
      if (wasReady) this.handlers.onLost();
      this.scheduleRetry();
    });
    // 'error' is always followed by 'close'; retrying is handled there.
  }

  private scheduleRetry(): void {
    const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    // Jitter spreads out many tabs reconnecting to a restarted server at once.
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.connect(), delay);
    this.setState('closed', Date.now() + delay);
  }

  private setState(state: ConnectionState, retryAt: number | null): void {
    this.state = state;
    this.handlers.onState(state, retryAt);
  }
}
