/**
 * The index on disk: one SQLite database (the source of truth: cables, paragraphs, segments, their vectors,
 * and an FTS5 lexical index) plus an HNSW file derived from the stored vectors.
 *
 * Why SQLite holds the vectors too: the HNSW file can always be rebuilt from them without embedding
 * anything, so a crash between the SQLite commit and the HNSW write costs seconds, never the index.
 * Layout and versioning: docs/index-format.md.
 */
import Database from 'better-sqlite3';
// The stems retrieval matches paragraphs on (the same Porter stems FTS5 indexes): term_counts counts those.
import { stem, words } from '../retrieve/text.js';
import { refIdsOnRefLines } from '../parse/index.js';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Cable, CableMeta, Filters, Paragraph } from '../domain.js';
import {
  addPoints,
  deletePoint,
  emptyHnsw,
  ExactScan,
  hnswExists,
  hnswFile,
  readHnsw,
  readHnswAsync,
  reconcile,
  removeOtherHnsw,
  sameLayout,
  writeHnsw,
  type DenseLayout,
  type Hnsw,
} from './dense.js';
import { project, projectionFor, type Projection } from './projection.js';
import { IndexError, rebuildCommand } from './errors.js';
import { crashPoint } from './faults.js';

export { IndexError, rebuildCommand } from './errors.js';

export const INDEX_FORMAT = 1;
const DB_FILE = 'cables.db';
/** Above this many segments a reader does not hold every vector in memory to stand in for a missing HNSW. */
const EXACT_SCAN_LIMIT = 500_000;
/** Candidates taken from a projected graph per result wanted, before ranking by full vectors. */
const RERANK_FACTOR = 2;

export interface EmbedderInfo {
  id: string;
  dimensions: number;
  /** A folder model's absolute path (meta key `model`), so the index can load it again unasked. */
  source?: string;
  /**
   * Whose fitted projection the graph holds these vectors with (projection.ts); defaults to `id`. A stand-in
   * model that mimics another's vectors names that one, so the graph is laid out as it would be.
   */
  projection?: string;
}

export interface StoredParagraph extends Paragraph {
  id: number;
  ref: string;
  ord: number;
}

export interface SegmentRow {
  id: number;
  paragraphId: number;
  start: number;
  end: number;
  hash: string;
}

export interface IndexStats {
  cables: number;
  paragraphs: number;
  segments: number;
  generation: number;
  format: number;
  embedder: EmbedderInfo;
}

