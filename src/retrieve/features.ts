/**
 * The reranker's features: one table of name → how it is computed and which way it counts. The score
 * (rerank.ts), the fit (scripts/tune.ts) and the confidence read this table; adding a feature is one entry here
 * and a refit, which writes its weight into weights.json.
 *
 * Every feature is computed from the question, the candidate and numbers the first stage already has, so
 * reranking costs well under a millisecond a candidate and needs no second model. Most depend on one candidate
 * alone; those with `across` compare it with the rest of the shortlist, from the others' own features.
 */
import type { Candidate } from './candidate.js';
import type { TermWeights } from './corpus.js';
import { RRF_BEST } from './fuse.js';
import type { Query } from './query.js';

/** How many words apart a question's word pair may stand in a paragraph and still count as used together. */
const PHRASE_WINDOW = 3;

/** What the whole shortlist says about a candidate's cable. */
export interface Shortlist {
  /** Sum of the rrf feature over the shortlisted paragraphs of each cable. */
  rrfOfCable: Map<string, number>;
  /** Per cable, its best paragraph's cableCoverage + bm25: how well the cable as a whole matches. */
  cableScore: Map<string, number>;
  topScore: number;
}

interface Own {
  sign: 1 | -1;
  of: (c: Candidate, q: Query, w: TermWeights) => number;
}
interface Across {
  sign: 1 | -1;
  across: (c: Candidate, s: Shortlist) => number;
}

/** IDF-weighted share of `terms` that `has` says the candidate has (0 when there are no terms). */
const share = (terms: readonly string[], total: number, w: TermWeights, has: (t: string) => boolean) => (total ? w.weigh(terms.filter(has)) / total : 0);
const denseMax = (c: Candidate) => c.sims[0] ?? 0;
const rrf = (c: Candidate) => c.fused.rrf / RRF_BEST;
const cableCoverage = (c: Candidate, q: Query, w: TermWeights) => share(q.analysis.terms, w.total, w, (t) => w.inCable(c.paragraph.ref).has(t));
const topCable = (c: Candidate, s: Shortlist) => (s.cableScore.get(c.paragraph.ref) === s.topScore ? 1 : 0);

