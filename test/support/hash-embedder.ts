/**
 * A fast, deterministic stand-in for the embedding model, for tests that need many answers (floods, load)
 * rather than good ones. Everything else (SQLite, HNSW, reranker, server) runs for real around it.
 *
 * Each text becomes a bag of hashed features — lower-cased words and, at half weight, their 4-character
 * prefixes (a crude stem, so "children" and "child" share something) — folded into 512 dimensions and
 * normalised. Texts that share words land near each other, which is all retrieval needs to find the
 * paragraph that repeats the question's words.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCablechat, type Cablechat } from '../../src/cablechat.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { buildIndex } from '../../src/index/index.js';

export const HASH_EMBEDDER_ID = 'test-hash';
const DIMENSIONS = 512;

/** FNV-1a, 32 bit: cheap, stable across runs and platforms. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function addFeature(v: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  // One bit of the hash picks the sign, so unrelated features cancel out on average instead of piling up.
  v[h % DIMENSIONS]! += h & 0x80000000 ? -weight : weight;
}

export function hashEmbed(text: string): Float32Array {
  const v = new Float32Array(DIMENSIONS);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    addFeature(v, `w:${word}`, 1);
    if (word.length > 4) addFeature(v, `p:${word.slice(0, 4)}`, 0.5);
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm === 0) {
    // A text with no words still needs a unit vector; any fixed one will do.
    v[0] = 1;
    return v;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < DIMENSIONS; i++) v[i]! *= inv;
  return v;
}

export function hashEmbedder(): Embedder {
  return {
    id: HASH_EMBEDDER_ID,
    dimensions: DIMENSIONS,
    maxWords: 200,
    embed: async (texts) => texts.map(hashEmbed),
    close: async () => {},
  };
}

/** An index of `paths` built and opened with the hash embedder, in a temporary folder removed by dispose(). */
export async function hashChat(paths: string[]): Promise<{ chat: Cablechat; dir: string; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cablechat-hash-'));
  const embedder = hashEmbedder();
  await buildIndex(paths, { indexDir: dir, embedder });
  const chat = await openCablechat({ indexDir: dir, embedder });
  return {
    chat,
    dir,
    dispose: async () => {
      await chat.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
