/**
 * Ingest: files → parsed cables → segments → vectors → one atomic commit.
 *
 * Embedding is the only expensive step, so everything is arranged around keeping the embedder busy:
 * unchanged files are skipped by content hash before parsing, segments whose text was embedded before are
 * reused from the vector store, and batches are kept in flight on every worker while the main thread
 * stores finished vectors.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { CHUNKER_VERSION, chunkCable, SEGMENT_WORDS } from '../chunk/index.js';
import type { Cable } from '../domain.js';
import { EMBED_INPUT_VERSION, embeddingText, type Embedder } from '../embed/index.js';
import { CableParseError, decodeCableBytes, parseCable, PARSER_VERSION } from '../parse/index.js';
import { crashPoint } from './faults.js';
import { lockForWriting } from './lock.js';
import { IndexStore } from './store.js';

export interface IngestProgress {
  /** Segments embedded so far and to embed in all. */
  done: number;
  total: number;
  /** Paragraphs' worth of text embedded so far (the share of all text to embed, times the paragraphs). */
  paragraphsDone: number;
  paragraphsTotal: number;
}

export interface IngestOptions {
  indexDir: string;
  embedder: Embedder;
  /** Batches kept in flight: at least the number of embedding workers, so none waits. */
  inFlight?: number;
  batchSize?: number;
  /** Word budget per embedded segment; defaults to SEGMENT_WORDS (never more than the embedder's maxWords). */
  segmentWords?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Called once the work is known, before embedding starts. */
  onPlan?: (plan: { files: number; unchanged: number; toEmbed: number; paragraphs: number }) => void;
}

export interface Rejection {
  file: string;
  reason: string;
}

export interface IngestReport {
  files: number;
  /** Cables added or replaced in this run. */
  cables: number;
  paragraphs: number;
  unchanged: number;
  rejected: Rejection[];
  /** Segments embedded in this run, and segments whose vectors were reused. */
  embedded: number;
  reused: number;
  seconds: number;
  /** Wall time during which at least one embedding batch was running. */
  embedSeconds: number;
  indexed: { cables: number; paragraphs: number };
  /** Damage found in the index and repaired by this run (vectors or an HNSW file that went missing). */
  repaired: string[];
}

/** Files named on the command line are taken as they are; folders contribute their .txt and extension-less files. */
export function collectFiles(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      if (explicit) missing.push(p);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name), false);
    } else if (st.isFile() && (explicit || ['.txt', ''].includes(extname(p).toLowerCase()))) files.push(p);
  };
  for (const p of paths) walk(p, true);
  return { files, missing };
}

