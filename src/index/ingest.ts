/**
 * Ingest: sources (txt files, HTML pages, cables.csv archives) → parsed cables → segments → vectors → commits.
 *
 * Built for an archive that takes many hours to embed:
 * - Two passes over the sources. The first parses and plans (what is new, what is unchanged, which file
 *   wins a reference id, how much text is to embed) and keeps only a few numbers per cable, so the progress
 *   line knows the whole job; the second streams the cables again in chunks. Memory stays flat however large
 *   the archive.
 * - Embedding is the only expensive step, so it never waits: chunks of texts sorted by length (the model pads
 *   every batch to its longest text) go to every worker while the main thread parses the next chunk and stores
 *   finished vectors.
 * - Vectors are stored as each batch finishes, and finished cables are committed every so often (one
 *   generation each: see store.ts). A run killed at any moment loses at most the batches in flight; the next
 *   run of the same command skips committed cables and re-uses stored vectors.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHUNKER_VERSION, chunkCable, SEGMENT_WORDS } from '../chunk/index.js';
import type { Cable } from '../domain.js';
import { EMBED_INPUT_VERSION, embeddingText, type Embedder } from '../embed/index.js';
import { PARSER_VERSION, readCables } from '../parse/index.js';
import { crashPoint } from './faults.js';
import { collectFiles, type IngestWarning, MissingPathError } from './files.js';
import { lockForWriting } from './lock.js';
import { IndexStore, type CommitItem } from './store.js';

export interface IngestProgress {
  /** Segments embedded so far and to embed in all. */
  done: number;
  total: number;
  /** Paragraphs' worth of text embedded so far (the share of all text to embed, times the paragraphs). */
  paragraphsDone: number;
  paragraphsTotal: number;
  /** Cables committed (askable) so far, and to commit in all. */
  cablesDone: number;
  cablesTotal: number;
}

export interface IngestPlan {
  files: number;
  unchanged: number;
  cables: number;
  paragraphs: number;
  toEmbed: number;
}

export interface IngestOptions {
  indexDir: string;
  embedder: Embedder;
  /** Batches kept in flight: at least the number of embedding workers, so none waits. */
  inFlight?: number;
  batchSize?: number;
  /** Word budget per embedded segment; defaults to SEGMENT_WORDS (never more than the embedder's maxWords). */
  segmentWords?: number;
  /**
   * How often finished cables are committed while embedding goes on (seconds, default 60). A commit writes
   * the whole HNSW file, so on a large index commits are spaced further, to keep them under ~5 % of the
   * time. 0 commits after every chunk.
   */
  commitEverySeconds?: number;
  /** Texts per embedding chunk (default 2,048: long enough runs of similar length, short enough to commit often). */
  chunkTexts?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Called once the work is known, before embedding starts. */
  onPlan?: (plan: IngestPlan) => void;
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
  /** What a person should check although the cable went in (damaged bytes, duplicate reference ids, …). */
  warnings: IngestWarning[];
  /** Segments embedded in this run, and segments whose vectors were reused. */
  embedded: number;
  reused: number;
  seconds: number;
  /** Wall time during which at least one embedding batch was running. */
  embedSeconds: number;
  /** Commits made, the time they took, and of that the time spent adding points to the HNSW graph. */
  commits: number;
  commitSeconds: number;
  graphSeconds: number;
  indexed: { cables: number; paragraphs: number };
  /** Damage found in the index and repaired by this run (vectors or an HNSW file that went missing). */
  repaired: string[];
}

export { collectFiles, MissingPathError, type IngestWarning } from './files.js';

/** Far more paragraphs than a cable has (the most in the 1,295-cable corpus is 77): indexed, but said. */
const MANY_PARAGRAPHS = 1000;
/** A commit may take this share of the time between commits, at most. */
const COMMIT_SHARE = 0.05;
/** Finished cables held for the next commit, at most (in paragraphs): memory stays bounded however fast embedding runs. */
const MAX_READY_PARAGRAPHS = 100_000;

