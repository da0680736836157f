/**
 * npm run bench [-- --quick] [--corpus DIR] [--out FILE]
 * npm run bench -- --scale [--sizes 15000,150000,1500000]   (how cost grows with the archive: bench/scale.ts)
 * Measures, in one run, the ingest and query performance the README reports against its goals; prints a table and writes JSON.
 * Not part of npm test: timings on a shared 2-core machine are noisy, so results are ratios and medians
 * from one run, never assertions.
 */
import { Command } from 'commander';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { openCablechat } from '../src/cablechat.js';
import { chunkCable, SEGMENT_WORDS } from '../src/chunk/index.js';
import { loadEmbedder, USE_LITE_ID } from '../src/embed/index.js';
import { loadQa } from '../src/eval/index.js';
import { buildIndex } from '../src/index/index.js';
import { parseCableFile } from '../src/parse/index.js';
import { buildServer, SERVER_QUERY_THREADS } from '../src/serve/index.js';

if (process.argv.includes('--scale')) {
  await import('./scale.js');
  process.exit(0);
}

const root = resolve(import.meta.dirname, '..');
const program = new Command('bench')
  .option('--quick', 'a few dozen cables, for development (under two minutes)')
  .option('--corpus <dir>', 'cables to index', resolve(root, '..', 'shared', 'corpus', 'cablegate-2010'))
  .option('--out <file>', 'JSON results file')
  .parse();
const opts = program.opts<{ quick?: boolean; corpus: string; out?: string }>();
const quick = !!opts.quick;
const log = (l: string) => process.stderr.write(`${l}\n`);
const spec = { model: USE_LITE_ID, cacheDir: tmpdir(), allowRemote: false };
const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};
const r1 = (x: number) => Number(x.toFixed(1));
const r3 = (x: number) => Number(x.toFixed(3));

// Evenly spaced files: a fixed, reproducible sample that spans the years and posts of the corpus.
const allFiles = readdirSync(opts.corpus).filter((f) => f.endsWith('.txt')).sort();
const pick = (n: number) => allFiles.filter((_, i) => i % Math.max(1, Math.floor(allFiles.length / n)) === 0).slice(0, n);
const corpusFiles = (quick ? pick(40) : allFiles).map((f) => join(opts.corpus, f));

// ---- 1. embedding limit: the bare embedder, one core, on a fixed sample's segments --------------------
log('1/6 embedding limit (one core)…');
const embedder = await loadEmbedder(spec);
// A seeded random sample of the paragraphs that the ingest below will embed, so both runs see the same
// mix of lengths (the model's cost per word grows with length).
const allParagraphs: string[][] = [];
for (const f of corpusFiles) {
  const cable = await parseCableFile(f).catch(() => null);
  if (!cable) continue;
  for (const c of chunkCable(cable, { segmentWords: Math.min(SEGMENT_WORDS, embedder.maxWords) })) allParagraphs.push(c.segments.map((s) => c.paragraph.text.slice(s.start, s.end)));
}
let seed = 12345;
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const sample = [...allParagraphs].sort(() => rnd() - 0.5).slice(0, quick ? 150 : 600);
// The same batching ingest uses (length-sorted batches of 32), on one core: the best one model can do.
const units = sample.flat().sort((a, b) => a.length - b.length);
await embedder.embed(units.slice(0, 8)); // warm-up: the first call compiles kernels
let t = performance.now();
for (let i = 0; i < units.length; i += 32) await embedder.embed(units.slice(i, i + 32));
const limitSeconds = (performance.now() - t) / 1000;
const limit = sample.length / limitSeconds;
log(`   ${r1(limit)} paragraphs/s (${sample.length} paragraphs, ${units.length} segments)`);

// ---- 2. full ingest with every core ---------------------------------------------------------------------
log(`2/6 full ingest of ${corpusFiles.length} cables on ${availableParallelism()} cores…`);
const indexDir = mkdtempSync(join(tmpdir(), 'cablechat-bench-'));
const ingest = await buildIndex(corpusFiles, { indexDir, model: USE_LITE_ID, log: () => {} });
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const ingestRate = ingest.paragraphs / ingest.seconds;
log(`   ${ingest.paragraphs} paragraphs in ${r1(ingest.seconds)} s = ${r1(ingestRate)} paragraphs/s; ${ingest.rejected.length} rejected`);

