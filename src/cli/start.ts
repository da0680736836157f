/**
 * npm start [-- --port 3000 --host 127.0.0.1 --index index --cables data/cables --model auto]
 * Environment: PORT, HOST, CABLECHAT_INDEX, CABLECHAT_CABLES, CABLECHAT_MODEL (flags win).
 * First run: builds the web app (again whenever web/ changed) and indexes the cables folder (the bundled seed)
 * when there is no index.
 */
import { Command } from 'commander';
import { failUsage, parseArgs, wholeNumber } from './args.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCablechat } from '../cablechat.js';
import { buildIndex } from '../index/index.js';
import { buildServer, SERVER_QUERY_THREADS } from '../serve/index.js';
import { ensureWebApp } from '../serve/web-app.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const env = process.env;
const program = new Command('start')
  .description('Serve the cablechat web chat and API.')
  .option('--port <n>', 'port', wholeNumber('--port', 0, 65535), Number(env.PORT ?? 3000))
  .option('--host <host>', 'address to listen on', env.HOST ?? '127.0.0.1')
  .option('--index <dir>', 'index folder', env.CABLECHAT_INDEX ?? join(root, 'index'))
  .option('--cables <dir>', 'cables to index when the index does not exist yet', env.CABLECHAT_CABLES ?? join(root, 'data', 'cables'))
  .option('--model <model>', 'auto | use-lite | Hugging Face id | model folder', env.CABLECHAT_MODEL ?? 'auto')
  .option('--verbose', 'log every HTTP request');

parseArgs(program);
const opts = program.opts<{ port: number; host: string; index: string; cables: string; model: string; verbose?: boolean }>();
const port = opts.port;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`error: PORT must be a whole number from 0 to 65535, got "${env.PORT}"\n`);
  process.exit(2);
}
const log = (l: string) => process.stderr.write(`${l}\n`);

const webRoot = await ensureWebApp(join(root, 'web'), log);

try {
  if (!existsSync(join(opts.index, 'cables.db'))) {
    log(`no index in ${opts.index}: indexing ${opts.cables} (first start)…`);
    const r = await buildIndex([opts.cables], { indexDir: opts.index, model: opts.model, log });
    log(`indexed ${r.indexed.cables} cable(s), ${r.indexed.paragraphs} paragraphs${r.rejected.length ? `; rejected: ${r.rejected.map((x) => `${x.file} (${x.reason})`).join('; ')}` : ''}`);
  }
  const chat = await openCablechat({ indexDir: opts.index, model: opts.model, log, queryThreads: SERVER_QUERY_THREADS });
  const app = await buildServer({ chat, webRoot, logger: { level: 'info' }, logRequests: opts.verbose });
  const shutdown = async (signal: string) => {
    log(`${signal}: closing connections…`);
    await app.close();
    await chat.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const address = await app.listen({ port, host: opts.host });
  const s = chat.store.stats();
  log(`cablechat is serving ${s.cables} cable(s), ${s.paragraphs} paragraphs at ${address.replace('127.0.0.1', 'localhost')}`);
} catch (err) {
  failUsage(err, log);
}