/** What the first pass keeps of a cable: enough to decide, count and find it again, not its text. */
interface Claim {
  file: string;
  ordinal: number;
  key: string;
  /** Digest of the paragraphs' keys and text: tells "same cable, other bytes" from "other text". */
  text: string;
  unchanged: boolean;
  paragraphs: number;
  chars: number;
  /** Every file the ref was read from in this run (resolved paths). */
  seen: Set<string>;
}

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
    store.countTerms();
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    const segmentWords = Math.min(opts.segmentWords ?? SEGMENT_WORDS, opts.embedder.maxWords);
    // What the index holds for a cable depends on its source and on how it was parsed and cut.
    const versions = `:p${PARSER_VERSION}:c${CHUNKER_VERSION}:e${EMBED_INPUT_VERSION}:w${segmentWords}`;
    const cut = (cable: Cable) =>
      chunkCable(cable, { segmentWords }).map((c) =>
        c.segments.map((s) => {
          // Stored by the text the model reads, so a change to what it reads re-embeds exactly what changed.
          const text = embeddingText(c.paragraph.text.slice(s.start, s.end));
          return { ord: c.ord, start: s.start, end: s.end, hash: createHash('sha1').update(text).digest('hex'), text };
        }),
      );

    // ---- pass 1: plan --------------------------------------------------------------------------------
    const claims = new Map<string, Claim>(); // ref → the source that wins it
    let unchanged = 0;
    for (const file of files) {
      let ordinal = 0;
      for await (const item of readCables(file)) {
        ordinal++;
        if ('error' in item) {
          rejected.push(rejection(item));
          continue;
        }
        const { cable, source } = item;
        const key = `${source.digest}${versions}`;
        const isUnchanged = store.refForContent(key) !== null;
        for (const message of item.warnings ?? []) warnings.push({ file, message });
        let chars = 0;
        if (!isUnchanged) {
          crashPoint('parse');
          if (cable.paragraphs.length > MANY_PARAGRAPHS) {
            warnings.push({
              file,
              message: `${cable.paragraphs.length.toLocaleString('en-US')} paragraphs, far more than a cable has (the most in the 1,295-cable corpus is 77): all are indexed; check that the file is one cable`,
            });
          }
          const seen = new Set<string>();
          for (const s of cut(cable).flat()) if (!seen.has(s.hash) && (seen.add(s.hash), !store.hasVector(s.hash))) chars += s.text.length;
        }
        claim(claims, warnings, cable.ref, { file, ordinal, key, text: textDigest(cable.paragraphs), unchanged: isUnchanged, paragraphs: cable.paragraphs.length, chars, seen: new Set() });
      }
    }
    for (const c of claims.values()) if (c.unchanged) unchanged++;
    const todo = [...claims.entries()].filter(([, c]) => !c.unchanged);
    // A cable indexed before from another file is replaced by this run's: said when the text differs, since
    // the earlier file may be the one the user meant (not said again when an in-run warning named it).
    for (const [ref, c] of todo) {
      const oldFile = store.fileOf(ref);
      if (!oldFile || c.seen.has(oldFile) || oldFile === resolve(c.file)) continue;
      if (textDigest(store.paragraphsOf(ref)) === c.text) continue;
      warnings.push({ file: c.file, message: `replaces ${ref}, indexed before from ${oldFile}, whose text differs (the file ingested last wins; ingest ${oldFile} again to go back)` });
    }

    // Segments already indexed whose vectors are gone are embedded again, so running an ingest repairs them.
    const repaired: string[] = [];
    const lost = store.segmentsWithoutVectors();
    if (lost.length) repaired.push(`${lost.length} indexed segment(s) had no stored vector: embedded again`);

    const wanted = new Map(todo.map(([, c]) => [`${c.file}\u0000${c.ordinal}`, c]));
    const paragraphsTotal = todo.reduce((n, [, c]) => n + c.paragraphs, 0);
    const charsTotal = todo.reduce((n, [, c]) => n + c.chars, 0) + lost.reduce((n, s) => n + s.text.length, 0);
    const pipeline = new EmbedPipeline(store, opts, { paragraphsTotal, charsTotal, cablesTotal: todo.length });
    opts.onPlan?.({ files: files.length, unchanged, cables: todo.length, paragraphs: paragraphsTotal, toEmbed: pipeline.estimateTexts(charsTotal) });

    // ---- pass 2: embed and commit, chunk by chunk -----------------------------------------------------
    const pass2 = async () => {
      if (lost.length) await pipeline.add([], lost.map((s) => [s.hash, embeddingText(s.text)] as [string, string]));
      // Only sources with something to index are read again (an unchanged file is not parsed twice).
      const toRead = new Set(todo.map(([, c]) => c.file));
      for (const file of files) {
        if (wanted.size === 0) break;
        if (!toRead.has(file)) continue;
        let ordinal = 0;
        for await (const item of readCables(file)) {
          ordinal++;
          const c = wanted.get(`${file}\u0000${ordinal}`);
          if (!c || 'error' in item) continue;
          wanted.delete(`${file}\u0000${ordinal}`);
          const segments = cut(item.cable);
          await pipeline.add(
            [{ cable: item.cable, file: resolve(file), sha256: c.key, segments: segments.map((l) => l.map(({ text: _t, ...s }) => s)) }],
            segments.flat().map((s) => [s.hash, s.text]),
          );
        }
      }
      return pipeline.finish();
    };
    let done: Awaited<ReturnType<typeof pass2>>;
    try {
      done = await pass2();
    } catch (err) {
      await pipeline.stop();
      throw err;
    }
    if (!done.commits) {
      const problem = store.repairDense();
      if (problem) repaired.push(`${problem}: written again from the stored vectors`);
    }
    const stats = store.stats();
    return {
      files: files.length + missing.length,
      cables: done.cables,
      paragraphs: paragraphsTotal,
      unchanged,
      rejected,
      warnings,
      embedded: done.embedded,
      reused: done.reused,
      seconds: (performance.now() - t0) / 1000,
      embedSeconds: done.embedSeconds,
      commits: done.commits,
      commitSeconds: done.commitSeconds,
      graphSeconds: done.graphSeconds,
      indexed: { cables: stats.cables, paragraphs: stats.paragraphs },
      repaired,
    };
  } finally {
    store.close();
    lock.release();
  }
}