export const FEATURES = {
  /** Reciprocal-rank fusion score scaled to 0..1 (1 = first in both lists). */
  rrf: { sign: 1, of: rrf },
  /** BM25 relative to the best lexical hit of this question (0..1). */
  bm25: { sign: 1, of: (c) => c.fused.bm25Share },
  /** Best and mean-of-two-best segment similarities to the question. */
  denseMax: { sign: 1, of: denseMax },
  denseTop2: { sign: 1, of: (c) => (c.sims.length > 1 ? (c.sims[0]! + c.sims[1]!) / 2 : denseMax(c)) },
  /**
   * denseMax, but only for paragraphs lexical search also found. Over a large corpus the bundled model's
   * nearest neighbours are often from unrelated cables; agreement of both searches is the trustworthy case.
   */
  denseLex: { sign: 1, of: (c) => (c.fused.bm25Share > 0 ? denseMax(c) : 0) },
  /**
   * IDF-weighted share of question terms found in the paragraph (0..1). Heading and subject words count for
   * the paragraph: "What did the Poipet Transit Center…" is about the paragraph under that heading even when
   * the paragraph says "the PTC".
   */
  coverage: { sign: 1, of: (c, q, w) => share(q.analysis.terms, w.total, w, (t) => c.text.stems.has(t) || c.titleStems.has(t)) },
  /** The same share for the best single sentence: terms that occur together, where an answer usually is. */
  sentenceCoverage: { sign: 1, of: (c) => Math.max(0, ...c.sentences.map((s) => s.f.coverage)) },
  /**
   * Share of the question's neighbouring word pairs ("border checkpoint", "police team") that stand within
   * three words of each other in the paragraph: the words are used together, not just both present.
   */
  phrase: {
    sign: 1,
    of: (c, q) => {
      const { pairs } = q.analysis;
      if (!pairs.length) return 0;
      const at = (s: string) => c.text.positions.get(s) ?? [];
      const near = (a: number[], b: number[]) => a.some((i) => b.some((j) => Math.abs(i - j) <= PHRASE_WINDOW));
      return pairs.filter(([a, b]) => near(at(a), at(b))).length / pairs.length;
    },
  },
  /** Share of the conversation's earlier terms found (follow-ups only). */
  contextCoverage: { sign: 1, of: (c, q, w) => share(q.contextTerms, w.contextTotal, w, (t) => c.text.stems.has(t) || c.titleStems.has(t)) },
  /** The question asks for a number (or a time) and a sentence with some of its terms has one. */
  typeMatch: { sign: 1, of: (c) => (c.sentences.some((s) => s.f.type && s.f.coverage > 0) ? 1 : 0) },
  /**
   * How strongly the rest of this paragraph's cable matches (sum of the fused scores of its other candidate
   * paragraphs, 0..1): in a large corpus the cable that is about the question has several matching paragraphs.
   */
  cableSupport: { sign: 1, across: (c, s) => Math.min(1, (s.rrfOfCable.get(c.paragraph.ref)! - rrf(c)) / 2) },
  /**
   * IDF-weighted share of question terms found anywhere in the paragraph's cable (subject and all
   * paragraphs). An answer paragraph often says "the ship" where the question says "the Faina": the name is
   * elsewhere in its cable, not in a look-alike cable.
   */
  cableCoverage: { sign: 1, of: cableCoverage },
  /**
   * denseMax scaled by cableCoverage². Within a cable that is about the question, the model's similarity
   * tells its paragraphs apart well; across a large corpus its neighbours are often from unrelated cables.
   */
  denseCable: {
    sign: 1,
    of: (c, q, w) => {
      const cc = cableCoverage(c, q, w);
      return denseMax(c) * cc * cc;
    },
  },
  /**
   * 1 for paragraphs of the cable that best matches the question as a whole (its coverage of the question
   * plus its best BM25). Makes a corpus look like the single-cable case for the other features: which cable,
   * then which paragraph of it.
   */
  topCable: { sign: 1, across: topCable },
  /** denseMax and rrf again, for paragraphs of the top cable only, for the same reason as denseCable. */
  denseInTop: { sign: 1, across: (c, s) => topCable(c, s) * denseMax(c) },
  rrfInTop: { sign: 1, across: (c, s) => topCable(c, s) * rrf(c) },
  /** Follow-ups: this paragraph's cable is the one the previous answer cited first. */
  previousCable: { sign: 1, of: (c, q) => (q.previous?.ref === c.paragraph.ref ? 1 : 0) },
  /** Follow-ups: this is the paragraph the previous answer cited first, or one next to it. */
  previousParagraph: { sign: 1, of: (c, q) => (q.previous?.ref === c.paragraph.ref && Math.abs(q.previous.ord - c.paragraph.ord) <= 1 ? 1 : 0) },
  /** The un-numbered preamble (subject/summary) matches everything a little and answers little: it counts against. */
  preamble: { sign: -1, of: (c) => (c.paragraph.key === '0' ? 1 : 0) },
} satisfies Record<string, Own | Across>;

export type FeatureName = keyof typeof FEATURES;
export type Features = Record<FeatureName, number>;
/** In table order: the order the score adds them up in. */
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

const isAcross = (d: Own | Across): d is Across => 'across' in d;

/** Every candidate's features; `across` ones once the whole shortlist has its own. */
export function computeFeatures(candidates: readonly Candidate[], q: Query, w: TermWeights): Features[] {
  const all = candidates.map((c) => {
    const f = {} as Features;
    for (const name of FEATURE_NAMES) {
      const d: Own | Across = FEATURES[name];
      if (!isAcross(d)) f[name] = d.of(c, q, w);
    }
    return f;
  });
  const s = shortlist(candidates, all);
  candidates.forEach((c, i) => {
    const f = all[i]!;
    for (const name of FEATURE_NAMES) {
      const d: Own | Across = FEATURES[name];
      if (isAcross(d)) f[name] = d.across(c, s);
    }
  });
  return all;
}

function shortlist(candidates: readonly Candidate[], features: readonly Features[]): Shortlist {
  const rrfOfCable = new Map<string, number>();
  const cableScore = new Map<string, number>();
  candidates.forEach((c, i) => {
    const f = features[i]!;
    const ref = c.paragraph.ref;
    rrfOfCable.set(ref, (rrfOfCable.get(ref) ?? 0) + f.rrf);
    cableScore.set(ref, Math.max(cableScore.get(ref) ?? 0, f.cableCoverage + f.bm25));
  });
  return { rrfOfCable, cableScore, topScore: Math.max(0, ...cableScore.values()) };
}
