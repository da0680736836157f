/** The lexical stage: paragraphs by FTS5 BM25 over the question's words and its conversation's terms. */
import { quoteFts } from '../index/store.js';
import type { Corpus } from './corpus.js';
import type { Query } from './query.js';

export interface LexicalHit {
  paragraph: number;
  /** BM25, higher is better. */
  score: number;
}

export function lexical(corpus: Corpus, query: Query, depth: number, allowed?: Set<number>): LexicalHit[] {
  // OR keeps recall high; BM25 rewards paragraphs that match more, and rarer, words.
  const all = [...query.analysis.lexicalWords, ...query.contextTerms];
  if (!all.length) return [];
  return corpus.store.searchLexical(all.map(quoteFts).join(' OR '), depth, allowed);
}