function rejection(item: { error: { file: string; line?: number; ref?: string; reason: string } }): Rejection {
  const e = item.error;
  const where = e.line !== undefined ? `line ${e.line}${e.ref ? ` (${e.ref})` : ''}: ` : e.ref && !e.file.includes(e.ref) ? `(${e.ref}) ` : '';
  return { file: e.file, reason: `${where}${e.reason}` };
}

function textDigest(paragraphs: { key: string; text: string }[]): string {
  const h = createHash('sha1');
  for (const p of paragraphs) h.update(`${p.key}\u0000${p.text}\u0001`);
  return h.digest('hex');
}

/**
 * Of two sources with one reference id, the one read later wins (the order a user lists them in, then
 * folder order, then row order), as a re-ingest of a changed file would; an unchanged source keeps its
 * place the same way, so which copy is indexed does not flip from run to run.
 */
function claim(claims: Map<string, Claim>, warnings: IngestWarning[], ref: string, next: Claim): void {
  const prev = claims.get(ref);
  if (prev && prev.key !== next.key && prev.text !== next.text) {
    const kept = next.unchanged ? 'the copy already indexed from this file stays' : 'this one is indexed';
    const where = (c: Claim) => (c.file === next.file && prev.file === next.file ? `${c.file} (cable ${c.ordinal} in it)` : c.file);
    warnings.push({
      file: next.file,
      message: `same reference id ${ref} as ${where(prev)}, with different text: ${kept} and ${where(prev)} is not (of two sources with one reference id, the one read later wins)`,
    });
  }
  next.seen = prev?.seen ?? new Set();
  next.seen.add(resolve(next.file));
  claims.set(ref, next);
}

interface Chunk {
  items: CommitItem[];
  texts: [string, string][];
  left: number;
}

/**
 * Keeps every embedding worker busy across chunks: texts of a chunk are sorted by length and cut into
 * batches; workers take batches in order, the chunk's cables become ready when its last batch is stored,
 * and ready cables are committed when enough time has passed (see commitEverySeconds).
 */
