/**
 * npm start [-- --port 3000 --host 127.0.0.1 --index index --cables data/cables --model auto
 *               --allow-host NAME --allow-origin ORIGIN]
 * Environment: PORT, HOST, CABLECHAT_INDEX, CABLECHAT_CABLES, CABLECHAT_MODEL, CABLECHAT_ALLOW_HOSTS,
 * CABLECHAT_ALLOW_ORIGINS (flags win).
 * First run: builds the web app (again whenever web/ changed) and indexes the cables folder (the bundled seed)
 * when there is no index.
 */
import { Command, CommanderError } from 'commander';
import { failUsage, parseArgs, wholeNumber } from './args.js';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasIndex, openCablechat } from '../cablechat.js';
import { buildIndex, removeCables } from '../index/index.js';
import { normalizeOrigin, splitHost } from '../serve/guard.js';
import { UploadQueue } from '../serve/uploads.js';
import { buildServer, SERVER_QUERY_THREADS } from '../serve/index.js';
import { checkListen, exposureNotice, ListenError, listenProblem } from '../serve/listen.js';
import { ensureWebApp } from '../serve/web-app.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const env = process.env;

/** Repeatable, comma-separated list option. */
const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

function hostName(value: string): string {
  if (splitHost(value) === null) throw new CommanderError(2, 'usage', `--allow-host (or CABLECHAT_ALLOW_HOSTS) takes a host name or address, optionally with :port (e.g. chat.example.org or 192.168.1.5:3000), got "${value}"`);
  return value;
}
function origin(value: string): string {
  if (normalizeOrigin(value) === null || value === 'null') {
    throw new CommanderError(2, 'usage', `--allow-origin (or CABLECHAT_ALLOW_ORIGINS) takes an origin, scheme://host[:port] with no path (e.g. https://chat.example.org), got "${value}"`);
  }
  return value;
}

const program = new Command('start')
  .description('Serve the cablechat web chat and API.')
  .option('--port <n>', 'port', wholeNumber('--port', 0, 65535), Number(env.PORT ?? 3000))
  .option('--host <host>', 'address to listen on (127.0.0.1: this machine only; 0.0.0.0: every network interface)', env.HOST ?? '127.0.0.1')
  .option('--index <dir>', 'index folder', env.CABLECHAT_INDEX ?? join(root, 'index'))
  .option('--cables <dir>', 'cables to index before serving: the bundled demo when the index does not exist yet; named, they are added to an existing index too (unchanged files cost nothing)', env.CABLECHAT_CABLES ?? join(root, 'data', 'cables'))
  .option('--model <model>', 'auto | use-lite | Hugging Face id | model folder', env.CABLECHAT_MODEL ?? 'auto')
  .option('--allow-host <name>', 'another name the server answers to, e.g. chat.example.org (repeatable, or comma-separated)', list)
  .option('--allow-origin <origin>', 'a site whose pages may use this server, e.g. https://chat.example.org (repeatable, or comma-separated)', list)
  .option('--allow-uploads', 'let browsers add cables to the index even when the server listens beyond this machine (on by default on loopback)')
  .option('--verbose', 'log every HTTP request');

parseArgs(program);
const opts = program.opts<{
  port: number;
  host: string;
  index: string;
  cables: string;
  model: string;
  allowHost?: string[];
  allowOrigin?: string[];
  allowUploads?: boolean;
  verbose?: boolean;
}>();
const port = opts.port;
const log = (l: string) => process.stderr.write(`${l}\n`);
function usage(message: string): never {
  log(`error: ${message}`);
  process.exit(2);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`PORT must be a whole number from 0 to 65535, got "${env.PORT}"`);

let allowedHosts: string[];
let allowedOrigins: string[];
try {
  allowedHosts = (opts.allowHost ?? list(env.CABLECHAT_ALLOW_HOSTS ?? '')).map(hostName);
  allowedOrigins = (opts.allowOrigin ?? list(env.CABLECHAT_ALLOW_ORIGINS ?? '')).map(origin);
} catch (err) {
  usage((err as Error).message);
}

try {
  const addresses = await checkListen(opts.host, port);
  const notice = exposureNotice(opts.host, addresses);
  if (notice) log(notice);
} catch (err) {
  if (err instanceof ListenError) usage(err.message);
  throw err;
}

const webRoot = await ensureWebApp(join(root, 'web'), log);

// Named cables (--cables or CABLECHAT_CABLES) are indexed even into an existing index, rather than ignored.
const cablesNamed = program.getOptionValueSource('cables') !== 'default' || env.CABLECHAT_CABLES !== undefined;
try {
  const exists = hasIndex(opts.index);
  if (!exists || cablesNamed) {
    log(exists ? `adding ${opts.cables} to the index in ${opts.index} (cables already indexed and unchanged are skipped)…` : `no index in ${opts.index}: indexing ${opts.cables} (first start)…`);
    const r = await buildIndex([opts.cables], { indexDir: opts.index, model: opts.model, log });
    log(`index holds ${r.indexed.cables} cable(s), ${r.indexed.paragraphs} paragraphs${r.unchanged ? ` (${r.unchanged} unchanged)` : ''}${r.rejected.length ? `; rejected: ${r.rejected.map((x) => `${x.file} (${x.reason})`).join('; ')}` : ''}`);
  }
  const chat = await openCablechat({ indexDir: opts.index, model: opts.model, log, queryThreads: SERVER_QUERY_THREADS });
  // Uploads write into the index: on when only this machine can reach the server, or when asked for.
  const loopbackOnly = ['127.0.0.1', 'localhost', '::1'].includes(opts.host);
  const uploadQueue =
    loopbackOnly || opts.allowUploads
      ? new UploadQueue(async (files, onProgress) => {
          const r = await buildIndex(files, { indexDir: opts.index, model: opts.model, log, onProgress: (p) => onProgress(p.paragraphsDone, p.paragraphsTotal) });
          return { cables: r.cables, paragraphs: r.paragraphs, rejected: r.rejected };
        }, join(opts.index, 'uploads'), async (refs) => removeCables(opts.index, refs, chat.stats().embedder))
      : null;
  const app = await buildServer({
    chat,
    webRoot,
    logger: { level: 'info' },
    logRequests: opts.verbose,
    allowedHosts,
    allowedOrigins,
    feedbackFile: join(opts.index, 'feedback.jsonl'),
    uploads: uploadQueue,
  });
  const shutdown = async (signal: string) => {
    log(`${signal}: closing connections…`);
    await app.close();
    await chat.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  let address: string;
  try {
    address = await app.listen({ port, host: opts.host });
  } catch (err) {
    // Taken between the check above and now: the same one line, not a stack.
    const problem = listenProblem(err, opts.host, port);
    if (problem) usage(problem.message);
    throw err;
  }
  const s = chat.stats();
  log(`model ${s.embedder.id}: ${s.ranking.note}`);
  log(`cablechat is serving ${s.cables} cable(s), ${s.paragraphs} paragraphs at ${address.replace('127.0.0.1', 'localhost')}`);
} catch (err) {
  failUsage(err, log, { indexDir: opts.index });
}
