/**
 * The index as retrieval reads it: the store, the model that embeds questions for it, and the per-term
 * numbers worth keeping between questions. Every cache that depends on what the index holds lives here and
 * goes when the index changes (an ingest committed, or the folder rebuilt under a running server).
 */
import type { Filters } from '../domain.js';
import type { Embedder } from '../embed/index.js';
import type { IndexStore } from '../index/store.js';
import { ftsWord } from './text.js';
import { rankingFor, type Ranking } from './weights.js';

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
  private readonly dfCache = new Map<string, number>();
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
      this.dfCache.clear();
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

  /**
   * Paragraphs whose text has the term: from the index's kept counts (one lookup), or, in an index that keeps
   * none, from the full-text index (which reads the term's whole posting list).
   */
  df(term: string): number {
    let n = this.dfCache.get(term);
    if (n === undefined) {
      n = this.store.paragraphsWithTerm(term) ?? this.store.documentFrequency(ftsWord(term));
      this.dfCache.set(term, n);
    }
    return n;
  }

  /** Paragraphs in the index (as of the last refresh). */
  get paragraphs(): number {
    return this.paragraphCount;
  }

  private idf(terms: string[]): Map<string, number> {
    const n = Math.max(1, this.paragraphCount);
    const out = new Map<string, number>();
    for (const t of terms) {
      let v = this.idfCache.get(t);
      if (v === undefined) {
        const df = this.df(t);
        v = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        this.idfCache.set(t, v);
      }
      out.set(t, v);
    }
    return out;
  }

  /** Which of these terms occur anywhere in a cable (subject, headings, every paragraph), per cable. */
  private cablesWith(terms: readonly string[]): (ref: string) => Set<string> {
    const byRef = new Map<string, Set<string>>();
    return (ref) => {
      let s = byRef.get(ref);
      if (!s) {
        const stems = this.store.cableStems(ref);
        byRef.set(ref, (s = new Set(terms.filter((t) => stems.has(t)))));
      }
      return s;
    };
  }
}
