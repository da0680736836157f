/**
 * Ingest: files → parsed cables → segments → vectors → one atomic commit.
 *
 * Embedding is the only expensive step, so everything is arranged around keeping the embedder busy:
 * unchanged files are skipped by content hash before parsing, segments whose text was embedded before are
 * reused from the vector store, and batches are kept in flight on every worker while the main thread
 * stores finished vectors.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CHUNKER_VERSION, chunkCable, SEGMENT_WORDS } from '../chunk/index.js';
import type { Cable } from '../domain.js';
import { EMBED_INPUT_VERSION, embeddingText, type Embedder } from '../embed/index.js';
import { CableParseError, parseCable, PARSER_VERSION, readCableText } from '../parse/index.js';
import { crashPoint } from './faults.js';
import { collectFiles, indexedFiles, type IngestWarning, MissingPathError, readFileChecked } from './files.js';
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
  /** What went in but deserves a look: damaged bytes, two files with one reference id, a symlink loop skipped. */
  warnings: IngestWarning[];
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

export { collectFiles, MissingPathError, type IngestWarning } from './files.js';

/** Far more paragraphs than a cable has (the most in the 1,295-cable corpus is 77): indexed, but said. */
const MANY_PARAGRAPHS = 1000;

export async function ingest(paths: string[], opts: IngestOptions): Promise<IngestReport> {
  const t0 = performance.now();
  const { files, missing, rejected, warnings } = collectFiles(paths);
  // Before the index folder is made: a mistyped path must not leave an empty index behind to be served.
  if (missing.length) throw new MissingPathError(missing);
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
    const texts = new Map<string, string>(); // hash → text still to embed
    let unchanged = 0;

    // Of two files with one reference id, the one named later wins (the order a user lists them in, then
    // folder order), as a re-ingest of a changed file would; an unchanged file keeps its place the same way,
    // so which copy is indexed does not flip from run to run.
    type Entry = (typeof pending)[number] & { texts: [string, string][]; json: string };
    const winners = new Map<string, { file: string; sha256: string; entry: Entry | null; json: string | null; seen: Set<string> }>();
    const claim = (ref: string, file: string, sha256: string, entry: Entry | null) => {
      const prev = winners.get(ref);
      const json = entry?.json ?? null;
      const seen = prev?.seen ?? new Set<string>();
      if (prev && prev.sha256 !== sha256 && (json === null || json !== prev.json)) {
        const kept = entry ? 'this file is indexed' : 'the copy already indexed from this file stays';
        warnings.push({
          file,
          message: `same reference id ${ref} as ${prev.file}, with different text: ${kept} and ${prev.file} is not (of two files with one reference id, the one named later wins)`,
        });
      }
      seen.add(resolve(file));
      winners.set(ref, { file, sha256, entry, json, seen });
    };

    for (const file of files) {
      const read = readFileChecked(file);
      if ('reason' in read) {
        rejected.push({ file, reason: read.reason });
        continue;
      }
      const bytes = read.bytes;
      // What the index holds for a file depends on its bytes and on how they were parsed and cut.
      const sha256 = `${createHash('sha256').update(bytes).digest('hex')}:p${PARSER_VERSION}:c${CHUNKER_VERSION}:e${EMBED_INPUT_VERSION}:w${segmentWords}`;
      const indexedRef = store.refForContent(sha256);
      if (indexedRef) {
        unchanged++;
        claim(indexedRef, file, sha256, null);
        continue;
      }
      let cable: Cable;
      try {
        const input = readCableText(bytes, file);
        cable = parseCable(input.text, basename(file));
        for (const message of input.warnings) warnings.push({ file, message });
      } catch (err) {
        rejected.push({ file, reason: err instanceof CableParseError ? err.reason : `parser failed: ${String(err)}` });
        continue;
      }
      crashPoint('parse');
      if (cable.paragraphs.length > MANY_PARAGRAPHS) {
        warnings.push({
          file,
          message: `${cable.paragraphs.length.toLocaleString('en-US')} paragraphs, far more than a cable has (the most in the 1,295-cable corpus is 77): all are indexed; check that the file is one cable`,
        });
      }
      const segTexts: [string, string][] = [];
      const segments = chunkCable(cable, { segmentWords }).map((c) =>
        c.segments.map((s) => {
          // Stored by the text the model reads, so a change to what it reads re-embeds exactly what changed.
          const text = embeddingText(c.paragraph.text.slice(s.start, s.end));
          const hash = createHash('sha1').update(text).digest('hex');
          segTexts.push([hash, text]);
          return { ord: c.ord, start: s.start, end: s.end, hash };
        }),
      );
      claim(cable.ref, file, sha256, { cable, file: resolve(file), sha256, segments, texts: segTexts, json: JSON.stringify(cable) });
    }

    // A cable indexed before from another file is replaced by this run's: said when the text differs, since
    // the earlier file may be the one the user meant (it is not said when the in-run warning named it).
    const before = indexedFiles(opts.indexDir);
    try {
      for (const [ref, w] of winners) {
        if (!w.entry) continue;
        const oldFile = before.fileOf(ref);
        if (!oldFile || w.seen.has(oldFile)) continue;
        const oldTexts = store.paragraphsOf(ref).map((p) => `${p.key}\u0000${p.text}`);
        const newTexts = w.entry.cable.paragraphs.map((p) => `${p.key}\u0000${p.text}`);
        if (oldTexts.join('\u0001') === newTexts.join('\u0001')) continue;
        warnings.push({
          file: w.file,
          message: `replaces ${ref}, indexed before from ${oldFile}, whose text differs (the file ingested last wins; ingest ${oldFile} again to go back)`,
        });
      }
    } finally {
      before.close();
    }
    for (const w of winners.values()) {
      if (!w.entry) continue;
      const { texts: segTexts, json: _json, ...entry } = w.entry;
      pending.push(entry);
      for (const [hash, text] of segTexts) texts.set(hash, text);
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
      warnings,
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
