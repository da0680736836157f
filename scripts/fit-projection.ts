/**
 * npx tsx scripts/fit-projection.ts --index DIR [--dims 128] [--write]
 * Fits the projection the HNSW graph holds vectors in (src/index/projection.ts): an uncentred PCA of the
 * index's stored vectors (the directions that carry most of their inner products). Reports, for several
 * sizes, the share of the vectors' energy kept and how many of each query's exact 60 nearest segments the
 * projected search (120 candidates, ranked again by full vectors) still finds. --write saves the chosen size
 * as src/index/projections/<embedder>.json.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { serializeProjection, type Projection } from '../src/index/projection.js';
import { toFloat32 } from '../src/index/store.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const indexDir = arg('--index');
if (!indexDir) {
  process.stderr.write('usage: npx tsx scripts/fit-projection.ts --index DIR [--dims 128] [--write]\n');
  process.exit(2);
}
const dims = Number(arg('--dims') ?? 128);
const db = new Database(join(indexDir, 'cables.db'), { readonly: true });
const embedder = db.prepare("SELECT value FROM meta WHERE key = 'embedder'").pluck().get() as string;
const rows = db.prepare('SELECT v.vector FROM vectors v JOIN (SELECT DISTINCT hash FROM segments) s ON s.hash = v.hash').pluck().all() as Buffer[];
const vectors = rows.map(toFloat32);
const d = vectors[0]!.length;
process.stderr.write(`${vectors.length} vectors of ${d} dimensions (${embedder})\n`);

const m = new Float64Array(d * d);
for (const v of vectors) for (let i = 0; i < d; i++) for (let j = i; j < d; j++) m[i * d + j]! += v[i]! * v[j]!;
const sym = new Matrix(d, d);
for (let i = 0; i < d; i++) for (let j = i; j < d; j++) (sym.set(i, j, m[i * d + j]! / vectors.length), sym.set(j, i, m[i * d + j]! / vectors.length));
const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
const order = evd.realEigenvalues.map((value, i) => ({ value, i })).sort((a, b) => b.value - a.value);
const total = order.reduce((s, e) => s + e.value, 0);
const basis = (k: number): Projection => {
  const components = new Float32Array(k * d);
  order.slice(0, k).forEach((e, r) => {
    for (let j = 0; j < d; j++) components[r * d + j] = evd.eigenvectorMatrix.get(j, e.i);
  });
  return { id: `${embedder}-pca${k}-${new Date().toISOString().slice(0, 10)}`, inputDims: d, outputDims: k, components };
};

// Exact neighbours of sampled stored vectors, against what a projected search returns after re-ranking.
let seed = 7;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const queries = Array.from({ length: 200 }, () => Math.floor(rnd() * vectors.length));
const dot = (a: Float32Array, b: Float32Array, n = a.length) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
};
const topK = (scores: Float64Array, k: number, skip: number) =>
  [...scores.keys()].filter((i) => i !== skip).sort((a, b) => scores[b]! - scores[a]!).slice(0, k);
const exact = queries.map((q) => {
  const s = new Float64Array(vectors.length);
  vectors.forEach((v, i) => (s[i] = dot(vectors[q]!, v)));
  return new Set(topK(s, 60, q));
});
for (const k of [64, 96, 128, 192, 256]) {
  const p = basis(k);
  const proj = vectors.map((v) => {
    const out = new Float32Array(k);
    for (let r = 0; r < k; r++) out[r] = dot(p.components.subarray(r * d, (r + 1) * d), v);
    return out;
  });
  let found = 0;
  queries.forEach((q, qi) => {
    const s = new Float64Array(vectors.length);
    proj.forEach((v, i) => (s[i] = dot(proj[q]!, v)));
    const candidates = topK(s, 120, q);
    const reranked = candidates.sort((a, b) => dot(vectors[q]!, vectors[b]!) - dot(vectors[q]!, vectors[a]!)).slice(0, 60);
    found += reranked.filter((i) => exact[qi]!.has(i)).length;
  });
  const kept = order.slice(0, k).reduce((s, e) => s + e.value, 0) / total;
  process.stdout.write(`${k} dims: energy kept ${(100 * kept).toFixed(1)} %, exact top-60 found ${((100 * found) / (queries.length * 60)).toFixed(1)} %\n`);
}
if (process.argv.includes('--write')) {
  const file = resolve(import.meta.dirname, '..', 'src', 'index', 'projections', `${embedder.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  writeFileSync(file, serializeProjection(basis(dims)));
  process.stdout.write(`written ${file} (${dims} dims)\n`);
}