class EmbedPipeline {
  private readonly chunkTexts: number;
  private readonly batchSize: number;
  private readonly inFlight: number;
  private readonly commitEvery: number;
  private pendingItems: CommitItem[] = [];
  private pendingTexts = new Map<string, string>();
  private readonly chunks: Chunk[] = [];
  private readonly batches: { chunk: Chunk; texts: [string, string][] }[] = [];
  private readonly inFlightHashes = new Set<string>();
  private ready: CommitItem[] = [];
  private readyParagraphs = 0;
  private running = 0;
  private busySince = 0;
  private busy = 0;
  private embedded = 0;
  private reused = 0;
  private doneChars = 0;
  private cablesDone = 0;
  private commits = 0;
  private commitSeconds = 0;
  private graphSeconds = 0;
  private lastCommitEnd = performance.now();
  private lastCommitTook = 0;
  private failure: unknown = null;
  private wake: (() => void) | null = null;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly store: IndexStore,
    private readonly opts: IngestOptions,
    private readonly totals: { paragraphsTotal: number; charsTotal: number; cablesTotal: number },
  ) {
    this.chunkTexts = opts.chunkTexts ?? 2048;
    this.batchSize = opts.batchSize ?? 32;
    this.inFlight = Math.max(1, opts.inFlight ?? 2);
    this.commitEvery = (opts.commitEverySeconds ?? 60) * 1000;
    this.workers = Array.from({ length: this.inFlight }, () => this.worker());
  }

  /** Texts to embed, from the planned text (segments average about 600 characters). */
  estimateTexts(chars: number): number {
    return Math.ceil(chars / 600);
  }

  /** Queue cables and their segments' texts; waits while two chunks are already waiting, to bound memory. */
  async add(items: CommitItem[], texts: [string, string][]): Promise<void> {
    this.throwIfFailed();
    this.pendingItems.push(...items);
    for (const [hash, text] of texts) {
      if (this.pendingTexts.has(hash) || this.inFlightHashes.has(hash)) continue;
      if (this.store.hasVector(hash)) {
        this.reused++;
        continue;
      }
      this.pendingTexts.set(hash, text);
    }
    if (this.pendingTexts.size >= this.chunkTexts) await this.flush();
  }

  private async flush(): Promise<void> {
    const texts = [...this.pendingTexts.entries()].sort((a, b) => a[1].length - b[1].length);
    const chunk: Chunk = { items: this.pendingItems, texts, left: 0 };
    this.pendingItems = [];
    this.pendingTexts = new Map();
    for (const [hash] of texts) this.inFlightHashes.add(hash);
    for (let i = 0; i < texts.length; i += this.batchSize) this.batches.push({ chunk, texts: texts.slice(i, i + this.batchSize) });
    chunk.left = Math.ceil(texts.length / this.batchSize);
    this.chunks.push(chunk);
    this.settle();
    this.wake?.();
    // Back-pressure: parse ahead by two chunks at most.
    while (this.chunks.length > 2 && !this.failure) await new Promise<void>((r) => setTimeout(r, 20));
    this.throwIfFailed();
  }

  private async worker(): Promise<void> {
    for (;;) {
      const batch = this.batches.shift();
      if (!batch) {
        if (this.closed) return;
        await new Promise<void>((r) => {
          const prev = this.wake;
          this.wake = () => {
            this.wake = null;
            prev?.();
            r();
          };
        });
        continue;
      }
      if (this.failure) return;
      if (this.running++ === 0) this.busySince = performance.now();
      let vectors: Float32Array[];
      try {
        vectors = await this.opts.embedder.embed(batch.texts.map(([, t]) => t));
      } catch (err) {
        this.failure ??= err;
        this.wake?.();
        return;
      } finally {
        if (--this.running === 0) this.busy += performance.now() - this.busySince;
      }
      this.store.putVectors(batch.texts.map(([hash], i) => ({ hash, vector: vectors[i]! })));
      crashPoint('embed');
      for (const [hash, text] of batch.texts) {
        this.inFlightHashes.delete(hash);
        this.doneChars += text.length;
      }
      this.embedded += batch.texts.length;
      batch.chunk.left--;
      this.settle();
      this.report();
    }
  }

  private closed = false;

  /** Chunks finish in order; their cables become ready, and are committed when it is time. */
  private settle(force = false): void {
    while (this.chunks[0] && this.chunks[0].left === 0) {
      const { items } = this.chunks.shift()!;
      this.ready.push(...items);
      for (const it of items) this.readyParagraphs += it.cable.paragraphs.length;
    }
    if (!this.ready.length) return;
    const since = performance.now() - this.lastCommitEnd;
    const early = since < Math.max(this.commitEvery, this.lastCommitTook / COMMIT_SHARE);
    if (!force && this.commitEvery > 0 && early && this.readyParagraphs < MAX_READY_PARAGRAPHS) return;
    const t = performance.now();
    const items = this.ready;
    this.ready = [];
    this.readyParagraphs = 0;
    try {
      this.graphSeconds += this.store.commitCables(items).graphSeconds;
    } catch (err) {
      this.failure ??= err;
      return;
    }
    this.lastCommitEnd = performance.now();
    this.lastCommitTook = this.lastCommitEnd - t;
    this.commitSeconds += this.lastCommitTook / 1000;
    this.commits++;
    this.cablesDone += items.length;
    this.report();
  }

  private report(): void {
    const { paragraphsTotal, charsTotal, cablesTotal } = this.totals;
    const share = charsTotal > 0 ? Math.min(1, this.doneChars / charsTotal) : 1;
    this.opts.onProgress?.({
      done: this.embedded,
      total: Math.max(this.embedded, this.estimateTexts(charsTotal)),
      paragraphsDone: Math.round(paragraphsTotal * share),
      paragraphsTotal,
      cablesDone: this.cablesDone,
      cablesTotal,
    });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Let the batches in flight finish and store their vectors, then stop: nothing embedded is lost. */
  async stop(): Promise<void> {
    this.closed = true;
    this.batches.length = 0;
    this.wake?.();
    await Promise.all(this.workers);
  }

  /** Embed what is left, commit everything ready, and say what was done. */
  async finish() {
    if (this.pendingTexts.size || this.pendingItems.length) await this.flush();
    this.closed = true;
    this.wake?.();
    await Promise.all(this.workers);
    this.throwIfFailed();
    this.settle(true);
    this.throwIfFailed();
    return {
      cables: this.cablesDone,
      embedded: this.embedded,
      reused: this.reused,
      embedSeconds: this.busy / 1000,
      commits: this.commits,
      commitSeconds: this.commitSeconds,
      graphSeconds: this.graphSeconds,
    };
  }
}
