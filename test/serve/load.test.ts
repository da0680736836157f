/**
 * Load, as a test rather than a benchmark: rounds of 5,000 asks over 64 sockets against a server in its own
 * process (real index, retrieval, reranker and server; the hash embedder stands in for the model so a
 * round takes seconds). No errors, no leak (resident memory once idle stays within 10 % of its level after
 * a warm-up round), and no starved client (p95 ≤ 4 × p50 within the run). Numbers are printed for the docs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SEED_DIR } from '../support/seed-index.js';

const SOCKETS = 64;
const ASKS_PER_ROUND = 5000;
const ROUNDS = 3;
/** Enough for every code path, buffer pool and JIT tier to be in place before the baseline is taken. */
const WARM_UP_ASKS = 2000;
const QUESTIONS = [
  'How many children can the Poipet Transit Center house?',
  'How many migrants did Thailand return in January 2009?',
  'What sentence did the recruiter convicted in 2005 get?',
  "Who funded IOM's work in Svay Rieng?",
  'How many brothels did Oum Sath suspect?',
  'What did the Icelandic parliament decide about the Icesave deposit guarantees?',
  'What did the police say about trafficking trends at Poipet?',
  'How many of the returned migrants were children?',
];

let server: ChildProcess;
let port: number;

function fromServer<T>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== type) return;
      server.off('message', on);
      resolve(m as T);
    };
    server.on('message', on);
  });
}

beforeAll(async () => {
  server = fork(join(import.meta.dirname, 'load-server.ts'), [SEED_DIR], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  port = (await fromServer<{ port: number }>('listening')).port;
});
afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.send({ type: 'stop' });
  await exited;
});

async function serverRss(): Promise<number> {
  const reply = fromServer<{ rss: number }>('rss');
  server.send({ type: 'rss' });
  return (await reply).rss;
}

/** One round: `total` asks spread over the sockets, each socket asking again as soon as it is answered. */
async function round(sockets: WebSocket[], total: number): Promise<{ latencies: number[]; errors: string[] }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let sent = 0;
  await Promise.all(
    sockets.map(
      (ws, s) =>
        new Promise<void>((resolve) => {
          let t0 = 0;
          const next = () => {
            if (sent >= total) {
              ws.off('message', onMessage);
              return resolve();
            }
            const n = sent++;
            t0 = performance.now();
            ws.send(JSON.stringify({ type: 'ask', id: `${s}-${n}`, question: QUESTIONS[n % QUESTIONS.length], k: 5 }));
          };
          const onMessage = (data: WebSocket.RawData) => {
            const text = data.toString();
            // Passages are repeated in `done`; only the end of each answer matters here.
            if (text.startsWith('{"type":"done"')) {
              latencies.push(performance.now() - t0);
              next();
            } else if (text.startsWith('{"type":"error"')) {
              errors.push(text.slice(0, 300));
              next();
            }
          };
          ws.on('message', onMessage);
          next();
        }),
    ),
  );
  return { latencies, errors };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

describe('load', () => {
  it(`${ROUNDS} rounds of ${ASKS_PER_ROUND} asks over ${SOCKETS} sockets: no errors, no leak, no starved client`, async () => {
    const open = () =>
      Promise.all(
        Array.from({ length: SOCKETS }, () => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
          return new Promise<WebSocket>((resolve, reject) => {
            ws.once('message', () => resolve(ws));
            ws.once('error', reject);
          });
        }),
      );
    const sockets = await open();
    const warm = await round(sockets, WARM_UP_ASKS);
    expect(warm.errors).toEqual([]);
    const baseline = await serverRss();
    const all: number[] = [];
    const report: string[] = [`warm-up: RSS ${(baseline / 2 ** 20).toFixed(1)} MiB`];
    for (let r = 1; r <= ROUNDS; r++) {
      const t0 = performance.now();
      const { latencies, errors } = await round(sockets, ASKS_PER_ROUND);
      const seconds = (performance.now() - t0) / 1000;
      expect(errors).toEqual([]);
      expect(latencies).toHaveLength(ASKS_PER_ROUND);
      const rss = await serverRss();
      const sorted = [...latencies].sort((a, b) => a - b);
      all.push(...latencies);
      report.push(
        `round ${r}: ${ASKS_PER_ROUND} asks in ${seconds.toFixed(1)} s, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, ` +
          `p95 ${percentile(sorted, 0.95).toFixed(1)} ms, idle RSS ${(rss / 2 ** 20).toFixed(1)} MiB (${(((rss - baseline) / baseline) * 100).toFixed(1)} %)`,
      );
      expect(Math.abs(rss - baseline) / baseline, report.join('\n')).toBeLessThanOrEqual(0.1);
    }
    const sorted = all.sort((a, b) => a - b);
    const p50 = percentile(sorted, 0.5);
    const p95 = percentile(sorted, 0.95);
    report.push(`all rounds: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    process.stdout.write(`${report.join('\n')}\n`);
    expect(p95, report.join('\n')).toBeLessThanOrEqual(4 * p50);
    for (const ws of sockets) ws.close();
  }, 180_000);
});
