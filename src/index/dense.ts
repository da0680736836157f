/**
 * The HNSW files next to the database: one per generation, `dense-<G>.hnsw`, labels = segment ids.
 *
 * A writer builds generation G+1's file *before* it commits G+1 to SQLite, starting from G's file and
 * changing only what the commit changes, so:
 * - a reader that sees generation G in SQLite always finds `dense-G.hnsw` (no reader ever has to build one,
 *   which froze a server for as long as a full build takes);
 * - adding one cable to a large index costs that cable's points and one file write, not a rebuild;
 * - a crash anywhere leaves either G's file (SQLite still says G) or both (the next writer overwrites G+1).
 *
 * Labels are never reused (meta `next_label`), so a label deleted from an older file can never come back
 * meaning another segment.
 */
import hnswlib from 'hnswlib-node';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const { HierarchicalNSW } = hnswlib;
export type Hnsw = InstanceType<typeof HierarchicalNSW>;

const M = 16;
/**
 * 100, not hnswlib's usual 200: building the graph is most of an ingest's own cost at archive size, and 100
 * builds it 2.4x faster while searches (re-ranked by full vectors) find the same answers (docs/decisions.md).
 */
const EF_CONSTRUCTION = 100;
export const EF_SEARCH = 128;
/** Above this share of deleted points, a writer builds the file afresh instead of patching it. */
const MAX_DELETED_SHARE = 0.25;

export function hnswFile(dir: string, gen: number): string {
  return join(dir, `dense-${gen}.hnsw`);
}

/**
 * What the graph holds: full vectors compared by cosine, or projected ones compared by inner product
 * (projection.ts). Recorded in the index (meta `dense`), since a file can only be read with its own.
 */
export interface DenseLayout {
  space: 'cosine' | 'ip';
  dims: number;
  projection: string | null;
}

export function sameLayout(a: DenseLayout, b: DenseLayout): boolean {
  return a.space === b.space && a.dims === b.dims && a.projection === b.projection;
}

export function emptyHnsw(layout: DenseLayout, capacity: number): Hnsw {
  const index = new HierarchicalNSW(layout.space, layout.dims);
  index.initIndex({ maxElements: Math.max(16, capacity), m: M, efConstruction: EF_CONSTRUCTION, randomSeed: 42 });
  return index;
}

/** Throws hnswlib's own error for a truncated or foreign file; callers turn it into a message. */
export function readHnsw(file: string, layout: DenseLayout): Hnsw {
  const index = new HierarchicalNSW(layout.space, layout.dims);
  index.readIndexSync(file);
  index.setEf(EF_SEARCH);
  return index;
}

/** Off the event loop (hnswlib reads on libuv's thread pool): a server keeps answering while it loads. */
export async function readHnswAsync(file: string, layout: DenseLayout): Promise<Hnsw> {
  const index = new HierarchicalNSW(layout.space, layout.dims);
  await index.readIndex(file);
  index.setEf(EF_SEARCH);
  return index;
}

export function addPoints(index: Hnsw, points: Iterable<{ id: number; vector: Float32Array }>, count: number): void {
  const need = index.getCurrentCount() + count;
  if (need > index.getMaxElements()) index.resizeIndex(Math.max(need, Math.ceil(index.getMaxElements() * 1.25)));
  for (const p of points) index.addPoint(Array.from(p.vector), p.id);
}

export function deletePoint(index: Hnsw, id: number): void {
  try {
    index.markDelete(id);
  } catch {
    // Already deleted, or never added (a segment whose vector was missing): either way it is not searched.
  }
}

/**
 * Make `index` hold exactly the live segment ids: delete labels that are no longer segments, add segments
 * it lacks. Returns null when so much of it is dead that a fresh build is cheaper and searches better.
 */
export function reconcile(index: Hnsw, live: number[], vectorsOf: (ids: number[]) => Iterable<{ id: number; vector: Float32Array }>): Hnsw | null {
  const labels = index.getIdsList();
  const liveSet = new Set(live);
  const have = new Set(labels);
  const dead = labels.filter((l) => !liveSet.has(l));
  if (dead.length > 1000 && dead.length > labels.length * MAX_DELETED_SHARE) return null;
  for (const l of dead) deletePoint(index, l);
  const missing = live.filter((id) => !have.has(id));
  if (missing.length) addPoints(index, vectorsOf(missing), missing.length);
  return index;
}

/** tmp + rename: a reader (or a crash) never sees half a file under the final name. */
export function writeHnsw(index: Hnsw, dir: string, gen: number, beforeRename?: () => void): void {
  const file = hnswFile(dir, gen);
  const tmp = `${file}.tmp`;
  index.writeIndexSync(tmp);
  beforeRename?.();
  renameSync(tmp, file);
}

/** Files of other generations (and leftovers of interrupted writes) go; `keep` stay for readers mid-switch. */
export function removeOtherHnsw(dir: string, keep: number[]): void {
  const names = new Set(keep.map((g) => `dense-${g}.hnsw`));
  for (const f of readdirSync(dir)) {
    if (/^dense-\d+\.hnsw(\.tmp)?$/.test(f) && !names.has(f)) rmSync(join(dir, f), { force: true });
  }
}

export function hnswExists(dir: string, gen: number): boolean {
  return existsSync(hnswFile(dir, gen));
}

/**
 * Exact cosine search over vectors held in memory: what a reader uses when its generation's HNSW file is
 * missing or damaged, so answers stay right (if slower) until an ingest writes the file again.
 */
export class ExactScan {
  constructor(
    private readonly ids: Int32Array,
    private readonly vectors: Float32Array,
    private readonly dimensions: number,
  ) {}

  get count(): number {
    return this.ids.length;
  }

  search(query: Float32Array, k: number, allowed?: Set<number>): { segment: number; similarity: number }[] {
    const d = this.dimensions;
    const best: { segment: number; similarity: number }[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i]!;
      if (allowed && !allowed.has(id)) continue;
      let s = 0;
      for (let j = 0, o = i * d; j < d; j++) s += query[j]! * this.vectors[o + j]!;
      if (best.length < k) {
        best.push({ segment: id, similarity: s });
        best.sort((a, b) => b.similarity - a.similarity);
      } else if (s > best[k - 1]!.similarity) {
        best[k - 1] = { segment: id, similarity: s };
        best.sort((a, b) => b.similarity - a.similarity);
      }
    }
    return best;
  }
}
