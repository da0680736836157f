/**
 * Retrieval: from a question to ranked paragraphs.
 *
 * Two first-stage searches run side by side: dense (HNSW over segment vectors, projected onto paragraphs by
 * their best segment) and lexical (FTS5 BM25). Their candidates are fused by reciprocal rank, then a
 * second stage rescores the union with features cheap to compute locally (see rerank.ts).
 * `mode` exposes each stage alone so the eval can show what every stage adds.
 */
import type { CableMeta, Filters } from '../domain.js';
import { embeddingText, type Embedder } from '../embed/index.js';
import type { IndexStore, StoredParagraph } from '../index/store.js';
import { quoteFts } from '../index/store.js';
import { analyse, features, questionPairs, rerankScore, setCableFeatures, type Features } from './rerank.js';
import { contentTerms, words, isStopWord } from './text.js';

export type Mode = 'dense' | 'lexical' | 'fused' | 'full';

export interface SearchRequest {
  question: string;
  /** Earlier questions of the conversation, most recent last, when this one is a follow-up. */
  context?: string[];
  /** For follow-ups: the paragraph the previous answer cited first (its cable and position in it). */
  previous?: { ref: string; ord: number };
  k: number;
  filters?: Filters;
  mode?: Mode;
}

export interface Ranked {
  paragraph: StoredParagraph;
  cable: CableMeta;
  score: number;
  features: Features;
  /** Similarity of each embedded segment of the paragraph to the question. */
  segments: { start: number; end: number; similarity: number }[];
}

export interface SearchResult {
  ranked: Ranked[];
  /** Paragraphs the filters left to search (undefined: no filters). */
  allowed?: number;
  /** Stemmed content terms of the question (and of its context, if a follow-up). */
  terms: string[];
  contextTerms: string[];
}

const RRF_K = 60;
/** Candidates taken from each first-stage search; deep enough that the reranker can recover misses. */
const DEPTH = 50;
/** Candidates (by fused rank) that the second stage rescores. */
const RERANK_DEPTH = 30;

export class Retriever {
  private idfCache = new Map<string, number>();
  private termCableCache = new Map<string, Set<string>>();
  private paragraphCount = 0;
  private idfGeneration = -1;

  constructor(
    readonly store: IndexStore,
    readonly embedder: Embedder,
  ) {}

  async search(req: SearchRequest): Promise<SearchResult> {
    const mode = req.mode ?? 'full';
    const generation = this.store.sync();
    const allowedParagraphs = req.filters ? this.store.allowedParagraphs(req.filters) : undefined;
    const terms = contentTerms(req.question);
    const pairs = questionPairs(req.question);
    const contextTerms = contentTerms((req.context ?? []).join(' ')).filter((t) => !terms.includes(t));
    if (allowedParagraphs && allowedParagraphs.size === 0) return { ranked: [], allowed: 0, terms, contextTerms };

    const denseText = req.context?.length ? `${req.context.join(' ')} ${req.question}` : req.question;
    // With a worker-backed embedder the model runs on another core while this thread does the lexical
    // search and reads its candidates: most of a query's own work hides behind the embedding.
    const embedding = mode === 'lexical' ? Promise.resolve([new Float32Array(0)]) : this.embedder.embed([embeddingText(denseText)]);
    const lexical = mode === 'dense' ? [] : this.lexicalCandidates(req.question, contextTerms, allowedParagraphs);
    const idf = this.idf([...terms, ...contextTerms], generation);
    // Lexical candidates are read (text, analysis, segment vectors) while the embedding is still running.
    const read = new Map<number, { paragraph: StoredParagraph | null; vectors: { start: number; end: number; vector: Float32Array }[] }>();
    const readParagraph = (id: number, withVectors: boolean) => {
      let r = read.get(id);
      if (!r) {
        const paragraph = this.store.paragraph(id);
        if (paragraph) analyse(paragraph.text);
        read.set(id, (r = { paragraph, vectors: withVectors && mode !== 'lexical' ? this.store.segmentsOf(id) : [] }));
      }
      return r;
    };
    for (const l of lexical.slice(0, RERANK_DEPTH)) readParagraph(l.paragraph, true);
    // Which cables hold each question term: full-text lookups (cached per term) that need no vector, so they
    // too run while the embedding does (measured: ~1.5 ms a query on the full corpus, mostly cold terms).
    const inCable = this.cableTerms(terms);
    const queryVector = (await embedding)[0]!;
    const { ids: dense, sims: denseSims } = mode === 'lexical' ? { ids: [], sims: new Map() } : this.denseCandidates(queryVector, allowedParagraphs);

    const fused = new Map<number, { rrf: number; denseRank?: number; lexRank?: number; bm25?: number }>();
    dense.forEach((id, i) => fused.set(id, { rrf: 1 / (RRF_K + i + 1), denseRank: i + 1 }));
    lexical.forEach(({ paragraph, score }, i) => {
      const f = fused.get(paragraph) ?? { rrf: 0 };
      f.rrf += 1 / (RRF_K + i + 1);
      f.lexRank = i + 1;
      f.bm25 = score;
      fused.set(paragraph, f);
    });

    const maxBm25 = Math.max(1e-9, ...lexical.map((l) => l.score));
    const ranked: Ranked[] = [];
    // Only the best of the fused list is worth the full feature work; further down, nothing climbs to the top.
    const shortlist = [...fused.entries()].sort((a, b) => b[1].rrf - a[1].rrf).slice(0, mode === 'full' ? RERANK_DEPTH : Math.max(req.k, 10));
    for (const [id, f] of shortlist) {
      // Dense hits already carry the similarities that matter (a paragraph's best segments); only
      // paragraphs found by lexical search alone need their vectors compared here.
      const { paragraph, vectors } = readParagraph(id, !denseSims.has(id));
      if (!paragraph) continue;
      const cable = this.store.cable(paragraph.ref)!;
      const segs = vectors.length ? vectors.map((s) => ({ start: s.start, end: s.end, similarity: dot(queryVector, s.vector) })) : (denseSims.get(id) ?? []);
      const feats = features({
        question: req.question,
        terms,
        pairs,
        contextTerms,
        idf,
        paragraph,
        cable,
        segments: segs,
        rrf: f.rrf,
        bm25: (f.bm25 ?? 0) / maxBm25,
        cableTerms: inCable(paragraph.ref),
        previous: req.previous,
      });
      ranked.push({ paragraph, cable, score: mode === 'dense' ? feats.denseMax : mode === 'lexical' ? (f.bm25 ?? 0) : f.rrf, features: feats, segments: segs });
    }
    if (mode === 'full') {
      setCableFeatures(ranked.map((r) => ({ ref: r.paragraph.ref, f: r.features })));
      for (const r of ranked) r.score = rerankScore(r.features);
    }
    ranked.sort((a, b) => b.score - a.score || a.paragraph.id - b.paragraph.id);
    return { ranked: ranked.slice(0, Math.max(req.k, 0)), allowed: allowedParagraphs?.size, terms, contextTerms };
  }