// ---- 3. re-ingest unchanged --------------------------------------------------------------------------
log('3/6 re-ingest unchanged…');
const again = await buildIndex(corpusFiles, { indexDir, model: USE_LITE_ID, log: () => {} });
log(`   ${r1(again.seconds)} s, ${again.embedded} embeddings`);

// ---- 4. query latency, warm, in process ---------------------------------------------------------------
log('4/6 query latency in process…');
const questions = [...loadQa(join(root, 'eval', 'dev.jsonl')), ...loadQa(join(root, 'eval', 'seed.jsonl'))].map((q) => q.question);
const N = Math.max(200, questions.length);
const qs = Array.from({ length: N }, (_, i) => questions[i % questions.length]!);
// As `npm start` runs it: query embedding in worker threads, overlapping the lexical work.
const chat = await openCablechat({ indexDir, queryThreads: SERVER_QUERY_THREADS });
const rssIndexMb = await indexMemory(indexDir);
for (const q of qs.slice(0, 10)) await chat.ask({ question: q });
const bare: number[] = [];
const inproc: number[] = [];
for (const q of qs) {
  t = performance.now();
  await embedder.embed([q]);
  bare.push(performance.now() - t);
  t = performance.now();
  await chat.ask({ question: q });
  inproc.push(performance.now() - t);
}
log(`   p50 ${r1(pct(inproc, 0.5))} ms vs bare query embedding p50 ${r1(pct(bare, 0.5))} ms`);

// ---- 5. over the WebSocket: one client, then 64 at once -------------------------------------------------
log('5/6 WebSocket latency and load…');
const app = await buildServer({ chat });
const url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws') + '/ws';
const client = async () => {
  const ws = new WebSocket(url);
  await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
  const pending = new Map<string, (m: { type: string }) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if ((m.type === 'done' || m.type === 'error') && pending.has(m.id)) pending.get(m.id)!(m), pending.delete(m.id);
  });
  let n = 0;
  return {
    ask: (question: string) =>
      new Promise<{ ms: number; ok: boolean }>((res) => {
        const id = `q${n++}`;
        const t0 = performance.now();
        pending.set(id, (m) => res({ ms: performance.now() - t0, ok: m.type === 'done' }));
        ws.send(JSON.stringify({ type: 'ask', id, question }));
      }),
    close: () => ws.close(),
  };
};
const one = await client();
const wsLat: number[] = [];
for (const q of qs) wsLat.push((await one.ask(q)).ms);
one.close();
const clients = await Promise.all(Array.from({ length: 64 }, client));
const loadLat: number[] = [];
let errors = 0;
t = performance.now();
await Promise.all(
  clients.map(async (c, ci) => {
    for (let i = 0; i < 10; i++) {
      const r = await c.ask(qs[(ci * 10 + i) % qs.length]!);
      if (!r.ok) errors++;
      loadLat.push(r.ms);
    }
  }),
);
const loadSeconds = (performance.now() - t) / 1000;
for (const c of clients) c.close();
await app.close();
log(`   one client p50 ${r1(pct(wsLat, 0.5))} ms; 64 clients: ${errors} errors, ${r1(640 / loadSeconds)} answers/s`);

