/**
 * Eval: run a question set against an index and measure what users feel — is the first passage right,
 * is the right one in the top five, does the tool abstain when it should (and only then), how fast.
 */
import type { Cablechat } from '../cablechat.js';
import type { Passage } from '../domain.js';
import type { Mode } from '../retrieve/index.js';
import { citationFor } from '../chunk/index.js';
import { conversation, toPassage } from '../answer/index.js';
import type { QaItem } from './qa.js';

export { batchOf, loadQa, QaFormatError, type QaItem } from './qa.js';

/** Stages of the retriever alone, plus "full": the answer a user gets (reranked, folded, may abstain). */
export type EvalMode = Exclude<Mode, 'full'> | 'rerank' | 'full';

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
  latency_ms: { p50: number; p95: number };
  embedder: string;
  misses: { id: string; question: string; expected: string; got: string[] }[];
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

export async function runEval(chat: Cablechat, items: QaItem[], opts: { k?: number; mode?: EvalMode } = {}): Promise<Metrics> {
  const k = Math.max(opts.k ?? 10, 10);
  const mode = opts.mode ?? 'full';
  const lat: number[] = [];
  let h1 = 0, h5 = 0, mrr = 0, p1 = 0, p5 = 0, c5 = 0, hl = 0, fu = 0, fuHit = 0, absOk = 0, absBad = 0, nAns = 0, nUn = 0;
  const misses: Metrics['misses'] = [];
  for (const item of items) {
    const t0 = performance.now();
    const { passages, abstained } = await retrieveFor(chat, item, k, mode);
    lat.push(performance.now() - t0);
    if (item.unanswerable === true) {
      nUn++;
      if (abstained) absOk++;
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
    latency_ms: { p50: pct(0.5), p95: pct(0.95) },
    embedder: chat.embedder.id,
    misses,
  };
}

/** The full pipeline answers (and may abstain); single stages only rank, so they never abstain. */
async function retrieveFor(chat: Cablechat, item: QaItem, k: number, mode: EvalMode): Promise<{ passages: Passage[]; abstained: boolean }> {
  if (mode === 'full') {
    const a = await chat.ask({ question: item.question, history: item.history, k });
    return { passages: a.passages, abstained: a.abstained };
  }
  const { context, previous } = await conversation(chat.retriever, item.question, item.history ?? []);
  const res = await chat.retriever.search({ question: item.question, context, previous, k, mode: mode === 'rerank' ? 'full' : mode });
  return {
    abstained: false,
    passages: res.ranked.map(toPassage),
  };
}
