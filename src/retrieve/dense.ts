/**
 * The dense stage: paragraphs by the similarity of their best segment to the question (HNSW over segment
 * vectors), with every similarity found on the way.
 */
import { embeddingText } from '../embed/index.js';
import type { Corpus } from './corpus.js';
import type { Query } from './query.js';

export interface SegmentSimilarity {
  start: number;
  end: number;
  similarity: number;
}

export interface DenseHits {
  /** Paragraph ids, best first. */
  ids: number[];
  /** The similarities of each found paragraph's segments that the search reached, best first. */
  sims: Map<number, SegmentSimilarity[]>;
}

export const NO_DENSE_HITS: DenseHits = { ids: [], sims: new Map() };

/** What the model embeds: a follow-up is embedded with what it leans on, so "he" has someone to mean. */
export function denseText(query: Query): string {
  const text = query.analysis.text;
  return embeddingText(query.context.length ? `${query.context.join(' ')} ${text}` : text);
}

export function dense(corpus: Corpus, vector: Float32Array, depth: number, allowed?: Set<number>): DenseHits {
  const store = corpus.store;
  const segAllowed = allowed ? store.allowedSegments(allowed) : undefined;
  // Segments, not paragraphs, are indexed: twice as many hits leave room for paragraphs found more than once.
  const hits = store.searchDense(vector, depth * 2, segAllowed);
  const rows = new Map(store.segments(hits.map((h) => h.segment)).map((s) => [s.id, s]));
  const ids: number[] = [];
  const sims = new Map<number, SegmentSimilarity[]>();
  for (const h of hits) {
    const row = rows.get(h.segment);
    if (!row) continue;
    const list = sims.get(row.paragraphId);
    if (list) list.push({ start: row.start, end: row.end, similarity: h.similarity });
    else if (ids.length < depth) {
      ids.push(row.paragraphId);
      sims.set(row.paragraphId, [{ start: row.start, end: row.end, similarity: h.similarity }]);
    }
  }
  return { ids, sims };
}

/** Similarity of the question to each of a paragraph's segments, computed from their stored vectors. */
export function similarities(vector: Float32Array, segments: readonly { start: number; end: number; vector: Float32Array }[]): SegmentSimilarity[] {
  return segments.map((s) => ({ start: s.start, end: s.end, similarity: dot(vector, s.vector) }));
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
