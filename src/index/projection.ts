/**
 * How vectors are held in the HNSW graph. The full vectors (the model's 512 dimensions for the bundled one)
 * stay in SQLite; the graph, which must sit in memory, holds them projected onto the directions that carry
 * most of their inner products (an uncentred PCA fitted to the model's vectors over the Cablegate corpus,
 * scripts/fit-projection.ts). A search walks the small graph for a few more candidates than asked and
 * ranks them by the exact cosine of their full vectors, so what comes out is as exact as before while the
 * graph takes a quarter of the memory (docs/decisions.md has the measurements).
 *
 * A model without a fitted projection is held in full.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Projection {
  /** Recorded in the index (meta `dense`): a new projection means building the graph again. */
  id: string;
  inputDims: number;
  outputDims: number;
  /** outputDims rows of inputDims, row-major. */
  components: Float32Array;
}

const DIR = join(import.meta.dirname, 'projections');
const cache = new Map<string, Projection | null>();

/** The projection fitted to an embedder's vectors, or null to hold them in full. */
export function projectionFor(embedderId: string): Projection | null {
  if (cache.has(embedderId)) return cache.get(embedderId)!;
  const file = join(DIR, `${embedderId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  let p: Projection | null = null;
  if (existsSync(file)) {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { id: string; inputDims: number; outputDims: number; components: string };
    const bytes = Buffer.from(raw.components, 'base64');
    const components = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(components.buffer).set(bytes);
    if (components.length !== raw.inputDims * raw.outputDims) throw new Error(`${file}: ${components.length} numbers, expected ${raw.inputDims} × ${raw.outputDims}`);
    p = { id: raw.id, inputDims: raw.inputDims, outputDims: raw.outputDims, components };
  }
  cache.set(embedderId, p);
  return p;
}

export function project(p: Projection, v: Float32Array): Float32Array {
  const out = new Float32Array(p.outputDims);
  const d = p.inputDims;
  for (let r = 0; r < p.outputDims; r++) {
    let s = 0;
    for (let j = 0, o = r * d; j < d; j++) s += p.components[o + j]! * v[j]!;
    out[r] = s;
  }
  return out;
}

export function serializeProjection(p: Projection): string {
  return `${JSON.stringify({ id: p.id, inputDims: p.inputDims, outputDims: p.outputDims, components: Buffer.from(p.components.buffer, p.components.byteOffset, p.components.byteLength).toString('base64') })}\n`;
}