// ---- 6. results ---------------------------------------------------------------------------------------
const stats = chat.stats();
await chat.close();
await embedder.close();
rmSync(indexDir, { recursive: true, force: true });
const results = {
  date: new Date().toISOString(),
  quick,
  machine: { cores: availableParallelism(), node: process.version },
  query_threads: SERVER_QUERY_THREADS,
  model: USE_LITE_ID,
  corpus: { cables: corpusFiles.length, indexed: stats.cables, paragraphs: stats.paragraphs, segments: stats.segments, rejected: ingest.rejected.length },
  embedding_limit: { paragraphs_per_s: r1(limit), sample_paragraphs: sample.length, sample_segments: units.length, method: 'bare model, this thread, length-sorted batches of 32 (as ingest batches)' },
  ingest: {
    seconds: r1(ingest.seconds),
    paragraphs_per_s: r1(ingestRate),
    ratio_to_limit: r3(ingestRate / limit),
    not_embedding_share: r3(1 - ingest.embedSeconds / ingest.seconds),
    peak_rss_mb: Math.round(peakRssMb),
  },
  reingest_unchanged: { seconds: r1(again.seconds), embeddings: again.embedded },
  query_in_process_ms: { p50: r1(pct(inproc, 0.5)), p95: r1(pct(inproc, 0.95)), n: inproc.length },
  bare_query_embedding_ms: { p50: r1(pct(bare, 0.5)), p95: r1(pct(bare, 0.95)) },
  ratio_p50_to_bare_embedding: r3(pct(inproc, 0.5) / pct(bare, 0.5)),
  query_websocket_ms: { p50: r1(pct(wsLat, 0.5)), p95: r1(pct(wsLat, 0.95)), n: wsLat.length },
  load_64x10: { errors, p50_ms: r1(pct(loadLat, 0.5)), p95_ms: r1(pct(loadLat, 0.95)), answers_per_s: r1(640 / loadSeconds) },
  memory: { index_rss_mb: r1(rssIndexMb), rss_mb_per_10k_paragraphs: r1((rssIndexMb / Math.max(1, stats.paragraphs)) * 10_000) },
};
const out = opts.out ?? join(root, 'bench', 'results', quick ? 'quick.json' : 'full.json');
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
const rows: [string, string, string][] = [
  ['embedding limit (1 core, bare)', `${results.embedding_limit.paragraphs_per_s} paragraphs/s`, ''],
  ['full ingest', `${results.ingest.paragraphs_per_s} paragraphs/s (${results.ingest.seconds} s)`, ''],
  ['  ratio to 1-core limit', String(results.ingest.ratio_to_limit), '≥ 1.8'],
  ['  wall time not embedding', `${(results.ingest.not_embedding_share * 100).toFixed(1)} %`, '≤ 5 %'],
  ['  peak RSS', `${results.ingest.peak_rss_mb} MB`, ''],
  ['re-ingest unchanged', `${results.reingest_unchanged.seconds} s, ${results.reingest_unchanged.embeddings} embeddings`, '≤ 5 s, 0'],
  ['query in process p50/p95', `${results.query_in_process_ms.p50} / ${results.query_in_process_ms.p95} ms`, ''],
  ['bare query embedding p50', `${results.bare_query_embedding_ms.p50} ms`, ''],
  ['  ratio p50 / bare embedding', String(results.ratio_p50_to_bare_embedding), '≤ 1.2'],
  ['query over WebSocket p50/p95', `${results.query_websocket_ms.p50} / ${results.query_websocket_ms.p95} ms`, ''],
  ['64 clients × 10: errors', String(errors), '0'],
  ['  p50/p95, throughput', `${results.load_64x10.p50_ms} / ${results.load_64x10.p95_ms} ms, ${results.load_64x10.answers_per_s} answers/s`, ''],
  ['RSS per 10k paragraphs', `${results.memory.rss_mb_per_10k_paragraphs} MB`, ''],
];
process.stdout.write(`\n| measure (${quick ? 'quick' : 'full'}: ${stats.cables} cables, ${stats.paragraphs} paragraphs) | result | goal |\n|---|---|---|\n`);
for (const [a, b, c] of rows) process.stdout.write(`| ${a} | ${b} | ${c} |\n`);
process.stdout.write(`\nwritten to ${out}\n`);
process.exit(0);

/**
 * RSS an open index adds to a process that already has the model loaded, measured in a fresh child so that
 * nothing the benchmark itself allocated is counted.
 */
async function indexMemory(dir: string): Promise<number> {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'memory.ts'), dir], { cwd: root, encoding: 'utf8' });
  return Number(JSON.parse(out.trim().split('\n').at(-1)!).index_rss_mb);
}
