/**
 * npm run bench -- --scale [--sizes 15000,150000,1500000] [--out FILE]
 * How cost grows with the archive: builds synthetic archives from the real corpus (bench/synthetic.ts) at
 * each size and records, in one run: ingest time without embedding, HNSW build time, index size on disk,
 * RSS of a process serving the index, and query latency without the query embedding.
 *
 * Embedding is a fast stand-in (deterministic hashed-word vectors of the real model's 512 dimensions,
 * test/support/hash-embedder.ts): its cost is linear and measured by `npm run bench`; everything around it
 * (parsing, SQLite, FTS5, HNSW, the reranker) runs for real. The output says so.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IndexStore } from '../src/index/index.js';
import { buildIndex } from '../src/index/index.js';
import { hashEmbedder } from '../test/support/hash-embedder.js';
import { writeSyntheticCsv } from './synthetic.js';

const root = resolve(import.meta.dirname, '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('--sizes') ?? '15000,150000,1500000').split(',').map(Number);
const corpus = arg('--corpus') ?? resolve(root, '..', 'shared', 'corpus', 'cablegate-2010');
const out = arg('--out') ?? join(root, 'bench', 'results', 'scale.json');
const work = arg('--work') ?? mkdtempSync(join(tmpdir(), 'cablechat-scale-'));
const log = (l: string) => process.stderr.write(`${l}\n`);
/** Paragraphs per second of the real model on both cores of this machine (bench/results/full.json). */
const REAL_EMBED_RATE = (() => {
  try {
    return (JSON.parse(readFileSync(join(root, 'bench', 'results', 'full.json'), 'utf8')) as { ingest?: { paragraphs_per_s?: number } }).ingest?.paragraphs_per_s ?? 19.3;
  } catch {
    return 19.3;
  }
})();

const questions = [join(root, 'eval', 'seed.jsonl'), join(root, 'eval', 'dev.jsonl')].flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { question: string }).question),
);
const questionsFile = join(work, 'questions.json');
mkdirSync(work, { recursive: true });
writeFileSync(questionsFile, JSON.stringify(questions.slice(0, 300)));

/** The stand-in, with the graph laid out as for the bundled model (its fitted projection), as an index of real vectors would be. */
const standIn = () => ({ ...hashEmbedder(), projection: 'use-lite' });
const du = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const rows: Record<string, number | string>[] = [];
log(`scale benchmark in ${work}; embedding: fast stand-in (hashed words, 512-d), not the model`);
for (const size of sizes) {
  const csv = join(work, `cables-${size}.csv`);
  const index = join(work, `index-${size}`);
  rmSync(index, { recursive: true, force: true });
  log(`${size}: writing a synthetic cables.csv…`);
  const gen = await writeSyntheticCsv(corpus, csv, size);
  log(`${size}: ${gen.cables} cables, ${(gen.bytes / 2 ** 20).toFixed(0)} MB; ingesting…`);
  const t0 = performance.now();
  let lastLog = 0;
  const report = await buildIndex([csv], {
    indexDir: index,
    embedder: standIn(),
    onProgress: (p) => {
      if (performance.now() - lastLog < 30_000) return;
      lastLog = performance.now();
      log(`  ${p.paragraphsDone}/${p.paragraphsTotal} paragraphs, ${p.cablesDone}/${p.cablesTotal} cables committed, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    },
  });
  const ingestS = (performance.now() - t0) / 1000;
  const store = IndexStore.open(index, { embedder: standIn() });
  const stats = store.stats();
  store.close();
  log(`${size}: probing a server process…`);
  const probe = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'scale-probe.ts'), index, questionsFile], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (probe.status !== 0) throw new Error(`probe failed: ${probe.stderr}`);
  const p = JSON.parse(probe.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  const realEmbedS = stats.paragraphs / REAL_EMBED_RATE;
  const row = {
    target_paragraphs: size,
    cables: stats.cables,
    paragraphs: stats.paragraphs,
    segments: stats.segments,
    csv_mb: Number((gen.bytes / 2 ** 20).toFixed(1)),
    ingest_s: Number(ingestS.toFixed(1)),
    ingest_without_embedding_s: Number((ingestS - report.embedSeconds).toFixed(1)),
    commits: report.commits,
    commit_s: Number(report.commitSeconds.toFixed(1)),
    share_of_real_embedding: Number(((ingestS - report.embedSeconds) / realEmbedS).toFixed(4)),
    hnsw_build_s: Number(report.graphSeconds.toFixed(1)),
    index_mb: Number((du(index) / 2 ** 20).toFixed(0)),
    index_bytes_per_paragraph: Math.round(du(index) / stats.paragraphs),
    server_rss_mb: Math.round(p.rssAfterMB!),
    server_rss_bytes_per_paragraph: Math.round((p.rssAfterMB! * 2 ** 20) / stats.paragraphs),
    open_ms: Math.round(p.openMs!),
    first_query_ms: Math.round(p.firstQueryMs!),
    query_p50_ms: Number(p.p50!.toFixed(1)),
    query_p95_ms: Number(p.p95!.toFixed(1)),
  };
  rows.push(row);
  log(JSON.stringify(row));
  rmSync(csv, { force: true });
  if (size !== sizes.at(-1)) rmSync(index, { recursive: true, force: true });
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, embedder: 'stand-in (hashed words, 512-d); real-model embedding time from bench/results/full.json', real_embed_paragraphs_per_s: REAL_EMBED_RATE, rows }, null, 2)}\n`);
}
log(`written ${out}`);
