/** The lexical stage: paragraphs by FTS5 BM25 over the question's words and its conversation's terms. */
import { quoteFts } from '../index/store.js';
import type { Corpus } from './corpus.js';
import type { Query } from './query.js';
import { ftsWord, stem } from './text.js';

export interface LexicalHit {
  paragraph: number;
  /** BM25, higher is better. */
  score: number;
}

/**
 * Words in more paragraphs than this are left out of the search when the question has rarer ones. FTS5 scores
 * every paragraph that matches any word, so a word in half of a million-paragraph archive would cost half a
 * million scorings for a word BM25 weighs near zero; below this size of archive no word is left out.
 */
export const COMMON_WORD_PARAGRAPHS = 20_000;

export function lexical(corpus: Corpus, query: Query, depth: number, allowed?: Set<number>): LexicalHit[] {
  // OR keeps recall high; BM25 rewards paragraphs that match more, and rarer, words.
  const words = [...query.analysis.lexicalWords.map((w) => ({ fts: w, stem: stem(w) })), ...query.contextTerms.map((t) => ({ fts: ftsWord(t), stem: t }))];
  if (!words.length) return [];
  const counted = words.map((w) => ({ ...w, df: corpus.df(w.stem) }));
  let kept = counted.filter((w) => w.df <= COMMON_WORD_PARAGRAPHS);
  // Only common words: the two rarest of them.
  if (!kept.length) kept = [...counted].sort((a, b) => a.df - b.df).slice(0, 2);
  return corpus.store.searchLexical(kept.map((w) => quoteFts(w.fts)).join(' OR '), depth, allowed);
}
