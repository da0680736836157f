/**
 * Eval: run a question set against an index and measure what users feel — is the first passage right,
 * is the right one in the top five, does the tool abstain when it should (and only then), how fast.
 */
import { ALL_STAGES, Conversation, type Pipeline, type Stages } from '../cablechat.js';
import { citationFor } from '../chunk/index.js';
import { PLANS } from '../retrieve/index.js';
import type { QaItem } from './qa.js';
import type { ConfidenceBand } from '../domain.js';

export { batchOf, loadQa, QaFormatError, type QaItem } from './qa.js';

/**
 * Which stages a mode runs: each first-stage search alone, plain fusion, the reranker (the answer's ranking
 * before folding and abstaining), and "full", the answer a user gets. Only "full" folds twins and may abstain.
 */
export const EVAL_MODES = {
  dense: { retrieve: PLANS.dense, collapse: false, decide: false },
  lexical: { retrieve: PLANS.lexical, collapse: false, decide: false },
  fused: { retrieve: PLANS.fused, collapse: false, decide: false },
  rerank: { retrieve: PLANS.rerank, collapse: false, decide: false },
  full: ALL_STAGES,
} satisfies Record<string, Stages>;

export type EvalMode = keyof typeof EVAL_MODES;

/** Passages read per question: mrr@10 needs ten. */
const EVAL_K = 10;

export interface Metrics {
  mode: EvalMode;
  questions: number;
  answerable: number;
  unanswerable: number;
  'hit@1': number;
  'hit@5': number;
  'mrr@10': number;
  'paragraph_hit@1': number;
  'paragraph_hit@5': number;
  /** The right cable among the first five passages (any paragraph of it). */
  'cable_hit@5': number;
  /** Of the questions whose first passage is right, the share whose marked sentence(s) contain the answer. */
  'highlight@1': number;
  /** Follow-up questions (with history) whose right paragraph came first. */
  followups: number;
  'followup_paragraph_hit@1': number;
  /** Unanswerable questions on which the tool abstained (count), and answerable ones where it wrongly did. */
  abstained_correct: number;
  false_abstentions: number;
  abstain_rate_unanswerable: number;
  false_abstention_rate: number;
  /**
   * Answerable questions whose cable is not in this index: unanswerable here, so counted with the
   * unanswerable ones too (a question set asked of an index of other cables: questions nobody wrote as
   * off-topic).
   */
  absent_cable: number;
  absent_cable_refused: number;
  /** Answers shown (not refused), per confidence band: how many, and how many had the right first passage. */
  reliability: Record<ConfidenceBand, { answers: number; right: number }>;
  latency_ms: { p50: number; p95: number };
  embedder: string;
  misses: { id: string; question: string; expected: string; got: string[] }[];
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

export async function runEval(pipeline: Pipeline, items: QaItem[], opts: { k?: number; mode?: EvalMode } = {}): Promise<Metrics> {
  const k = Math.max(opts.k ?? EVAL_K, EVAL_K);
  const mode = opts.mode ?? 'full';
  const lat: number[] = [];
  let h1 = 0, h5 = 0, mrr = 0, p1 = 0, p5 = 0, c5 = 0, hl = 0, fu = 0, fuHit = 0, absOk = 0, absBad = 0, nAns = 0, nUn = 0;
  const misses: Metrics['misses'] = [];
  let absent = 0, absentRefused = 0;
  const reliability: Metrics['reliability'] = { high: { answers: 0, right: 0 }, medium: { answers: 0, right: 0 }, low: { answers: 0, right: 0 }, unrated: { answers: 0, right: 0 } };
  for (const item of items) {
    const t0 = performance.now();
    // A question with a history is asked as the HTTP API asks it: the conversation holds only its questions.
    const { passages, abstained, band } = await pipeline.answer({ question: item.question, k }, new Conversation(item.history ?? []), EVAL_MODES[mode]);
    lat.push(performance.now() - t0);
    const cableAbsent = item.unanswerable !== true && pipeline.corpus.store.cable(item.cable) === null;
    if (item.unanswerable === true || cableAbsent) {
      nUn++;
      if (abstained) absOk++;
      if (cableAbsent) (absent++, abstained && absentRefused++);
      if (!abstained) reliability[band].answers++;
      continue;
    }
    nAns++;
    if (abstained) absBad++;
    const want = norm(item.answer);
    const cable = item.cable.toUpperCase();
    const hitAt = passages.findIndex((p) => p.citation.ref.toUpperCase() === cable && norm(p.text).includes(want));
    const keys = new Set(item.paragraphs.map(String));
    const paraAt = passages.findIndex(
      // Question files list printed numbers; a cable that prints ¶6 twice has keys "6" and "6.2", both printed 6.
      (p) => [p.citation, ...(p.alsoIn ?? [])].some((c) => c.ref.toUpperCase() === cable && keys.has(c.key.replace(/\.\d+$/, ''))),
    );
    if (passages.slice(0, 5).some((p) => p.citation.ref.toUpperCase() === cable)) c5++;
    if (!abstained) {
      reliability[band].answers++;
      // Right as the trust model was fitted: the answer in the first passage, or its paragraph listed.
      if (hitAt === 0 || paraAt === 0) reliability[band].right++;
    }
    if (hitAt === 0) {
      h1++;
      const p = passages[0]!;
      if (p.highlights.some((h) => norm(p.text.slice(h.start, h.end)).includes(want))) hl++;
    }
    if (hitAt >= 0 && hitAt < 5) h5++;
    if (hitAt >= 0 && hitAt < 10) mrr += 1 / (hitAt + 1);
    if (paraAt === 0) p1++;
    if (paraAt >= 0 && paraAt < 5) p5++;
    if (item.history?.length) {
      fu++;
      if (paraAt === 0) fuHit++;
    }
    if (hitAt !== 0) {
      misses.push({
        id: item.id,
        question: item.question,
        expected: `${citationFor(cable, String(item.paragraphs[0])).label} "${item.answer}"`,
        got: abstained ? ['(abstained)'] : passages.slice(0, 3).map((p) => p.citation.label),
      });
    }
  }
  const r = (x: number, n: number) => (n ? Number((x / n).toFixed(4)) : 0);
  lat.sort((a, b) => a - b);
  const pct = (q: number) => Number((lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? 0).toFixed(1));
  return {
    mode,
    questions: items.length,
    answerable: nAns,
    unanswerable: nUn,
    'hit@1': r(h1, nAns),
    'hit@5': r(h5, nAns),
    'mrr@10': r(mrr, nAns),
    'paragraph_hit@1': r(p1, nAns),
    'paragraph_hit@5': r(p5, nAns),
    'cable_hit@5': r(c5, nAns),
    'highlight@1': r(hl, h1),
    followups: fu,
    'followup_paragraph_hit@1': r(fuHit, fu),
    abstained_correct: absOk,
    false_abstentions: absBad,
    abstain_rate_unanswerable: r(absOk, nUn),
    false_abstention_rate: r(absBad, nAns),
    absent_cable: absent,
    absent_cable_refused: absentRefused,
    reliability,
    latency_ms: { p50: pct(0.5), p95: pct(0.95) },
    embedder: pipeline.embedder.id,
    misses,
  };
}
