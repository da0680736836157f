/** Fusion: the dense and lexical lists merged by reciprocal rank. */
import type { LexicalHit } from './lexical.js';

export const RRF_K = 60;
/** The fused score of a paragraph first in both lists: the scale of the reranker's rrf feature. */
export const RRF_BEST = 2 / (RRF_K + 1);

export interface Fused {
  paragraph: number;
  /** Sum of 1 / (RRF_K + rank) over the lists that found it. */
  rrf: number;
  /** Rank in the lexical list (1 = first), when it found the paragraph. */
  lexRank?: number;
  /** BM25 (0 when lexical search did not find it), and the same relative to the best lexical hit (0..1). */
  bm25: number;
  bm25Share: number;
}

/** Best fused score first; ties keep dense order, then lexical order. */
export function fuse(dense: readonly number[], lexical: readonly LexicalHit[]): Fused[] {
  const byId = new Map<number, Fused>();
  dense.forEach((id, i) => byId.set(id, { paragraph: id, rrf: 1 / (RRF_K + i + 1), bm25: 0, bm25Share: 0 }));
  const maxBm25 = Math.max(1e-9, ...lexical.map((l) => l.score));
  lexical.forEach(({ paragraph, score }, i) => {
    const f = byId.get(paragraph) ?? { paragraph, rrf: 0, bm25: 0, bm25Share: 0 };
    f.rrf += 1 / (RRF_K + i + 1);
    f.lexRank = i + 1;
    f.bm25 = score;
    f.bm25Share = score / maxBm25;
    byId.set(paragraph, f);
  });
  return [...byId.values()].sort((a, b) => b.rrf - a.rrf);
}
