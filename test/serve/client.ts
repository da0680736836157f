/** A test client for the chat socket that collects every message, so tests can wait for one and check order. */
import WebSocket from 'ws';

export interface Client {
  ws: WebSocket;
  messages: any[];
  next: (pred: (m: any) => boolean, waitMs?: number) => Promise<any>;
  send: (o: unknown) => void;
  closed: Promise<{ code: number; reason: string }>;
}

export async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const ws = new WebSocket(url, { headers });
  const messages: any[] = [];
  const waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  ws.on('message', (d, isBinary) => {
    const m = isBinary ? { type: '(binary)' } : JSON.parse(d.toString());
    messages.push(m);
    for (const w of waiters.splice(0)) (w.pred(m) ? w.resolve(m) : waiters.push(w));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (pred: (m: any) => boolean, waitMs = 20_000) =>
    new Promise<any>((resolve, reject) => {
      const found = messages.find(pred);
      if (found) return resolve(found);
      waiters.push({ pred, resolve });
      setTimeout(() => reject(new Error(`no such message; got ${JSON.stringify(messages.map((m) => m.type))}`)), waitMs).unref();
    });
  return { ws, messages, next, send: (o: unknown) => ws.send(typeof o === 'string' || Buffer.isBuffer(o) ? o : JSON.stringify(o)), closed };
}

/** The error a WebSocket handshake was refused with: status and body, or null when it opened. */
export function refusal(url: string, headers: Record<string, string>): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(null);
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => reject(err));
  });
}