export interface OpenOptions {
  /** The embedder the caller will query or ingest with; must match the one the index was built with. */
  embedder: EmbedderInfo;
  /** Create the index when it does not exist (ingest). Readers (server, ask) leave this false. */
  create?: boolean;
  readonly?: boolean;
  /** Where a reader says that it is working around a damaged or missing file (default: stderr). */
  warn?: (line: string) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cables (
  ref TEXT PRIMARY KEY, subject TEXT, date TEXT, classification TEXT, origin TEXT,
  tags TEXT NOT NULL, signature TEXT, file TEXT NOT NULL, sha256 TEXT NOT NULL, ingested_at TEXT NOT NULL, refs TEXT);
CREATE INDEX IF NOT EXISTS cables_sha ON cables(sha256);
CREATE INDEX IF NOT EXISTS cables_date ON cables(date, ref);
CREATE TABLE IF NOT EXISTS paragraphs (
  id INTEGER PRIMARY KEY, ref TEXT NOT NULL, ord INTEGER NOT NULL, key TEXT NOT NULL, number INTEGER,
  heading TEXT, marking TEXT, text TEXT NOT NULL, UNIQUE (ref, key));
CREATE TABLE IF NOT EXISTS segments (
  id INTEGER PRIMARY KEY, paragraph_id INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS segments_paragraph ON segments(paragraph_id);
CREATE INDEX IF NOT EXISTS segments_hash ON segments(hash);
CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS term_counts (term TEXT PRIMARY KEY, paragraphs INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs_fts USING fts5(
  text, heading, subject, tokenize = 'porter unicode61 remove_diacritics 2');
`;

/** What the archive page narrows the cable list by (listCables). */
export interface ArchiveFilter {
  q?: string;
  origin?: string;
  year?: string;
  classification?: string;
  tag?: string;
}

export type ArchiveFacets = Record<'origin' | 'year' | 'classification' | 'tag', { value: string; count: number }[]>;

export interface CommitItem {
  cable: Cable;
  file: string;
  sha256: string;
  segments: { ord: number; start: number; end: number; hash: string }[][];
}

/** A segment whose vector is not stored (a damaged index, or one written by two ingests at once). */
export interface SegmentWithoutVector {
  hash: string;
  text: string;
}

/** A graph loaded for reading, with what its points are (projected or not). */
interface LoadedDense {
  index: Hnsw;
  projection: Projection | null;
}

export class IndexStore {
  readonly dir: string;
  readonly embedder: EmbedderInfo;
  private db: Database.Database;
  private readonly readonly: boolean;
  /** Which file this handle has open, so a deleted or replaced index is noticed (and re-opened). */
  private fileId: string;
  /** Prepared once per SQL text: preparing is a large share of a query's cost otherwise. */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly cableCache = new Map<string, CableMeta | null>();
  private readonly stemsCache = new Map<string, Set<string>>();
  /** Which optional columns this handle's database has (an index opened read-only may predate one). */
  private readonly columns = new Map<string, boolean>();
  private synced = -1;
  private counted: { generation: number; fileId: string; cables: number; paragraphs: number; segments: number } | null = null;
  /** Changes whenever what this handle reads changes (a commit, or the index re-opened): callers key caches on it. */
  private view = 0;
  private denseIndex: LoadedDense | ExactScan | null = null;
  private denseGeneration = -1;
  private denseLoading: number | null = null;
  private warned = new Set<string>();
  private readonly warn: (line: string) => void;

  private constructor(dir: string, db: Database.Database, embedder: EmbedderInfo, readonly: boolean, warn: (line: string) => void) {
    this.dir = dir;
    this.db = db;
    this.embedder = embedder;
    this.readonly = readonly;
    this.fileId = fileIdentity(join(dir, DB_FILE));
    this.warn = warn;
  }

  static open(dir: string, opts: OpenOptions): IndexStore {
    const file = join(dir, DB_FILE);
    if (!existsSync(file)) {
      if (!opts.create) {
        throw new IndexError(`No index in ${dir} (missing ${DB_FILE}). Build one first: npm run ingest -- --index ${dir} <cables folder>`);
      }
      mkdirSync(dir, { recursive: true });
    }
    const db = openDatabase(file, dir, opts);
    const store = new IndexStore(dir, db, opts.embedder, opts.readonly ?? false, opts.warn ?? ((l) => process.stderr.write(`${l}\n`)));
    try {
      store.checkMeta(!opts.readonly);
      return store;
    } catch (err) {
      db.close();
      throw damaged(err, dir) ?? err;
    }
  }

  private checkMeta(writable: boolean): void {
    const meta = this.meta();
    if (meta.format === undefined) {
      if (!writable) throw new IndexError(`${this.dir} is not a cablechat index (no format version).`);
      const put = this.sql('INSERT INTO meta (key, value) VALUES (?, ?)');
      this.db.transaction(() => {
        put.run('format', String(INDEX_FORMAT));
        put.run('embedder', this.embedder.id);
        put.run('dimensions', String(this.embedder.dimensions));
        if (this.embedder.source) put.run('model', this.embedder.source);
        put.run('generation', '0');
      })();
      return;
    }
    if (Number(meta.format) !== INDEX_FORMAT) {
      throw new IndexError(
        `${this.dir} has index format ${meta.format}; this cablechat reads format ${INDEX_FORMAT}. Rebuild it with: ${rebuildCommand(this.dir, meta.model ?? meta.embedder ?? 'auto')}`,
      );
    }
    if (meta.embedder !== this.embedder.id || Number(meta.dimensions) !== this.embedder.dimensions) {
      throw new IndexError(
        `${this.dir} was built with the embedding model "${meta.embedder}" (${meta.dimensions}-d), but "${this.embedder.id}" (${this.embedder.dimensions}-d) is in use. ` +
          `Either run with --model ${meta.model ?? meta.embedder}, or rebuild it with: ${rebuildCommand(this.dir, this.embedder.source ?? this.embedder.id)}`,
      );
    }
    // The folder follows the model: named again with --model after a move (or for an index built before
    // folders were recorded), it is what the next run without --model loads.
    if (writable && this.embedder.source && meta.model !== this.embedder.source) {
      this.sql('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('model', this.embedder.source);
    }
  }

  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  private meta(): Record<string, string> {
    const rows = this.sql('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Whether `dir` holds an index at all (sound or not: opening it says which). */
  static exists(dir: string): boolean {
    return existsSync(join(dir, DB_FILE));
  }

  /** Read the index's embedder id without checking it, so callers can load the matching model. */
  static peekEmbedder(dir: string): EmbedderInfo | null {
    const file = join(dir, DB_FILE);
    if (!existsSync(file)) return null;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const get = (k: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)?.value;
      const id = get('embedder');
      const source = get('model');
      return id ? { id, dimensions: Number(get('dimensions')), ...(source ? { source } : {}) } : null;
    } catch {
      return null;
    } finally {
      db.close();
    }
  }

  /**
   * Call once per request: picks up an ingest committed since the last call (possibly by another process),
   * and an index deleted and rebuilt under the same folder, dropping what was cached for what came before.
   * Returns a number that changes whenever what this handle reads has changed.
   */
  sync(): number {
    const id = fileIdentity(join(this.dir, DB_FILE));
    if (id !== this.fileId) this.reopen(id);
    const gen = this.generation();
    if (gen !== this.synced) {
      this.cableCache.clear();
      this.stemsCache.clear();
      this.synced = gen;
      this.view++;
    }
    return this.view;
  }

  private reopen(id: string): void {
    if (id === 'missing') {
      throw new IndexError(`The index in ${this.dir} was deleted while in use. Build it again (npm run ingest -- --index ${this.dir} <cables folder>): it is picked up without a restart.`);
    }
    const db = openDatabase(join(this.dir, DB_FILE), this.dir, { embedder: this.embedder, readonly: this.readonly });
    const old = this.db;
    this.db = db;
    this.statements.clear();
    try {
      this.checkMeta(!this.readonly);
    } catch (err) {
      this.db = old;
      this.statements.clear();
      db.close();
      throw damaged(err, this.dir) ?? err;
    }
    old.close();
    this.fileId = id;
    this.cableCache.clear();
    this.stemsCache.clear();
    this.columns.clear();
    this.synced = -1;
    this.denseIndex = null;
    this.denseGeneration = -1;
    this.denseLoading = null;
    this.view++;
  }

  generation(): number {
    return Number((this.sql("SELECT value FROM meta WHERE key = 'generation'").get() as { value: string }).value);
  }

  /** Counts, read again only when the generation changes: count(*) reads a whole table. */
  stats(): IndexStats {
    const generation = this.generation();
    if (this.counted?.generation !== generation || this.counted.fileId !== this.fileId) {
      const count = (t: string) => (this.sql(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      this.counted = { generation, fileId: this.fileId, cables: count('cables'), paragraphs: count('paragraphs'), segments: count('segments') };
    }
    const { cables, paragraphs, segments } = this.counted;
    return { cables, paragraphs, segments, generation, format: INDEX_FORMAT, embedder: this.embedder };
  }

  close(): void {
    this.db.close();
  }

  // ---- writing (one writer at a time: see lock.ts) -----------------------------------------------------

  /** The ref of an indexed cable whose source file had exactly these bytes, if any. */
  refForContent(sha256: string): string | null {
    const row = this.sql('SELECT ref FROM cables WHERE sha256 = ?').get(sha256) as { ref: string } | undefined;
    return row?.ref ?? null;
  }

  hasVector(hash: string): boolean {
    return this.sql('SELECT 1 FROM vectors WHERE hash = ?').pluck().get(hash) !== undefined;
  }

  /** The file (absolute path) an indexed cable was read from. */
  fileOf(ref: string): string | null {
    return (this.sql('SELECT file FROM cables WHERE ref = ?').pluck().get(ref) as string | undefined) ?? null;
  }

  /** Vectors are stored as soon as they are computed, so an interrupted ingest resumes without re-embedding. */
  putVectors(items: { hash: string; vector: Float32Array }[]): void {
    const put = this.sql('INSERT OR IGNORE INTO vectors (hash, vector) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const it of items) put.run(it.hash, Buffer.from(it.vector.buffer, it.vector.byteOffset, it.vector.byteLength));
    })();
  }

  /**
   * Indexed segments whose vector is missing, with the text to embed for each. None in a healthy index; an
   * ingest embeds them again before it commits, so damage is repaired by running it.
   */
  segmentsWithoutVectors(): SegmentWithoutVector[] {
    const rows = this.sql(
      'SELECT DISTINCT s.hash, s.start, s."end", p.text FROM segments s JOIN paragraphs p ON p.id = s.paragraph_id LEFT JOIN vectors v ON v.hash = s.hash WHERE v.hash IS NULL',
    ).all() as { hash: string; start: number; end: number; text: string }[];
    return rows.map((r) => ({ hash: r.hash, text: r.text.slice(r.start, r.end) }));
  }

  /** Takes cables out of the index as the next generation (as an ingest commits); returns the ids removed. */
  removeCables(refs: string[]): string[] {
    const known = [...new Set(refs.map((r) => this.cable(r)?.ref).filter((r): r is string => typeof r === 'string'))];
    if (known.length) this.commitCables([], { remove: known });
    return known;
  }

  /**
   * Replace (or add) whole cables as the next generation: first its HNSW file, built from this generation's
   * by changing only what these cables change, then one SQLite transaction. Readers see either the old index
   * or the new one, never a mix, and never a generation without its HNSW file (dense.ts).
   */
  commitCables(items: CommitItem[], opts: { rebuild?: boolean; remove?: string[] } = {}): { graphSeconds: number } {
    const gen = this.generation();
    const { layout, projection } = this.wantedLayout();
    // Another layout (a new projection, or an index from before projections) is a fresh build, never a patch.
    const fresh = opts.rebuild || !sameLayout(this.layout(), layout);
    const next = gen + 1;
    // `ref = ?` as the deletes below: the (ref, key) index answers it; a NOCASE comparison read every paragraph.
    const oldSegments = this.sql('SELECT s.id, s.hash FROM segments s JOIN paragraphs p ON p.id = s.paragraph_id WHERE p.ref = ?');
    // Cables replaced by these items, and cables removed outright (opts.remove): their segments leave the graph.
    const gone = [...items.map((it) => it.cable.ref), ...(opts.remove ?? [])];
    const removed = gone.flatMap((ref) => oldSegments.all(ref) as { id: number; hash: string }[]);
    let label = this.nextLabel();
    const ids = items.map((it) => it.segments.map((list) => list.map(() => label++)));
    const added = items.flatMap((it, i) => it.segments.flatMap((list, o) => list.map((s, j) => ({ id: ids[i]![o]![j]!, hash: s.hash }))));

    const removedIds = new Set(removed.map((r) => r.id));
    const graphStart = performance.now();
    let index = fresh ? null : this.hnswForWriting(gen, layout);
    if (index) {
      for (const id of removedIds) deletePoint(index, id);
    } else {
      const keep = this.liveSegmentIds().filter((id) => !removedIds.has(id));
      index = emptyHnsw(layout, keep.length + added.length);
      addPoints(index, this.projected(this.vectorsOfSegments(keep), projection), keep.length);
    }
    addPoints(index, this.projected(this.vectorsOfHashes(added), projection), added.length);
    const graphSeconds = (performance.now() - graphStart) / 1000;
    writeHnsw(index, this.dir, next, () => crashPoint('hnsw-write'));
    crashPoint('hnsw-renamed');

    const del = {
      fts: this.sql('DELETE FROM paragraphs_fts WHERE rowid IN (SELECT id FROM paragraphs WHERE ref = ?)'),
      seg: this.sql('DELETE FROM segments WHERE paragraph_id IN (SELECT id FROM paragraphs WHERE ref = ?)'),
      par: this.sql('DELETE FROM paragraphs WHERE ref = ?'),
      cab: this.sql('DELETE FROM cables WHERE ref = ?'),
    };
    const insCable = this.sql(
      'INSERT INTO cables (ref, subject, date, classification, origin, tags, signature, file, sha256, ingested_at, refs) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
    );
    const insPar = this.sql('INSERT INTO paragraphs (ref, ord, key, number, heading, marking, text) VALUES (?,?,?,?,?,?,?)');
    const insFts = this.sql('INSERT INTO paragraphs_fts (rowid, text, heading, subject) VALUES (?,?,?,?)');
    const insSeg = this.sql('INSERT INTO segments (id, paragraph_id, start, "end", hash) VALUES (?,?,?,?,?)');
    const setMeta = this.sql('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    const now = new Date().toISOString();
    const counts = this.termCountsKept() ? new TermDelta() : null;
    this.db.transaction(() => {
      if (this.generation() !== gen) throw new IndexError(`${this.dir} was changed by another writer during this ingest; run it again.`);
      if (counts) for (const ref of gone) for (const t of this.sql('SELECT text FROM paragraphs WHERE ref = ?').pluck().all(ref) as string[]) counts.add(t, -1);
      for (const ref of opts.remove ?? []) for (const d of [del.fts, del.seg, del.par, del.cab]) d.run(ref);
      items.forEach(({ cable, file, sha256, segments }, i) => {
        for (const d of [del.fts, del.seg, del.par, del.cab]) d.run(cable.ref);
        // The source's own list (the release CSV's column), or else the ids on the REF lines of the preamble.
        const cited = cable.references ?? refIdsOnRefLines(cable.paragraphs.find((p) => p.key === '0')?.text ?? '', cable.date?.slice(2, 4) ?? null);
        const refs = cited.length ? JSON.stringify([...new Set(cited)]) : null;
        insCable.run(cable.ref, cable.subject, cable.date, cable.classification, cable.origin, JSON.stringify(cable.tags), cable.signature, file, sha256, now, refs);
        cable.paragraphs.forEach((p, ord) => {
          counts?.add(p.text, 1);
          const id = Number(insPar.run(cable.ref, ord, p.key, p.number, p.heading, p.marking, p.text).lastInsertRowid);
          insFts.run(id, p.text, p.heading ?? '', cable.subject ?? '');
          (segments[ord] ?? []).forEach((s, j) => insSeg.run(ids[i]![ord]![j]!, id, s.start, s.end, s.hash));
        });
      });
      counts?.apply((sql) => this.sql(sql));
      setMeta.run('generation', String(next));
      setMeta.run('next_label', String(label));
      setMeta.run('dense', JSON.stringify(layout));
      crashPoint('commit');
    })();
    crashPoint('committed');
    // Vectors nothing refers to any more; looked up by hash, so this costs what the commit changed.
    const addedHashes = new Set(added.map((a) => a.hash));
    const gc = this.sql('DELETE FROM vectors WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM segments WHERE hash = ?)');
    this.db.transaction(() => {
      for (const r of removed) if (!addedHashes.has(r.hash)) gc.run(r.hash, r.hash);
    })();
    removeOtherHnsw(this.dir, [gen, next]);
    this.denseIndex = { index, projection };
    this.denseGeneration = next;
    return { graphSeconds };
  }

  /**
   * Check that this generation's HNSW file exists, opens, and holds exactly the indexed segments; write it
   * again when not. What an ingest with nothing new to commit does, so running it repairs the index.
   * Returns what was wrong, or null.
   */
  repairDense(): string | null {
    const gen = this.generation();
    const live = this.liveSegmentIds();
    if (gen === 0 && live.length === 0) return null;
    const { layout, projection } = this.wantedLayout();
    const held = this.layout();
    if (!sameLayout(held, layout)) {
      this.commitCables([], { rebuild: true });
      return `the HNSW graph held vectors as ${describeLayout(held)} where this version holds them as ${describeLayout(layout)}`;
    }
    const file = hnswFile(this.dir, gen);
    let problem: string | null = null;
    let index: Hnsw | null = null;
    if (!existsSync(file)) problem = `${file} was missing`;
    else {
      try {
        index = readHnsw(file, layout);
      } catch (err) {
        problem = `${file} was damaged (${(err as Error).message})`;
      }
    }
    if (index) {
      const labels = new Set(index.getIdsList());
      const missing = live.filter((id) => !labels.has(id)).length;
      if (!missing) return null;
      problem = `${file} lacked ${missing} of ${live.length} segments`;
    }
    let fixed = index ? reconcile(index, live, (ids) => this.projected(this.vectorsOfSegments(ids), projection)) : null;
    if (!fixed) {
      fixed = emptyHnsw(layout, live.length);
      addPoints(fixed, this.projected(this.vectorsOfSegments(live), projection), live.length);
    }
    writeHnsw(fixed, this.dir, gen);
    removeOtherHnsw(this.dir, [gen]);
    return problem;
  }

  /** This generation's HNSW made to match the indexed segments, or null when a fresh build is due. */
  private hnswForWriting(gen: number, layout: DenseLayout): Hnsw | null {
    // The graph this process wrote last is the file's content: no need to read it back.
    if (this.denseGeneration === gen && this.denseIndex && !(this.denseIndex instanceof ExactScan)) return this.denseIndex.index;
    const file = hnswFile(this.dir, gen);
    if (!existsSync(file)) return null;
    let index: Hnsw;
    try {
      index = readHnsw(file, layout);
    } catch {
      return null;
    }
    const projection = this.wantedLayout().projection;
    return reconcile(index, this.liveSegmentIds(), (ids) => this.projected(this.vectorsOfSegments(ids), projection));
  }

  /** How this version holds this embedder's vectors in the graph. */
  private wantedLayout(): { layout: DenseLayout; projection: Projection | null } {
    const projection = projectionFor(this.embedder.projection ?? this.embedder.id);
    if (projection && projection.inputDims === this.embedder.dimensions) {
      return { layout: { space: 'ip', dims: projection.outputDims, projection: projection.id }, projection };
    }
    return { layout: { space: 'cosine', dims: this.embedder.dimensions, projection: null }, projection: null };
  }

  /** How the generation in force holds them (meta `dense`; an index from before it holds them in full). */
  private layout(): DenseLayout {
    const raw = this.sql("SELECT value FROM meta WHERE key = 'dense'").pluck().get() as string | undefined;
    return raw ? (JSON.parse(raw) as DenseLayout) : { space: 'cosine', dims: this.embedder.dimensions, projection: null };
  }

  private *projected(points: Iterable<{ id: number; vector: Float32Array }>, projection: Projection | null): Generator<{ id: number; vector: Float32Array }> {
    for (const p of points) yield projection ? { id: p.id, vector: project(projection, p.vector) } : p;
  }

  private nextLabel(): number {
    const stored = this.sql("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_label'").pluck().get() as number | undefined;
    const max = (this.sql('SELECT max(id) FROM segments').pluck().get() as number | null) ?? 0;
    return Math.max(stored ?? 0, max + 1);
  }

  private liveSegmentIds(): number[] {
    return this.sql('SELECT s.id FROM segments s JOIN vectors v ON v.hash = s.hash ORDER BY s.id').pluck().all() as number[];
  }

  private *vectorsOfSegments(ids: number[]): Generator<{ id: number; vector: Float32Array }> {
    const q = this.sql('SELECT s.id, v.vector FROM json_each(?) j JOIN segments s ON s.id = j.value JOIN vectors v ON v.hash = s.hash ORDER BY s.id');
    for (let i = 0; i < ids.length; i += 10_000) {
      for (const r of q.all(JSON.stringify(ids.slice(i, i + 10_000))) as { id: number; vector: Buffer }[]) yield { id: r.id, vector: toFloat32(r.vector) };
    }
  }

  private *vectorsOfHashes(items: { id: number; hash: string }[]): Generator<{ id: number; vector: Float32Array }> {
    const q = this.sql('SELECT vector FROM vectors WHERE hash = ?').pluck();
    for (const it of items) {
      const v = q.get(it.hash) as Buffer | undefined;
      if (!v) throw new IndexError(`Internal error: segment ${it.id} has no stored vector; run the ingest again.`);
      yield { id: it.id, vector: toFloat32(v) };
    }
  }

  // ---- reading -------------------------------------------------------------------------------------

  /**
   * The dense index of the generation in force. A newer generation's file is loaded off the event loop
   * while the one already loaded keeps answering; a missing or damaged file is stood in for by an exact
   * scan of the stored vectors (and said once) until an ingest writes it again.
   */
  private dense(): LoadedDense | ExactScan | null {
    if (this.synced < 0) this.sync();
    const gen = this.synced;
    const current = this.denseIndex && this.denseGeneration === gen;
    if (current && !(this.denseIndex instanceof ExactScan && hnswExists(this.dir, gen))) return this.denseIndex;
    const file = hnswFile(this.dir, gen);
    const layout = this.layout();
    const projection = layout.projection ? projectionFor(this.embedder.projection ?? this.embedder.id) : null;
    if (layout.projection && projection?.id !== layout.projection) {
      this.warnOnce(`layout:${gen}`, `${file} holds vectors projected as "${layout.projection}", which this version does not know`);
    } else if (existsSync(file) && !this.warned.has(`bad:${gen}`)) {
      if (this.denseIndex) {
        this.loadInBackground(gen, file, layout, projection);
        return this.denseIndex;
      }
      try {
        this.denseIndex = { index: readHnsw(file, layout), projection };
        this.denseGeneration = gen;
        return this.denseIndex;
      } catch (err) {
        this.warnOnce(`bad:${gen}`, `${file} is damaged (${(err as Error).message})`);
      }
    } else {
      this.warnOnce(`missing:${gen}`, `${file} is missing`);
    }
    if (current) return this.denseIndex;
    const count = (this.sql('SELECT count(*) FROM segments').pluck().get() as number) ?? 0;
    if (count > EXACT_SCAN_LIMIT) return this.denseIndex;
    this.denseIndex = this.exactScan();
    this.denseGeneration = gen;
    return this.denseIndex;
  }

  private loadInBackground(gen: number, file: string, layout: DenseLayout, projection: Projection | null): void {
    if (this.denseLoading === gen) return;
    this.denseLoading = gen;
    readHnswAsync(file, layout).then(
      (index) => {
        if (this.denseLoading === gen) this.denseLoading = null;
        if (gen >= this.denseGeneration || this.denseIndex instanceof ExactScan) {
          this.denseIndex = { index, projection };
          this.denseGeneration = gen;
        }
      },
      (err: Error) => {
        if (this.denseLoading === gen) this.denseLoading = null;
        this.warnOnce(`bad:${gen}`, `${file} is damaged (${err.message})`);
      },
    );
  }

  private warnOnce(key: string, what: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(`warning: ${what}: dense search reads the stored vectors exactly until it is written again. Run your ingest command again to rewrite it (npm run ingest -- --index ${this.dir} <cables>).`);
  }

  private exactScan(): ExactScan {
    const ids = this.liveSegmentIds();
    const d = this.embedder.dimensions;
    const vectors = new Float32Array(ids.length * d);
    const order = new Int32Array(ids.length);
    let i = 0;
    for (const v of this.vectorsOfSegments(ids)) {
      order[i] = v.id;
      vectors.set(v.vector, i++ * d);
    }
    return new ExactScan(order.subarray(0, i), vectors.subarray(0, i * d), d);
  }

  /** Nearest segments to a query vector, as (segment id, cosine similarity), optionally only among `allowed`. */
  searchDense(query: Float32Array, k: number, allowed?: Set<number>): { segment: number; similarity: number }[] {
    const dense = this.dense();
    if (!dense) return [];
    if (dense instanceof ExactScan) return dense.search(query, k, allowed);
    const { index, projection } = dense;
    const n = index.getCurrentCount();
    if (n === 0) return [];
    const filter = allowed ? (l: number) => allowed.has(l) : undefined;
    const room = allowed ? Math.min(n, allowed.size) : n;
    if (!projection) {
      const res = index.searchKnn(Array.from(query), Math.min(k, room), filter);
      return res.neighbors.map((segment, i) => ({ segment, similarity: 1 - res.distances[i]! }));
    }
    // The graph ranks by projected vectors: take a few more than asked and rank those by their full vectors.
    const res = index.searchKnn(Array.from(project(projection, query)), Math.min(room, k * RERANK_FACTOR), filter);
    const out: { segment: number; similarity: number }[] = [];
    for (const v of this.vectorsOfSegments(res.neighbors)) {
      let s = 0;
      for (let j = 0; j < query.length; j++) s += query[j]! * v.vector[j]!;
      out.push({ segment: v.id, similarity: s });
    }
    return out.sort((a, b) => b.similarity - a.similarity || a.segment - b.segment).slice(0, k);
  }

  /** BM25 over paragraph text (weighted above heading and subject); lower bm25() is better, we return higher-is-better. */
  searchLexical(match: string, k: number, paragraphIds?: Set<number>): { paragraph: number; score: number }[] {
    if (!match.trim()) return [];
    const rows = this.sql('SELECT rowid AS id, -bm25(paragraphs_fts, 1.0, 0.4, 0.3) AS score FROM paragraphs_fts WHERE paragraphs_fts MATCH ? ORDER BY score DESC LIMIT ?')
      .all(match, paragraphIds ? 100000 : k) as { id: number; score: number }[];
    const out = paragraphIds ? rows.filter((r) => paragraphIds.has(r.id)).slice(0, k) : rows;
    return out.map((r) => ({ paragraph: r.id, score: r.score }));
  }

  /** Whether this index keeps per-term paragraph counts (term_counts, complete): meta `term_counts` = 1. */
  termCountsKept(): boolean {
    return this.sql("SELECT value FROM meta WHERE key = 'term_counts'").pluck().get() === '1';
  }

  /**
   * Counts, for every stem, the paragraphs whose text has it (the stems retrieval matches on), once, for an
   * index written before the counts were kept; every commit then keeps them. A writer calls this.
   */
  countTerms(): void {
    if (this.termCountsKept()) return;
    const counts = new TermDelta();
    for (const t of this.sql('SELECT text FROM paragraphs').pluck().iterate() as IterableIterator<string>) counts.add(t, 1);
    this.db.transaction(() => {
      this.sql('DELETE FROM term_counts').run();
      counts.apply((sql) => this.sql(sql));
      this.sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('term_counts', '1')").run();
    })();
  }

  /**
   * Paragraphs whose text has this stem, read from the kept counts (one lookup, whatever the archive's size);
   * null for an index that keeps none (callers then ask the full-text index, which costs what the term's
   * postings cost).
   */
  paragraphsWithTerm(stem: string): number | null {
    const generation = this.generation();
    if (this.countsKnown?.generation !== generation) this.countsKnown = { generation, kept: this.termCountsKept() };
    if (!this.countsKnown.kept) return null;
    return (this.sql('SELECT paragraphs FROM term_counts WHERE term = ?').pluck().get(stem) as number | undefined) ?? 0;
  }

  private countsKnown: { generation: number; kept: boolean } | undefined;

  /** Document frequency of a term in the lexical index, for IDF weights in the reranker. */
  documentFrequency(term: string): number {
    const row = this.sql('SELECT count(*) AS n FROM paragraphs_fts WHERE paragraphs_fts MATCH ?').get(`text:${quoteFts(term)}`) as { n: number };
    return row.n;
  }

  /** Whether any paragraph (text, heading or subject) has this word, as the full-text index stems it. */
  mentions(word: string): boolean {
    return this.sql('SELECT 1 FROM paragraphs_fts WHERE paragraphs_fts MATCH ? LIMIT 1').pluck().get(quoteFts(word)) !== undefined;
  }

  /**
   * The stems of a whole cable (every paragraph, its headings and the subject), for the questions' "is this
   * word anywhere in the cable" features. Read and kept per cable (the last 500 asked about, per generation):
   * a question asks about its ~20 candidate cables, so the cost does not grow with the archive.
   */
  cableStems(ref: string): Set<string> {
    let stems = this.stemsCache.get(ref);
    if (!stems) {
      stems = new Set<string>();
      const add = (text: string | null) => {
        if (text) for (const w of words(text)) stems!.add(stem(w.word));
      };
      for (const p of this.sql('SELECT text, heading FROM paragraphs WHERE ref = ?').all(ref) as { text: string; heading: string | null }[]) (add(p.text), add(p.heading));
      add(this.cable(ref)?.subject ?? null);
      if (this.stemsCache.size >= CABLE_STEMS_KEPT) this.stemsCache.delete(this.stemsCache.keys().next().value!);
      this.stemsCache.set(ref, stems);
    }
    return stems;
  }

  /** Segment rows for HNSW labels, in one statement (json_each keeps it a single cached query). */
  segments(ids: number[]): SegmentRow[] {
    return this.sql('SELECT s.id, s.paragraph_id AS paragraphId, s.start, s."end", s.hash FROM json_each(?) j JOIN segments s ON s.id = j.value').all(
      JSON.stringify(ids),
    ) as SegmentRow[];
  }

  segmentsOf(paragraphId: number): (SegmentRow & { vector: Float32Array })[] {
    const rows = this.sql('SELECT s.id, s.paragraph_id AS paragraphId, s.start, s."end", s.hash, v.vector FROM segments s JOIN vectors v ON v.hash = s.hash WHERE s.paragraph_id = ? ORDER BY s.start')
      .all(paragraphId) as (SegmentRow & { vector: Buffer })[];
    return rows.map((r) => ({ ...r, vector: toFloat32(r.vector) }));
  }

  paragraph(id: number): StoredParagraph | null {
    const row = this.sql('SELECT id, ref, ord, key, number, heading, marking, text FROM paragraphs WHERE id = ?').get(id) as StoredParagraph | undefined;
    return row ?? null;
  }

  paragraphsOf(ref: string): StoredParagraph[] {
    return this.sql('SELECT id, ref, ord, key, number, heading, marking, text FROM paragraphs WHERE ref = ? ORDER BY ord').all(ref) as StoredParagraph[];
  }

  /** Cable metadata, cached until sync() sees a new generation: every candidate paragraph needs its cable's. */
  cable(ref: string): CableMeta | null {
    let meta = this.cableCache.get(ref);
    if (meta === undefined) {
      // Bounded: an archive of 250,000 cables must not end up in memory one question at a time.
      if (this.cableCache.size >= 20_000) this.cableCache.delete(this.cableCache.keys().next().value!);
      this.cableCache.set(ref, (meta = this.readCable(ref)));
    }
    return meta;
  }

  private readCable(ref: string): CableMeta | null {
    // An index opened read-only may predate the refs column.
    const refs = this.hasColumn('cables', 'refs') ? 'refs' : 'NULL AS refs';
    // The exact id (every id a search finds) by the primary key; another spelling (a typed link) by a scan.
    const columns = `ref, subject, date, classification, origin, tags, signature, ${refs}`;
    const row = (this.sql(`SELECT ${columns} FROM cables WHERE ref = ?`).get(ref) ?? this.sql(`SELECT ${columns} FROM cables WHERE ref = ? COLLATE NOCASE`).get(ref)) as
      | (Omit<CableMeta, 'tags' | 'references'> & { tags: string; refs: string | null })
      | undefined;
    if (!row) return null;
    const { refs: list, ...meta } = row;
    return { ...meta, tags: JSON.parse(row.tags) as string[], ...(list ? { references: JSON.parse(list) as string[] } : {}) };
  }

  private hasColumn(table: string, column: string): boolean {
    const key = `${table}.${column}`;
    let has = this.columns.get(key);
    if (has === undefined) this.columns.set(key, (has = (this.sql('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).includes(column)));
    return has;
  }

  /**
   * Cables newest first, optionally narrowed: `q` matches the reference id or the subject (case-insensitive
   * substring), the others match their field exactly (`year`: the date's first four characters, `tag`: one of
   * the TAGS).
   */
  listCables(offset: number, limit: number, where: ArchiveFilter = {}): { total: number; items: (CableMeta & { paragraphs: number })[] } {
    const conds: string[] = [];
    const args: (string | number)[] = [];
    if (where.q) (conds.push("(c.ref LIKE ? ESCAPE '\\' OR c.subject LIKE ? ESCAPE '\\')"), args.push(`%${likeEscape(where.q)}%`, `%${likeEscape(where.q)}%`));
    if (where.origin) (conds.push('c.origin = ?'), args.push(where.origin));
    if (where.classification) (conds.push('c.classification = ?'), args.push(where.classification));
    if (where.year) (conds.push('substr(c.date, 1, 4) = ?'), args.push(where.year));
    if (where.tag) (conds.push('EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value = ?)'), args.push(where.tag));
    const w = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const total = (this.sql(`SELECT count(*) AS n FROM cables c ${w}`).get(...args) as { n: number }).n;
    const rows = this.sql(
      `SELECT c.ref, c.subject, c.date, c.classification, c.origin, c.tags, c.signature, (SELECT count(*) FROM paragraphs p WHERE p.ref = c.ref) AS paragraphs FROM cables c ${w} ORDER BY c.date DESC, c.ref LIMIT ? OFFSET ?`,
    ).all(...args, limit, offset) as (Omit<CableMeta, 'tags'> & { tags: string; paragraphs: number })[];
    return { total, items: rows.map((r) => ({ ...r, tags: JSON.parse(r.tags) as string[] })) };
  }

  /** Indexed cables that cite this one (their `refs`: the source's list, or the ids on their REF lines). */
  citedBy(ref: string): string[] {
    const listed = this.hasColumn('cables', 'refs')
      ? (this.sql('SELECT ref FROM cables WHERE refs LIKE ? AND ref != ? LIMIT 200').pluck().all(`%"${ref.replace(/[%_"\\]/g, '')}"%`, ref) as string[])
      : [];
    return [...new Set(listed)].sort();
  }

  /** How many cables have each origin, year, classification and tag (most first), counted once per generation. */
  facets(): ArchiveFacets {
    const generation = this.generation();
    if (this.facetCache?.generation !== generation) {
      const count = (sql: string) => this.sql(sql).all() as { value: string; count: number }[];
      this.facetCache = {
        generation,
        facets: {
          origin: count("SELECT origin AS value, count(*) AS count FROM cables WHERE origin IS NOT NULL AND origin != '' GROUP BY origin ORDER BY count DESC, value"),
          year: count("SELECT substr(date, 1, 4) AS value, count(*) AS count FROM cables WHERE date IS NOT NULL AND date != '' GROUP BY value ORDER BY value DESC"),
          classification: count("SELECT classification AS value, count(*) AS count FROM cables WHERE classification IS NOT NULL AND classification != '' GROUP BY classification ORDER BY count DESC, value"),
          tag: count('SELECT t.value AS value, count(*) AS count FROM cables c, json_each(c.tags) t GROUP BY t.value ORDER BY count DESC, value'),
        },
      };
    }
    return this.facetCache.facets;
  }

  private facetCache: { generation: number; facets: ArchiveFacets } | undefined;

  /**
   * Paragraph ids allowed by the filters, or undefined when there are no filters (everything allowed).
   * Date bounds compare ISO prefixes, so "2008-01" means from the first of January 2008 (after) or
   * through the end of January 2008 (before).
   */
  allowedParagraphs(f: Filters): Set<number> | undefined {
    const where: string[] = [];
    const args: string[] = [];
    if (f.origin) (where.push('c.origin LIKE ?'), args.push(`%${f.origin}%`));
    if (f.classification) (where.push('c.classification LIKE ?'), args.push(`%${f.classification}%`));
    if (f.cable) (where.push('c.ref = ? COLLATE NOCASE'), args.push(f.cable));
    if (f.tag) (where.push('EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE upper(t.value) = upper(?))'), args.push(f.tag));
    if (f.after) (where.push('c.date >= ?'), args.push(f.after));
    if (f.before) (where.push('substr(c.date, 1, ?) <= ?'), args.push(String(f.before.length), f.before));
    if (!where.length) return undefined;
    const ids = this.sql(`SELECT p.id FROM paragraphs p JOIN cables c ON c.ref = p.ref WHERE ${where.join(' AND ')}`).pluck().all(...args) as number[];
    return new Set(ids);
  }

  allowedSegments(paragraphs: Set<number>): Set<number> {
    const q = this.sql('SELECT s.id FROM json_each(?) j JOIN segments s ON s.paragraph_id = j.value').pluck();
    return new Set(q.all(JSON.stringify([...paragraphs])) as number[]);
  }

}