export async function ingest(paths: string[], opts: IngestOptions): Promise<IngestReport> {
  const t0 = performance.now();
  const { files, missing } = collectFiles(paths);
  const rejected: Rejection[] = missing.map((file) => ({ file, reason: 'no such file or folder' }));
  mkdirSync(opts.indexDir, { recursive: true });
  const lock = lockForWriting(opts.indexDir);
  let store: IndexStore;
  try {
    store = IndexStore.open(opts.indexDir, { embedder: opts.embedder, create: true });
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    const segmentWords = Math.min(opts.segmentWords ?? SEGMENT_WORDS, opts.embedder.maxWords);
    const pending: { cable: Cable; file: string; sha256: string; segments: { ord: number; start: number; end: number; hash: string }[][] }[] = [];
    const byRef = new Map<string, number>();
    const texts = new Map<string, string>(); // hash → text still to embed
    let unchanged = 0;

    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        rejected.push({ file, reason: `cannot read: ${(err as Error).message}` });
        continue;
      }
      // What the index holds for a file depends on its bytes and on how they were parsed and cut.
      const sha256 = `${createHash('sha256').update(bytes).digest('hex')}:p${PARSER_VERSION}:c${CHUNKER_VERSION}:e${EMBED_INPUT_VERSION}:w${segmentWords}`;
      if (store.refForContent(sha256)) {
        unchanged++;
        continue;
      }
      let cable: Cable;
      try {
        cable = parseCable(decodeCableBytes(bytes), basename(file));
      } catch (err) {
        rejected.push({ file, reason: err instanceof CableParseError ? err.reason : `parser failed: ${String(err)}` });
        continue;
      }
      crashPoint('parse');
      const segments = chunkCable(cable, { segmentWords }).map((c) =>
        c.segments.map((s) => {
          // Stored by the text the model reads, so a change to what it reads re-embeds exactly what changed.
          const text = embeddingText(c.paragraph.text.slice(s.start, s.end));
          const hash = createHash('sha1').update(text).digest('hex');
          texts.set(hash, text);
          return { ord: c.ord, start: s.start, end: s.end, hash };
        }),
      );
      const entry = { cable, file: resolve(file), sha256, segments };
      // Two files with the same ref: the later one wins, as a re-ingest of a changed file would.
      const prev = byRef.get(cable.ref);
      if (prev !== undefined) pending[prev] = entry;
      else byRef.set(cable.ref, pending.push(entry) - 1);
    }

    // Segments already indexed whose vectors are gone are embedded again, so running an ingest repairs them.
    const repaired: string[] = [];
    const lost = store.segmentsWithoutVectors();
    for (const seg of lost) texts.set(seg.hash, embeddingText(seg.text));
    if (lost.length) repaired.push(`${lost.length} indexed segment(s) had no stored vector: embedded again`);

    const cached = store.cachedHashes([...texts.keys()]);
    for (const h of cached) texts.delete(h);
    // The model pads every text in a batch to the longest one: batching texts of similar length wastes
    // far less work (measured ~1.5x faster on mixed paragraph lengths).
    const todo = [...texts.entries()].sort((a, b) => a[1].length - b[1].length);
    const paragraphsTotal = pending.reduce((n, p) => n + p.cable.paragraphs.length, 0);
    opts.onPlan?.({ files: files.length, unchanged, toEmbed: todo.length, paragraphs: paragraphsTotal });

    const embedSeconds = await embedAll(todo, store, opts, paragraphsTotal);
    if (pending.length) store.commitCables(pending);
    else {
      const problem = store.repairDense();
      if (problem) repaired.push(`${problem}: written again from the stored vectors`);
    }
    const stats = store.stats();
    return {
      files: files.length + missing.length,
      cables: pending.length,
      paragraphs: paragraphsTotal,
      unchanged,
      rejected,
      embedded: todo.length,
      reused: cached.size,
      seconds: (performance.now() - t0) / 1000,
      embedSeconds,
      indexed: { cables: stats.cables, paragraphs: stats.paragraphs },
      repaired,
    };
  } finally {
    store.close();
    lock.release();
  }
}

async function embedAll(
  todo: [string, string][],
  store: IndexStore,
  opts: IngestOptions,
  paragraphsTotal: number,
): Promise<number> {
  const batchSize = opts.batchSize ?? 32;
  const inFlight = Math.max(1, opts.inFlight ?? 2);
  let next = 0;
  let done = 0;
  let running = 0;
  let busySince = 0;
  let busy = 0;
  const totalChars = todo.reduce((n, [, t]) => n + t.length, 0) || 1;
  let doneChars = 0;
  const report = () => {
    // Batches run shortest first, so counting texts would make the ETA far too hopeful; progress is
    // measured in text embedded and shown as its share of the paragraphs.
    opts.onProgress?.({ done, total: todo.length, paragraphsDone: Math.round((paragraphsTotal * doneChars) / totalChars), paragraphsTotal });
  };
  let failed = false;
  const worker = async () => {
    while (next < todo.length && !failed) {
      const batch = todo.slice(next, next + batchSize);
      next += batch.length;
      if (running++ === 0) busySince = performance.now();
      let vectors: Float32Array[];
      try {
        vectors = await opts.embedder.embed(batch.map(([, t]) => t));
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        if (--running === 0) busy += performance.now() - busySince;
      }
      store.putVectors(batch.map(([hash], i) => ({ hash, vector: vectors[i]! })));
      crashPoint('embed');
      done += batch.length;
      for (const [, t] of batch) doneChars += t.length;
      report();
    }
  };
  report();
  // Let every batch in flight finish (and store its vectors) before reporting a failure, so nothing
  // embedded is lost and nothing writes to a closed store.
  const results = await Promise.allSettled(Array.from({ length: inFlight }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return busy / 1000;
}
