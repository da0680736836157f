/**
 * Where the server listens, checked before anything slow (building the web app, indexing, loading the model)
 * so a port in use or a wrong --host is one line within a second, not a stack trace after a minute.
 */
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:net';
import { isLoopback } from './guard.js';

/** A listening problem the user fixes with a flag: the message says which. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/** The sentence for a failed listen, naming the flag (and variable) that fixes it. */
export function listenProblem(err: unknown, host: string, port: number): ListenError | null {
  const code = (err as { code?: string }).code;
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError(`port ${port} is already in use (by another program, or another cablechat). Choose a free one with --port <n> (or PORT=<n>).`);
    case 'EACCES':
    case 'EPERM':
      return new ListenError(`not allowed to listen on ${where}: ports below 1024 need special rights. Choose a port from 1024 up with --port <n> (or PORT=<n>).`);
    case 'EADDRNOTAVAIL':
      return new ListenError(
        `--host ${host} is not an address of this machine, so the server cannot listen on it. Use 127.0.0.1 (this machine only, the default) or 0.0.0.0 (every network interface).`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new ListenError(`--host ${host} is not a name this machine can resolve. Use an address, such as 127.0.0.1 (this machine only, the default) or 0.0.0.0 (every network interface).`);
    default:
      return null;
  }
}

/**
 * Resolves --host and binds it once (then lets go), so the real listen a few seconds later is expected to
 * work. Returns the addresses the name stands for.
 */
export async function checkListen(host: string, port: number): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((a) => a.address);
  } catch (err) {
    throw listenProblem(err, host, port) ?? err;
  }
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(listenProblem(err, host, port) ?? err));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
  return addresses;
}

/** One line for the log when the server can be reached from other machines, or null when it cannot. */
export function exposureNotice(host: string, addresses: string[]): string | null {
  if (addresses.length > 0 && addresses.every(isLoopback)) return null;
  const wildcard = addresses.some((a) => a === '0.0.0.0' || a === '::');
  return (
    `listening on ${host}${wildcard ? ' (every network interface)' : ''}: other machines can reach this chat and every cable in the index. ` +
    'Browsers that reach it by a name need --allow-host <name>; pages on other sites need --allow-origin <origin>. Use --host 127.0.0.1 to keep it to this machine.'
  );
}