export function toFloat32(b: Buffer): Float32Array {
  // Copy: a Buffer from SQLite may not be 4-byte aligned.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** Changes to term_counts from paragraphs added (+1) and removed (-1), applied in one pass. */
class TermDelta {
  private readonly delta = new Map<string, number>();

  add(text: string, by: 1 | -1): void {
    for (const t of new Set(words(text).map((w) => stem(w.word)))) this.delta.set(t, (this.delta.get(t) ?? 0) + by);
  }

  apply(sql: (q: string) => Database.Statement): void {
    const upsert = sql('INSERT INTO term_counts (term, paragraphs) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET paragraphs = paragraphs + excluded.paragraphs');
    const drop = sql('DELETE FROM term_counts WHERE term = ? AND paragraphs <= 0');
    for (const [t, n] of this.delta) {
      if (n === 0) continue;
      upsert.run(t, n);
      if (n < 0) drop.run(t);
    }
  }
}

/** For LIKE: the pattern characters of a user's text taken literally. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Cables whose stems are kept between questions (cableStems). */
const CABLE_STEMS_KEPT = 500;

export function quoteFts(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

function openDatabase(file: string, dir: string, opts: OpenOptions): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: !opts.create });
  } catch (err) {
    throw damaged(err, dir) ?? err;
  }
  try {
    if (!opts.readonly) {
      // WAL lets a server keep reading the last committed index while an ingest writes the next one.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      // Added after format 1 was first written: older indexes gain the column (readers ignore it).
      const columns = db.prepare("SELECT name FROM pragma_table_info('cables')").pluck().all() as string[];
      if (!columns.includes('refs')) db.exec('ALTER TABLE cables ADD COLUMN refs TEXT');
    }
    db.pragma('busy_timeout = 5000');
    // SQLite's default 2 MB page cache makes every insert into the hash-keyed indexes of a large archive a
    // read from the OS: an ingest of millions of paragraphs spent most of its time in system calls.
    db.pragma(`cache_size = ${opts.create ? -256 * 1024 : -32 * 1024}`);
    return db;
  } catch (err) {
    db.close();
    throw damaged(err, dir) ?? err;
  }
}

/** SQLite's words for a damaged or foreign file, turned into what to do about it. */
function damaged(err: unknown, dir: string): IndexError | null {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new IndexError(
      `${join(dir, DB_FILE)} is damaged or is not a cablechat index (${(err as Error).message}). Move it aside and rebuild: ${rebuildCommand(dir, 'auto')}`,
    );
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' || code === 'EACCES') {
    return new IndexError(`Cannot open the index in ${dir} for writing (${(err as Error).message}): check that the folder is writable by this user.`);
  }
  return null;
}

/** Device and inode: the same path holding a new file means the index was deleted and rebuilt. */
function fileIdentity(file: string): string {
  try {
    const st = statSync(file);
    return `${st.dev}:${st.ino}`;
  } catch {
    return 'missing';
  }
}

function describeLayout(l: DenseLayout): string {
  return l.projection ? `${l.dims}-d projections ("${l.projection}")` : `full ${l.dims}-d vectors`;
}
