/**
 * An embedder with hand-made vectors, for ranking tests that must know what "similar" means: each dimension
 * is a topic named by the test, and a text's vector counts the topic's words in it. "kids" and "children" are
 * then as close as the test says, though they share no letters, and a text on no topic points nowhere near
 * any other (its own dimension). Everything else around it (SQLite, HNSW, reranker) runs for real.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cablechatOf, openPipeline, type Cablechat, type Pipeline } from '../../src/cablechat.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { buildIndex } from '../../src/index/index.js';

export type Topics = Record<string, string[]>;

export interface TopicEmbedder extends Embedder {
  /** Every text embedded so far, in order: tests read what the model was given. */
  readonly seen: string[];
  vectorOf(text: string): Float32Array;
}

export function topicEmbedder(topics: Topics): TopicEmbedder {
  const names = Object.keys(topics);
  const dims = names.length + 1;
  const index = new Map(names.flatMap((name, i) => topics[name]!.map((w) => [w.toLowerCase(), i] as const)));
  const seen: string[] = [];
  const vectorOf = (text: string) => {
    const v = new Float32Array(dims);
    for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      const i = index.get(w);
      if (i !== undefined) v[i]! += 1;
    }
    let norm = Math.hypot(...v);
    if (norm === 0) {
      v[dims - 1] = 1;
      norm = 1;
    }
    return v.map((x) => x / norm);
  };
  return {
    id: 'test-topics',
    dimensions: dims,
    maxWords: 200,
    seen,
    vectorOf,
    embed: async (texts) => {
      seen.push(...texts);
      return texts.map(vectorOf);
    },
    close: async () => {},
  };
}

export interface TinyCable {
  ref: string;
  subject: string;
  date: string;
  origin: string;
  classification?: string;
  tags: string[];
  /** Paragraph texts, numbered from 1 in order. */
  paragraphs: string[];
}

/** A cable in the compact Cablegate layout the parser reads (test/fixtures/cables/numbered-headings.txt). */
export function cableText(c: TinyCable): string {
  const day = new Date(`${c.date}T12:00:00Z`).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+).*/, '$1 $3 $2 00:00:00 +0000 $4');
  return [
    c.ref,
    c.subject,
    day,
    c.classification ?? 'UNCLASSIFIED',
    c.origin,
    `TAGS ${c.tags.join(', ')}`,
    `SUBJECT: ${c.subject}`,
    '',
    ...c.paragraphs.flatMap((p, i) => [`¶${i + 1}. (U) ${p}`, '']),
  ].join('\n');
}

/** Cables written to a temporary folder, indexed with `embedder`, and opened: both faces, and dispose(). */
export async function tinyArchive(
  cables: TinyCable[],
  embedder: Embedder,
): Promise<{ chat: Cablechat; pipeline: Pipeline; dir: string; files: string; dispose: () => Promise<void> }> {
  const files = mkdtempSync(join(tmpdir(), 'cablechat-tiny-src-'));
  for (const c of cables) writeFileSync(join(files, `${c.ref}.txt`), cableText(c));
  const dir = mkdtempSync(join(tmpdir(), 'cablechat-tiny-'));
  const report = await buildIndex([files], { indexDir: dir, embedder, threads: 0 });
  if (report.rejected.length) throw new Error(`fixture cables rejected: ${JSON.stringify(report.rejected)}`);
  const pipeline = await openPipeline({ indexDir: dir, embedder });
  return {
    chat: cablechatOf(pipeline),
    pipeline,
    dir,
    files,
    dispose: async () => {
      await pipeline.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(files, { recursive: true, force: true });
    },
  };
}
