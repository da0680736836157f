/**
 * What "the index is consistent" means, checked from outside the store: SQLite, the HNSW file of the
 * generation in force and the vectors agree. Used by the fault tests after every crash.
 */
import Database from 'better-sqlite3';
import hnswlib from 'hnswlib-node';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IndexFacts {
  generation: number;
  cables: number;
  paragraphs: number;
  segments: number;
  /** Segments with no stored vector: must be 0. */
  segmentsWithoutVector: number;
  /** Segments the generation's HNSW file does not hold: must be 0. */
  segmentsNotInHnsw: number;
  hnswFile: boolean;
  /** Everything a user can see of the index, for comparing two runs: paragraphs and their segments' text hashes. */
  fingerprint: string[];
  /** Every kept term count, "term=n", in term order. */
  termCounts: string;
}

export function indexFacts(dir: string, dimensions = 512): IndexFacts {
  const db = new Database(join(dir, 'cables.db'), { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => db.prepare(sql).pluck().get() as number;
    const generation = Number(db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck().get());
    const file = join(dir, `dense-${generation}.hnsw`);
    const ids = db.prepare('SELECT id FROM segments').pluck().all() as number[];
    let notIn = ids.length;
    if (existsSync(file)) {
      const h = new hnswlib.HierarchicalNSW('cosine', dimensions);
      h.readIndexSync(file);
      const labels = new Set(h.getIdsList());
      notIn = ids.filter((id) => !labels.has(id)).length;
    }
    const fingerprint = (
      db
        .prepare(
          `SELECT p.ref || ' ' || p.key || ' ' || hex(p.text) || ' ' || coalesce((SELECT group_concat(s.start || '-' || s."end" || ':' || s.hash, ',') FROM segments s WHERE s.paragraph_id = p.id), '') FROM paragraphs p ORDER BY p.ref, p.ord`,
        )
        .pluck()
        .all() as string[]
    ).map((x) => x);
    return {
      generation,
      cables: one('SELECT count(*) FROM cables'),
      paragraphs: one('SELECT count(*) FROM paragraphs'),
      segments: ids.length,
      segmentsWithoutVector: one('SELECT count(*) FROM segments s LEFT JOIN vectors v ON v.hash = s.hash WHERE v.hash IS NULL'),
      segmentsNotInHnsw: generation === 0 && ids.length === 0 ? 0 : notIn,
      hnswFile: existsSync(file),
      fingerprint,
      termCounts: (db.prepare("SELECT term || '=' || paragraphs FROM term_counts ORDER BY term").pluck().all() as string[]).join(' '),
    };
  } finally {
    db.close();
  }
}

/** A new cable made from another: a new reference id, and place names changed so that its text (and vectors) are new. */
export function variantCable(sourceFile: string, ref: string, renames: [string, string][], outFile: string): void {
  let text = readFileSync(sourceFile, 'utf8');
  const oldRef = text.split('\n', 1)[0]!.trim();
  text = text.split(oldRef).join(ref);
  for (const [a, b] of renames) text = text.split(a).join(b);
  writeFileSync(outFile, text);
}
