/**
 * One conversation: its earlier questions, and what the last one was answered with. The WebSocket keeps one per
 * socket; an HTTP ask and an eval question make one from the history they carry. Either way a follow-up is
 * read the same: with the turn before it, and the paragraph (and the names) that turn's answer showed first.
 */
import type { Answer, Filters } from '../domain.js';
import { analyseQuestion, PLANS, RERANK_DEPTH, retrieve, searchQuery, type Candidate, type Corpus, type QueryAnalysis } from '../retrieve/index.js';
import { collapse } from './collapse.js';
import { decide, unknownWords } from './decide.js';
import { questionInputs, trustFor } from './trust.js';
import { leansOn } from './followup.js';
import { ASK_LIMITS } from './limits.js';

/**
 * How a turn's answer was searched: enough to know whether a search for it now would find the same first
 * paragraph. Kept only for a question answered alone (not as a follow-up).
 */
export interface Trace {
  /** The index's view (Corpus.refresh) when it was searched. */
  view: number;
  /** The filters searched with, typed and sent. */
  filters: Filters;
  /** The first paragraph found, before folding; undefined when none was. */
  top: Candidate | undefined;
}

const traces = new WeakMap<Answer, { analysis: QueryAnalysis; trace?: Trace }>();

/** Ties an answer to its question as read and how it was searched, for the conversation it is added to. */
export function traced(answer: Answer, analysis: QueryAnalysis, trace: Trace | undefined): Answer {
  traces.set(answer, trace ? { analysis, trace } : { analysis });
  return answer;
}

export interface Turn {
  /** The question as asked, typed filters included. */
  readonly raw: string;
  readonly analysis: QueryAnalysis;
  trace?: Trace;
  /** Known when the turn's answer was seen here: it was a refusal, so there is nothing to follow up on. */
  refused?: boolean;
}

export class Conversation {
  private list: Turn[] = [];

  /** A conversation whose earlier questions (oldest first) are known, but not their answers. */
  constructor(questions: readonly string[] = []) {
    this.replace(questions);
  }

  get turns(): readonly Turn[] {
    return this.list;
  }

  get questions(): string[] {
    return this.list.map((t) => t.raw);
  }

  /** Adds a turn once its answer has reached the user. */
  add(answer: Answer): void {
    const known = traces.get(answer);
    this.list.push({
      raw: answer.question,
      analysis: known?.analysis ?? analyseQuestion(answer.question),
      refused: answer.abstained,
      ...(known?.trace ? { trace: known.trace } : {}),
    });
    if (this.list.length > ASK_LIMITS.historyItems) this.list.shift();
  }

  /** The client's own record of the conversation wins (it sends it after reconnecting). */
  replace(questions: readonly string[]): void {
    const last = this.list.at(-1);
    this.list = questions.slice(-ASK_LIMITS.historyItems).map((raw) => ({ raw, analysis: analyseQuestion(raw) }));
    const now = this.list.at(-1);
    if (last && now && now.raw === last.raw) {
      if (last.trace) now.trace = last.trace;
      if (last.refused !== undefined) now.refused = last.refused;
    }
  }

  reset(): void {
    this.list = [];
  }

  /**
   * The paragraph the last turn was answered with first, as a search for that question would find it now with
   * these filters; undefined when it was refused (a refusal's closest passages are not an answer). Without a
   * usable trace (an HTTP or eval history, a changed index, other filters, a turn that was itself a follow-up)
   * the last question is searched, and decided, again.
   */
  async lastTop(corpus: Corpus, filters: Filters): Promise<Candidate | undefined> {
    const last = this.list.at(-1);
    if (!last || last.refused) return undefined;
    const searchFilters = { ...filters, ...last.analysis.filters };
    const before = leansOn(last.analysis, this.list.at(-2)?.analysis);
    const t = last.trace;
    if (t && !before && t.view === corpus.refresh() && sameFilters(t.filters, searchFilters)) return t.top;
    const query = searchQuery(last.analysis, { context: before ? [before.raw] : [] }, searchFilters);
    const [first, second] = collapse((await retrieve(corpus, query, PLANS.rerank, RERANK_DEPTH)).ranked);
    if (last.refused === undefined && decide(first, second, trustFor(corpus.embedder.id), unknownWords(corpus, last.analysis, before !== null), before !== null, questionInputs(last.analysis, first)).abstained) return undefined;
    return first;
  }
}

function sameFilters(a: Filters, b: Filters): boolean {
  const set = (f: Filters) =>
    Object.entries(f)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : 1));
  return JSON.stringify(set(a)) === JSON.stringify(set(b));
}
