/**
 * The index as retrieval reads it: the store, the model that embeds questions for it, and the per-term
 * numbers worth keeping between questions. Every cache that depends on what the index holds lives here and
 * goes when the index changes (an ingest committed, or the folder rebuilt under a running server).
 */
import type { Filters } from '../domain.js';
import type { Embedder } from '../embed/index.js';
import type { IndexStore, TermCables } from '../index/store.js';
import { ftsWord } from './text.js';
import { rankingFor, type Ranking } from './weights.js';

/** Terms whose cables are kept; far more than the distinct words of a working session's questions. */
const TERMS_KEPT = 5_000;

/** IDF weights of a question's terms, and which of them each cable holds. */
export interface TermWeights {
  /** Sum of the IDF weights of these terms, in order. */
  weigh(terms: readonly string[]): number;
  /** weigh() of the question's own terms, and of its conversation's. */
  total: number;
  contextTotal: number;
  /** The question's terms that occur anywhere in this cable (subject and every paragraph). */
  inCable(ref: string): Set<string>;
}

export class Corpus {
  private readonly idfCache = new Map<string, number>();
  private readonly termCables = new Map<string, TermCables>();
  private paragraphCount = 0;
  private view = -1;

  /** The ranking weights fitted for this embedder (or neutral ones: weights.ts). */
  readonly ranking: Ranking;

  constructor(
    readonly store: IndexStore,
    readonly embedder: Embedder,
  ) {
    this.ranking = rankingFor(embedder.id);
  }

  /**
   * Call once per search, first: picks up a changed index (dropping what was cached for the old one) and
   * returns a number that changes whenever what the index holds has changed.
   */
  refresh(): number {
    const view = this.store.sync();
    if (view !== this.view) {
      this.idfCache.clear();
      this.termCables.clear();
      this.paragraphCount = this.store.stats().paragraphs;
      this.view = view;
    }
    return view;
  }

  /** Paragraph ids the filters allow, or undefined when there are none to apply. */
  allowed(filters: Filters): Set<number> | undefined {
    return this.store.allowedParagraphs(filters);
  }

  weights(terms: readonly string[], contextTerms: readonly string[]): TermWeights {
    const idf = this.idf([...terms, ...contextTerms]);
    const weigh = (ts: readonly string[]) => ts.reduce((s, t) => s + (idf.get(t) ?? 0), 0);
    return { weigh, total: weigh(terms), contextTotal: weigh(contextTerms), inCable: this.cablesWith(terms) };
  }

  private idf(terms: string[]): Map<string, number> {
    const n = Math.max(1, this.paragraphCount);
    const out = new Map<string, number>();
    for (const t of terms) {
      let v = this.idfCache.get(t);
      if (v === undefined) {
        const df = this.store.documentFrequency(ftsWord(t));
        v = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        this.idfCache.set(t, v);
      }
      out.set(t, v);
    }
    return out;
  }

  /**
   * Which of these terms occur anywhere in a cable, per cable. Asked of the full-text index one term at a
   * time and kept per term: cheaper than reading and stemming whole cables, and exactly what the cable
   * coverage feature needs. Needs no vector, so it runs while the question is being embedded.
   */
  private cablesWith(terms: readonly string[]): (ref: string) => Set<string> {
    const sets = terms.map((t) => {
      let refs = this.termCables.get(t);
      if (!refs) {
        refs = this.store.cablesWithTerm(ftsWord(t));
        if (this.termCables.size >= TERMS_KEPT) this.termCables.delete(this.termCables.keys().next().value!);
        this.termCables.set(t, refs);
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
}
