/**
 * Answering: a question in, what a user reads out — passages with the answering sentences marked,
 * near-duplicates folded together, a confidence, and an honest "no paragraph answers this".
 *
 *   analyse → followUp → retrieve (lexical, dense, fuse, rerank) → collapse → highlight → decide
 *
 * The question is analysed once; each stage runs once. The eval runs the same function with fewer stages.
 */
import { citationOf } from '../chunk/index.js';
import type { Answer, Filters, Passage } from '../domain.js';
import {
  analyseQuestion,
  PLANS,
  RERANK_DEPTH,
  retrieve,
  searchQuery,
  type Candidate,
  type Corpus,
  type Plan,
  type QueryAnalysis,
  type Retrieved,
} from '../retrieve/index.js';
import { collapse, type Folded } from './collapse.js';
import { Conversation, traced, type Trace } from './conversation.js';
import { decide, unknownWords } from './decide.js';
import { questionInputs, trustFor } from './trust.js';
import { describeFilters, filterProblem } from './filters.js';
import { followUp, type FollowUp } from './followup.js';
import { highlight } from './highlight.js';
import { isSmallTalk, SMALL_TALK_NOTE } from './smalltalk.js';
import { ASK_LIMITS } from './limits.js';

export { collapse, type Folded } from './collapse.js';
export { Conversation } from './conversation.js';
export { ASK_LIMITS } from './limits.js';

export interface AskRequest {
  question: string;
  /** Earlier questions in this conversation, oldest first (when no Conversation is kept for it). */
  history?: string[];
  k?: number;
  filters?: Filters;
}

export interface Stages {
  /** Which retrieval stages run (see retrieve/). */
  retrieve: Plan;
  /** Fold twins together, and decide whether to abstain (needs reranked passages). */
  collapse: boolean;
  decide: boolean;
}

/** What the app runs: every stage. */
export const ALL_STAGES: Stages = { retrieve: PLANS.rerank, collapse: true, decide: true };

/**
 * Twins are looked for among the first 3k + 2 passages (the reranker rescored only RERANK_DEPTH): enough for
 * the k shown to each fold a twin or two in.
 */
const foldPool = (k: number) => Math.min(3 * k + 2, RERANK_DEPTH);
const CLOSEST_SHOWN = 2;

export async function answer(corpus: Corpus, req: AskRequest, conversation: Conversation, stages: Stages = ALL_STAGES): Promise<Answer> {
  const q = analyseQuestion(req.question);
  const filters: Filters = { ...(req.filters ?? {}), ...q.filters };
  const k = req.k ?? ASK_LIMITS.defaultK;
  const reply = (a: Omit<Answer, 'question' | 'filters'>, trace?: Trace) => traced({ question: req.question, filters, ...a }, q, trace);
  const problem = filterProblem(filters);
  if (problem) return reply(nothing(q.text, problem));
  if (!q.text) return reply(nothing('', 'Only filters were given: add a question to search for.'));
  if (isSmallTalk(q.text)) return reply(nothing(q.text, SMALL_TALK_NOTE));

  const { lean, found } = await search(corpus, q, filters, conversation, stages.retrieve, stages.collapse ? foldPool(k) : k);
  // A question answered alone can stand in for a search of it when the next question follows up on it.
  const trace = lean.context.length === 0 && stages.retrieve === PLANS.rerank ? { view: found.view, filters, top: found.ranked[0] } : undefined;
  // Say what the search leaned on, so the user can tell a follow-up was read as one, and how.
  const leaned = lean.names?.length ? `; names from its answer: ${lean.names.join(', ')}` : '';
  const searched = lean.context.length ? `${q.text} (following up: ${lean.context.at(-1)}${leaned})` : q.text;
  if (found.allowed === 0) return reply(nothing(searched, `No indexed cable matches ${describeFilters(filters)}.`), trace);

  const shown: Folded[] = stages.collapse ? collapse(found.ranked) : found.ranked;
  const passages = shown.slice(0, k).map(toPassage);
  if (!stages.decide) return reply({ searched, passages, closest: [], abstained: false, confidence: 0, band: 'unrated' }, trace);
  const { abstained, confidence, band, why } = decide(shown[0], shown[1], trustFor(corpus.embedder.id), unknownWords(corpus, q, lean.context.length > 0), lean.context.length > 0, questionInputs(q, shown[0]));
  if (!abstained) return reply({ searched, passages, closest: [], abstained: false, confidence, band }, trace);
  const note = why ? `No cable paragraph answers this: ${why}.` : NOTHING_ANSWERS;
  return reply({ searched, passages: [], closest: why ? [] : passages.slice(0, CLOSEST_SHOWN), abstained: true, confidence, band, note }, trace);
}

const NOTHING_ANSWERS = 'No cable paragraph answers this. The closest paragraphs are shown, but they do not answer the question.';

/** An answer with nothing to show, and why. */
const nothing = (searched: string, note: string) => ({ searched, passages: [], closest: [], abstained: true, confidence: 0, band: 'low' as const, note });

/** The follow-up stage, then retrieval: the question's candidates, best first, before folding. */
async function search(corpus: Corpus, q: QueryAnalysis, filters: Filters, conversation: Conversation, plan: Plan, k: number): Promise<{ lean: FollowUp; found: Retrieved }> {
  const lean = await followUp(corpus, q, conversation, filters);
  return { lean, found: await retrieve(corpus, searchQuery(q, lean, filters), plan, k) };
}

/**
 * Every candidate the reranker scored for a question, best first, as the answer ranks them before folding:
 * what scripts/tune.ts fits the weights on.
 */
export async function rerankedFor(corpus: Corpus, question: string, conversation: Conversation, read?: { followUp?: boolean }): Promise<Candidate[]> {
  const q = analyseQuestion(question);
  const { lean, found } = await search(corpus, q, q.filters, conversation, PLANS.rerank, RERANK_DEPTH);
  if (read) read.followUp = lean.context.length > 0;
  return found.ranked;
}

/** What a user sees of one ranked paragraph. */
export function toPassage(r: Folded): Passage {
  const { alsoIn } = r;
  return {
    citation: citationOf(r.paragraph.ref, r.paragraph),
    cable: r.cable,
    heading: r.paragraph.heading,
    marking: r.paragraph.marking,
    text: r.paragraph.text,
    score: Number(r.score.toFixed(4)),
    highlights: highlight(r),
    ...(alsoIn?.length ? { alsoIn: alsoIn.map((p) => citationOf(p.ref, p)) } : {}),
  };
}
