/**
 * Who may talk to the server, checked before any route (and before a WebSocket upgrade), plus the security
 * headers every response carries.
 *
 * - Host: a page on evil.example whose name is re-pointed at 127.0.0.1 (DNS rebinding) is same-origin with
 *   this server as far as the browser knows; only the Host header still says evil.example. So only names this
 *   server is known by are answered: loopback names, the address it listens on (every interface address when
 *   it listens on all of them), the address the connection arrived at, and names given with --allow-host.
 * - Origin: a page on another site may open ws://127.0.0.1:PORT/ws (browsers allow cross-site WebSockets)
 *   and read every cable. A browser always says which page is asking, so a request whose Origin is neither
 *   this server itself (the Host it asked for) nor an origin given with --allow-origin is refused. Clients
 *   that are not browsers (the CLI, scripts) send no Origin and are let through.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface GuardOptions {
  /** Extra names (or name:port) the server answers to, from --allow-host. */
  allowedHosts?: string[];
  /** Extra origins (scheme://host[:port]) whose pages may use the server, from --allow-origin. */
  allowedOrigins?: string[];
}

/** Every response: no inline script or style, no framing, no plugins, no MIME sniffing, no referrer. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** "Example.ORG:3000" → { name: "example.org", port: "3000" }; "[::1]:80" → { name: "::1", port: "80" }. */
export function splitHost(host: string): { name: string; port: string | null } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return null;
  return { name: (m[1] ?? m[2] ?? '').toLowerCase().replace(/\.$/, ''), port: m[3] ?? null };
}

/** "::ffff:192.168.1.5" → "192.168.1.5": an IPv4 client of a server listening on "::". */
function plainAddress(address: string): string {
  return address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

export function isLoopback(address: string): boolean {
  const a = plainAddress(address);
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a) || a === 'localhost';
}

/** scheme://host[:port] in the form browsers send in Origin, or null when `value` is not one. */
export function normalizeOrigin(value: string): string | null {
  if (value === 'null') return 'null';
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (u.pathname !== '/' || u.search || u.hash || u.username || u.password) return null;
    return u.origin;
  } catch {
    return null;
  }
}

function short(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

/** Adds the checks and headers to `app` itself (not an encapsulated child), so they cover every route. */
export function installGuard(app: FastifyInstance, opts: GuardOptions = {}): void {
  const extraHosts = (opts.allowedHosts ?? []).map((h) => splitHost(h)).filter((h): h is NonNullable<typeof h> => h !== null);
  const extraOrigins = new Set((opts.allowedOrigins ?? []).map((o) => normalizeOrigin(o)).filter((o): o is string => o !== null));

  /** Whether `address` is one this server is reachable at, given what it listens on. */
  function isOwnAddress(req: FastifyRequest, address: string): boolean {
    if (LOOPBACK_NAMES.includes(address)) return true;
    const local = req.socket?.localAddress;
    if (local && plainAddress(withoutZone(local)) === address) return true;
    const bound = app.server.address();
    if (bound === null || typeof bound !== 'object') return false;
    if (!isWildcard(bound.address)) return plainAddress(bound.address) === address;
    return Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => plainAddress(withoutZone(i.address)) === address));
  }

  function hostAllowed(req: FastifyRequest, host: string): boolean {
    const h = splitHost(host);
    if (h === null) return false;
    if (extraHosts.some((x) => x.name === h.name && (x.port === null || x.port === (h.port ?? '80')))) return true;
    // A name that is not an address could be anyone's: only loopback names and listed names pass.
    if (!isIP(h.name) && h.name !== 'localhost') return false;
    return isOwnAddress(req, plainAddress(h.name));
  }

  function refuse(reply: FastifyReply, status: number, error: string) {
    return reply.code(status).header('connection', 'close').send({ error });
  }

  app.addHook('onRequest', async (req, reply) => {
    const host = req.headers.host;
    // HTTP/1.0 clients may omit Host; browsers never do, so there is nothing for a rebinding page to abuse.
    if (host !== undefined && !hostAllowed(req, host)) {
      const name = splitHost(host)?.name ?? host;
      return refuse(
        reply,
        421,
        `This server does not answer to the name ${short(host)}. If that is how you reach it, start it with --allow-host ${name} (or CABLECHAT_ALLOW_HOSTS=${name}).`,
      );
    }
    const origin = req.headers.origin;
    if (origin === undefined) return;
    const normalized = normalizeOrigin(origin);
    const sameOrigin = normalized !== null && normalized !== 'null' && host !== undefined && hostOf(normalized) === hostOf(`http://${host}`);
    if (sameOrigin || (normalized !== null && extraOrigins.has(normalized))) return;
    return refuse(
      reply,
      403,
      `Pages from ${short(origin)} may not use this server: it only serves its own pages. If that site is yours, start the server with --allow-origin ${normalized ?? origin} (or CABLECHAT_ALLOW_ORIGINS).`,
    );
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });
}

function withoutZone(address: string): string {
  return address.replace(/%.*$/, '');
}

/** host[:port] of a URL, default port dropped, so "http://a:80" and "http://a" compare equal. */
function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
