/**
 * The index on disk: one SQLite database (the source of truth: cables, paragraphs, segments, their vectors,
 * and an FTS5 lexical index) plus an HNSW file derived from the stored vectors.
 *
 * Why SQLite holds the vectors too: the HNSW file can always be rebuilt from them without embedding
 * anything, so a crash between the SQLite commit and the HNSW write costs seconds, never the index.
 * Layout and versioning: docs/index-format.md.
 */
import Database from 'better-sqlite3';
import hnswlib from 'hnswlib-node';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Cable, CableMeta, Filters, Paragraph } from '../domain.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export const INDEX_FORMAT = 1;
const DB_FILE = 'cables.db';
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 200;
const HNSW_EF_SEARCH = 128;

export class IndexError extends Error {}

export interface EmbedderInfo {
  id: string;
  dimensions: number;
  /** A folder model's absolute path (meta key `model`), so the index can load it again unasked. */
  source?: string;
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
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cables (
  ref TEXT PRIMARY KEY, subject TEXT, date TEXT, classification TEXT, origin TEXT,
  tags TEXT NOT NULL, signature TEXT, file TEXT NOT NULL, sha256 TEXT NOT NULL, ingested_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cables_sha ON cables(sha256);
CREATE TABLE IF NOT EXISTS paragraphs (
  id INTEGER PRIMARY KEY, ref TEXT NOT NULL, ord INTEGER NOT NULL, key TEXT NOT NULL, number INTEGER,
  heading TEXT, marking TEXT, text TEXT NOT NULL, UNIQUE (ref, key));
CREATE TABLE IF NOT EXISTS segments (
  id INTEGER PRIMARY KEY, paragraph_id INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS segments_paragraph ON segments(paragraph_id);
CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs_fts USING fts5(
  text, heading, subject, tokenize = 'porter unicode61 remove_diacritics 2');
`;

/** The command that builds `dir` afresh with `model`, for error messages. */
export function rebuildCommand(dir: string, model: string): string {
  return `rm -rf ${dir} && npm run ingest -- --index ${dir} --model ${model} <your cables folder>`;
}

export class IndexStore {
  readonly dir: string;
  readonly embedder: EmbedderInfo;
  private readonly db: Database.Database;
  private hnsw: Hnsw | null = null;
  /** Prepared once per SQL text: preparing is a large share of a query's cost otherwise. */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly cableCache = new Map<string, CableMeta | null>();
  private synced = -1;
  private hnswGeneration = -1;

  private constructor(dir: string, db: Database.Database, embedder: EmbedderInfo) {
    this.dir = dir;
    this.db = db;
    this.embedder = embedder;
  }

  static open(dir: string, opts: OpenOptions): IndexStore {
    const file = join(dir, DB_FILE);
    if (!existsSync(file)) {
      if (!opts.create) {
        throw new IndexError(`No index in ${dir} (missing ${DB_FILE}). Build one first: npm run ingest -- --index ${dir} <cables folder>`);
      }
      mkdirSync(dir, { recursive: true });
    }
    const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: !opts.create });
    try {
      if (!opts.readonly) {
        // WAL lets a server keep reading the last committed index while an ingest writes the next one.
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.exec(SCHEMA);
      }
      db.pragma('busy_timeout = 5000');
      const store = new IndexStore(dir, db, opts.embedder);
      store.checkMeta(!opts.readonly);
      return store;
    } catch (err) {
      db.close();
      throw err;
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
   * dropping what was cached for the older generation. Returns the generation now in force.
   */
  sync(): number {
    const gen = this.generation();
    if (gen !== this.synced) {
      this.cableCache.clear();
      this.synced = gen;
    }
    return gen;
  }

  generation(): number {
    return Number((this.sql("SELECT value FROM meta WHERE key = 'generation'").get() as { value: string }).value);
  }

  stats(): IndexStats {
    const count = (t: string) => (this.sql(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return {
      cables: count('cables'),
      paragraphs: count('paragraphs'),
      segments: count('segments'),
      generation: this.generation(),
      format: INDEX_FORMAT,
      embedder: this.embedder,
    };
  }

  close(): void {
    this.db.close();
  }

  // ---- writing -------------------------------------------------------------------------------------

  /** The ref of an indexed cable whose source file had exactly these bytes, if any. */
  refForContent(sha256: string): string | null {
    const row = this.sql('SELECT ref FROM cables WHERE sha256 = ?').get(sha256) as { ref: string } | undefined;
    return row?.ref ?? null;
  }

  /** Which of these segment hashes already have a stored vector. */
  cachedHashes(hashes: string[]): Set<string> {
    const have = new Set<string>();
    const q = this.sql('SELECT 1 FROM vectors WHERE hash = ?').pluck();
    for (const h of hashes) if (q.get(h)) have.add(h);
    return have;
  }

  /** Vectors are stored as soon as they are computed, so an interrupted ingest resumes without re-embedding. */
  putVectors(items: { hash: string; vector: Float32Array }[]): void {
    const put = this.sql('INSERT OR IGNORE INTO vectors (hash, vector) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const it of items) put.run(it.hash, Buffer.from(it.vector.buffer, it.vector.byteOffset, it.vector.byteLength));
    })();
  }

  /**
   * Replace (or add) whole cables in one transaction, then bring the HNSW file up to date.
   * Readers see either the old index or the new one, never a mix.
   */
  commitCables(items: { cable: Cable; file: string; sha256: string; segments: { ord: number; start: number; end: number; hash: string }[][] }[]): void {
    const del = {
      fts: this.sql('DELETE FROM paragraphs_fts WHERE rowid IN (SELECT id FROM paragraphs WHERE ref = ?)'),
      seg: this.sql('DELETE FROM segments WHERE paragraph_id IN (SELECT id FROM paragraphs WHERE ref = ?)'),
      par: this.sql('DELETE FROM paragraphs WHERE ref = ?'),
      cab: this.sql('DELETE FROM cables WHERE ref = ?'),
    };
    const insCable = this.sql(
      'INSERT INTO cables (ref, subject, date, classification, origin, tags, signature, file, sha256, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)',
    );
    const insPar = this.sql('INSERT INTO paragraphs (ref, ord, key, number, heading, marking, text) VALUES (?,?,?,?,?,?,?)');
    const insFts = this.sql('INSERT INTO paragraphs_fts (rowid, text, heading, subject) VALUES (?,?,?,?)');
    const insSeg = this.sql('INSERT INTO segments (paragraph_id, start, "end", hash) VALUES (?,?,?,?)');
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const { cable, file, sha256, segments } of items) {
        for (const d of [del.fts, del.seg, del.par, del.cab]) d.run(cable.ref);
        insCable.run(cable.ref, cable.subject, cable.date, cable.classification, cable.origin, JSON.stringify(cable.tags), cable.signature, file, sha256, now);
        cable.paragraphs.forEach((p, ord) => {
          const id = Number(insPar.run(cable.ref, ord, p.key, p.number, p.heading, p.marking, p.text).lastInsertRowid);
          insFts.run(id, p.text, p.heading ?? '', cable.subject ?? '');
          for (const s of segments[ord] ?? []) insSeg.run(id, s.start, s.end, s.hash);
        });
      }
      this.sql("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'").run();
    })();
    this.sql('DELETE FROM vectors WHERE hash NOT IN (SELECT hash FROM segments)').run();
    this.writeHnsw();
  }

  /** Build the HNSW for the current generation from stored vectors and persist it atomically (tmp + rename). */
  private writeHnsw(): void {
    const gen = this.generation();
    const index = this.buildHnsw();
    const tmp = join(this.dir, `dense-${gen}.hnsw.tmp`);
    index.writeIndexSync(tmp);
    renameSync(tmp, join(this.dir, `dense-${gen}.hnsw`));
    for (const f of readdirSync(this.dir)) {
      if (/^dense-\d+\.hnsw(\.tmp)?$/.test(f) && f !== `dense-${gen}.hnsw`) rmSync(join(this.dir, f), { force: true });
    }
    this.hnsw = index;
    this.hnswGeneration = gen;
  }

  private buildHnsw(): Hnsw {
    const rows = this.db
      .prepare('SELECT s.id AS id, v.vector AS vector FROM segments s JOIN vectors v ON v.hash = s.hash')
      .all() as { id: number; vector: Buffer }[];
    const index = new HierarchicalNSW('cosine', this.embedder.dimensions);
    index.initIndex({ maxElements: Math.max(16, rows.length), m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: 42 });
    for (const r of rows) index.addPoint(Array.from(toFloat32(r.vector)), r.id);
    return index;
  }

  // ---- reading -------------------------------------------------------------------------------------

  /** The HNSW of the generation in force (see sync()); loaded, or rebuilt from stored vectors, on first use. */
  dense(): Hnsw {
    const gen = this.synced < 0 ? this.sync() : this.synced;
    if (this.hnsw && this.hnswGeneration === gen) return this.hnsw;
    const file = join(this.dir, `dense-${gen}.hnsw`);
    const index = new HierarchicalNSW('cosine', this.embedder.dimensions);
    if (existsSync(file)) index.readIndexSync(file);
    else return this.rebuildMissingHnsw(gen);
    index.setEf(HNSW_EF_SEARCH);
    this.hnsw = index;
    this.hnswGeneration = gen;
    return index;
  }

  private rebuildMissingHnsw(gen: number): Hnsw {
    // The ingest that committed this generation stopped before writing its HNSW file (or is writing it now).
    const index = this.buildHnsw();
    index.setEf(HNSW_EF_SEARCH);
    this.hnsw = index;
    this.hnswGeneration = gen;
    return index;
  }

  /** Nearest segments to a query vector, as (segment id, cosine similarity), optionally only among `allowed`. */
  searchDense(query: Float32Array, k: number, allowed?: Set<number>): { segment: number; similarity: number }[] {
    const index = this.dense();
    const n = index.getCurrentCount();
    if (n === 0) return [];
    const res = index.searchKnn(Array.from(query), Math.min(k, allowed ? Math.min(n, allowed.size) : n), allowed ? (l: number) => allowed.has(l) : undefined);
    return res.neighbors.map((segment, i) => ({ segment, similarity: 1 - res.distances[i]! }));
  }

  /** BM25 over paragraph text (weighted above heading and subject); lower bm25() is better, we return higher-is-better. */
  searchLexical(match: string, k: number, paragraphIds?: Set<number>): { paragraph: number; score: number }[] {
    if (!match.trim()) return [];
    const rows = this.db
      .prepare('SELECT rowid AS id, -bm25(paragraphs_fts, 1.0, 0.4, 0.3) AS score FROM paragraphs_fts WHERE paragraphs_fts MATCH ? ORDER BY score DESC LIMIT ?')
      .all(match, paragraphIds ? 100000 : k) as { id: number; score: number }[];
    const out = paragraphIds ? rows.filter((r) => paragraphIds.has(r.id)).slice(0, k) : rows;
    return out.map((r) => ({ paragraph: r.id, score: r.score }));
  }

  /** Document frequency of a term in the lexical index, for IDF weights in the reranker. */
  documentFrequency(term: string): number {
    const row = this.sql('SELECT count(*) AS n FROM paragraphs_fts WHERE paragraphs_fts MATCH ?').get(`text:${quoteFts(term)}`) as { n: number };
    return row.n;
  }

  /** References of the cables with this term anywhere (text, heading or subject). */
  cablesWithTerm(term: string): Set<string> {
    const q = this.sql('SELECT DISTINCT p.ref FROM paragraphs_fts f JOIN paragraphs p ON p.id = f.rowid WHERE paragraphs_fts MATCH ?');
    return new Set(q.pluck().all(quoteFts(term)) as string[]);
  }

  /** Segment rows for HNSW labels, in one statement (json_each keeps it a single cached query). */
  segments(ids: number[]): SegmentRow[] {
    return this.sql('SELECT s.id, s.paragraph_id AS paragraphId, s.start, s."end", s.hash FROM json_each(?) j JOIN segments s ON s.id = j.value').all(
      JSON.stringify(ids),
    ) as SegmentRow[];
  }

  segmentsOf(paragraphId: number): (SegmentRow & { vector: Float32Array })[] {
    const rows = this.db
      .prepare('SELECT s.id, s.paragraph_id AS paragraphId, s.start, s."end", s.hash, v.vector FROM segments s JOIN vectors v ON v.hash = s.hash WHERE s.paragraph_id = ? ORDER BY s.start')
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
    if (meta === undefined) this.cableCache.set(ref, (meta = this.readCable(ref)));
    return meta;
  }

  private readCable(ref: string): CableMeta | null {
    const row = this.sql('SELECT ref, subject, date, classification, origin, tags, signature FROM cables WHERE ref = ? COLLATE NOCASE').get(ref) as
      | (Omit<CableMeta, 'tags'> & { tags: string })
      | undefined;
    return row ? { ...row, tags: JSON.parse(row.tags) as string[] } : null;
  }

  listCables(offset: number, limit: number): { total: number; items: (CableMeta & { paragraphs: number })[] } {
    const total = (this.sql('SELECT count(*) AS n FROM cables').get() as { n: number }).n;
    const rows = this.db
      .prepare(
        'SELECT c.ref, c.subject, c.date, c.classification, c.origin, c.tags, c.signature, (SELECT count(*) FROM paragraphs p WHERE p.ref = c.ref) AS paragraphs FROM cables c ORDER BY c.date DESC, c.ref LIMIT ? OFFSET ?',
      )
      .all(limit, offset) as (Omit<CableMeta, 'tags'> & { tags: string; paragraphs: number })[];
    return { total, items: rows.map((r) => ({ ...r, tags: JSON.parse(r.tags) as string[] })) };
  }

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
    const q = this.sql('SELECT id FROM segments WHERE paragraph_id = ?').pluck();
    const out = new Set<number>();
    for (const p of paragraphs) for (const id of q.all(p) as number[]) out.add(id);
    return out;
  }
}

export function toFloat32(b: Buffer): Float32Array {
  // Copy: a Buffer from SQLite may not be 4-byte aligned.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function quoteFts(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}