  /** Paragraph ids in order of their best segment's similarity, with the similarities of the segments found. */
  private denseCandidates(query: Float32Array, allowed?: Set<number>) {
    const segAllowed = allowed ? this.store.allowedSegments(allowed) : undefined;
    const hits = this.store.searchDense(query, DEPTH * 2, segAllowed);
    const rows = new Map(this.store.segments(hits.map((h) => h.segment)).map((s) => [s.id, s]));
    const ids: number[] = [];
    const sims = new Map<number, { start: number; end: number; similarity: number }[]>();
    for (const h of hits) {
      const row = rows.get(h.segment);
      if (!row) continue;
      const list = sims.get(row.paragraphId);
      if (list) list.push({ start: row.start, end: row.end, similarity: h.similarity });
      else if (ids.length < DEPTH) {
        ids.push(row.paragraphId);
        sims.set(row.paragraphId, [{ start: row.start, end: row.end, similarity: h.similarity }]);
      }
    }
    return { ids, sims };
  }

  private lexicalCandidates(question: string, contextTerms: string[], allowed?: Set<number>) {
    // Raw words (not stems) go to FTS5, whose porter tokenizer stems them itself; OR keeps recall high and
    // BM25 rewards paragraphs that match more, and rarer, words.
    const own = [...new Set(words(question).map((w) => w.word).filter((w) => !isStopWord(w)))];
    const all = [...own, ...contextTerms];
    if (!all.length) return [];
    return this.store.searchLexical(all.map(quoteFts).join(' OR '), DEPTH, allowed);
  }

  /**
   * Which of these terms occur anywhere in a cable, per cable. Asked of the full-text index one term at a
   * time and kept per term until the index changes: cheaper than reading whole cables (a query touches up to
   * ~20 cables, ~4 ms each to read and stem when not cached) and exactly what cableCoverage needs.
   */
  private cableTerms(terms: string[]): (ref: string) => Set<string> {
    const sets = terms.map((t) => {
      let refs = this.termCableCache.get(t);
      if (!refs) {
        refs = this.store.cablesWithTerm(t);
        if (this.termCableCache.size >= 5_000) this.termCableCache.delete(this.termCableCache.keys().next().value!);
        this.termCableCache.set(t, refs);
      }
      return [t, refs] as const;
    });
    const byRef = new Map<string, Set<string>>();
    return (ref) => {
      let s = byRef.get(ref);
      if (!s) byRef.set(ref, (s = new Set(sets.filter(([, refs]) => refs.has(ref)).map(([t]) => t))));
      return s;
    };
  }

  private idf(terms: string[], gen: number): Map<string, number> {
    // Runs first in every search: when an ingest has changed the index, every per-term cache goes.
    if (gen !== this.idfGeneration) {
      this.idfCache.clear();
      this.termCableCache.clear();
      this.idfGeneration = gen;
      this.paragraphCount = this.store.stats().paragraphs;
    }
    const n = Math.max(1, this.paragraphCount);
    const out = new Map<string, number>();
    for (const t of terms) {
      let v = this.idfCache.get(t);
      if (v === undefined) {
        const df = this.store.documentFrequency(t);
        v = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        this.idfCache.set(t, v);
      }
      out.set(t, v);
    }
    return out;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
