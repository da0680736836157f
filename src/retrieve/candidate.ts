/** A fused candidate read from the index: its paragraph, cable, segment similarities and scored sentences. */
import type { CableMeta } from '../domain.js';
import type { StoredParagraph } from '../index/store.js';
import type { Corpus, TermWeights } from './corpus.js';
import { similarities, type DenseHits, type SegmentSimilarity } from './dense.js';
import type { Features } from './features.js';
import type { Fused } from './fuse.js';
import { analyseParagraph, type ParagraphAnalysis } from './paragraph.js';
import type { Query } from './query.js';
import { bestSentences, scoreSentences, type ScoredSentence } from './sentences.js';
import { stem, words } from './text.js';

export interface Candidate {
  paragraph: StoredParagraph;
  cable: CableMeta;
  fused: Fused;
  text: ParagraphAnalysis;
  /** Stems of the paragraph's heading and its cable's subject, which speak for the whole paragraph. */
  titleStems: Set<string>;
  /** Similarity of the question to the paragraph's embedded segments (none when nothing was embedded). */
  segments: SegmentSimilarity[];
  /** The same similarities, best first. */
  sims: number[];
  /** Every sentence in text order, scored; and the same best first. */
  sentences: ScoredSentence[];
  best: ScoredSentence[];
  /** Set by the rerank stage. */
  features?: Features;
  /** What the candidates are ordered by (higher first): a single signal, or the reranker's score. */
  score: number;
}

/**
 * Reads candidates from the index, each paragraph once per search. A paragraph read with its segment vectors
 * has its similarities computed from all of them; one the dense stage found and not read so before keeps the
 * similarities the graph search gave.
 */
export class CandidateReader {
  private readonly read = new Map<number, { paragraph: StoredParagraph | null; vectors: { start: number; end: number; vector: Float32Array }[] }>();

  constructor(private readonly corpus: Corpus) {}

  /** Reads ahead (text, analysis and, when the question is embedded, segment vectors) while the model runs. */
  prefetch(ids: readonly number[], withVectors: boolean): void {
    for (const id of ids) this.paragraph(id, withVectors);
  }

  private paragraph(id: number, withVectors: boolean) {
    let r = this.read.get(id);
    if (!r) {
      const paragraph = this.corpus.store.paragraph(id);
      if (paragraph) analyseParagraph(paragraph.text);
      r = { paragraph, vectors: withVectors ? this.corpus.store.segmentsOf(id) : [] };
      this.read.set(id, r);
    }
    return r;
  }

  /** The shortlisted candidates in fused order (a paragraph gone from the index is skipped). */
  candidates(shortlist: readonly Fused[], vector: Float32Array | null, dense: DenseHits, query: Query, weights: TermWeights): Candidate[] {
    const out: Candidate[] = [];
    for (const fused of shortlist) {
      // Dense hits already carry the similarities that matter (a paragraph's best segments); only paragraphs
      // found by lexical search alone need their vectors compared here.
      const { paragraph, vectors } = this.paragraph(fused.paragraph, vector !== null && !dense.sims.has(fused.paragraph));
      if (!paragraph) continue;
      const cable = this.corpus.store.cable(paragraph.ref)!;
      const segments = vectors.length && vector ? similarities(vector, vectors) : (dense.sims.get(fused.paragraph) ?? []);
      const text = analyseParagraph(paragraph.text);
      const sentences = scoreSentences(text, segments, query, weights, this.corpus.ranking.sentence);
      out.push({
        paragraph,
        cable,
        fused,
        text,
        titleStems: new Set(words(`${paragraph.heading ?? ''} ${cable.subject ?? ''}`).map((w) => stem(w.word))),
        segments,
        sims: segments.map((s) => s.similarity).sort((a, b) => b - a),
        sentences,
        best: bestSentences(sentences),
        score: 0,
      });
    }
    return out;
  }
}
