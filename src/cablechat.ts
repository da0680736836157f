/**
 * The whole pipeline behind one small face, for the CLI and the server:
 *
 *   const chat = await openCablechat({ indexDir: 'index' });
 *   const answer = await chat.ask({ question: 'How many children can the PTC house?' });
 *   await chat.close();
 *
 * Below the face, `openPipeline` gives the eval and the fitting script the same answering function with a
 * choice of stages, and the index as retrieval reads it.
 */
import { citationOf } from './chunk/index.js';
import { answer, ALL_STAGES, Conversation, type AskRequest, type Stages } from './answer/index.js';
import type { Answer, CableDocument, CableSummary } from './domain.js';
import { createEmbedPool, loadEmbedder, type Embedder } from './embed/index.js';
import { modelForIndex } from './index/index.js';
import { IndexStore, type ArchiveFacets, type ArchiveFilter } from './index/store.js';
import { Corpus, type Ranking } from './retrieve/index.js';
import { trustFor } from './answer/trust.js';

export { ALL_STAGES, ASK_LIMITS, Conversation, type AskRequest, type Stages } from './answer/index.js';

export interface OpenOptions {
  indexDir: string;
  /** "auto" (default): the model the index was built with. */
  model?: string;
  /** An already loaded embedder (tests, benchmarks), used instead of loading one. */
  embedder?: Embedder;
  log?: (line: string) => void;
  /** Embedding worker threads for queries (default 1); 0 embeds on the calling thread. */
  queryThreads?: number;
}

/** What an index holds, and the model it answers with. */
export interface Stats {
  cables: number;
  paragraphs: number;
  segments: number;
  embedder: { id: string; dimensions: number };
  /**
   * What the answers are ranked and judged with: weights fitted for this embedder, or the model-agnostic ones
   * (retrieve/weights.ts); a fitted trust model (refusal, confidence), or none (answers are "unrated").
   */
  ranking: { weights: Ranking['kind']; trust: 'fitted' | 'none'; note: string };
}

export interface Cablechat {
  /**
   * Answers a question. A conversation kept by the caller (one per chat socket) is used and, when the
   * request carries a history, replaced by it; without one the request's history is the conversation.
   * The caller adds the answer to its conversation once the user has it.
   */
  ask(request: AskRequest, conversation?: Conversation): Promise<Answer>;
  /** One cable with every paragraph, for the viewer; null when the index has no such cable. */
  cable(ref: string): CableDocument | null;
  /** Cables newest first, optionally narrowed by reference id or subject text, origin, year, classification, tag. */
  listCables(offset: number, limit: number, where?: ArchiveFilter): { total: number; items: CableSummary[] };
  /** How many cables have each origin, year, classification and tag: the archive page's facets. */
  facets(): ArchiveFacets;
  stats(): Stats;
  close(): Promise<void>;
}

/** The answering function with a choice of stages, over the index as retrieval reads it. */
export interface Pipeline {
  readonly corpus: Corpus;
  readonly embedder: { id: string; dimensions: number };
  answer(request: AskRequest, conversation: Conversation, stages?: Stages): Promise<Answer>;
  close(): Promise<void>;
}

export async function openPipeline(opts: OpenOptions): Promise<Pipeline> {
  let embedder = opts.embedder;
  if (!embedder) {
    const choice = await modelForIndex(opts.indexDir, opts.model, opts.log);
    // In a worker thread, so the lexical half of each query runs while the model embeds it (retrieve/).
    embedder = opts.queryThreads === 0 ? await loadEmbedder(choice.spec) : await createEmbedPool(choice.spec, opts.queryThreads ?? 1);
  }
  const store = IndexStore.open(opts.indexDir, { embedder });
  const corpus = new Corpus(store, embedder);
  const owned = !opts.embedder;
  const model = embedder;
  return {
    corpus,
    embedder: { id: model.id, dimensions: model.dimensions },
    answer: (req, conversation, stages = ALL_STAGES) => answer(corpus, req, conversation, stages),
    async close() {
      store.close();
      if (owned) await model.close();
    },
  };
}

function rankingStats(pipeline: Pipeline): Stats['ranking'] {
  const id = pipeline.embedder.id;
  const weights = pipeline.corpus.ranking.kind;
  const trust = trustFor(id) ? 'fitted' : 'none';
  const note =
    weights === 'fitted' && trust === 'fitted'
      ? `ranking, refusal and confidence fitted for ${id}`
      : `${id} has no fitted ${weights === 'fitted' ? '' : 'ranking weights or '}trust model: ranked with ${weights === 'fitted' ? 'its own' : weights} weights, refused only when the cables do not know the question's words or share almost nothing with it, confidence not rated (fit one: scripts/tune.ts, scripts/fit-trust.ts)`;
  return { weights, trust, note };
}

/** The face over a pipeline. */
export function cablechatOf(pipeline: Pipeline): Cablechat {
  const store = pipeline.corpus.store;
  return {
    ask(req, conversation) {
      if (conversation && req.history) conversation.replace(req.history);
      return pipeline.answer(req, conversation ?? new Conversation(req.history ?? []));
    },
    cable(ref) {
      store.sync();
      const cable = store.cable(ref);
      if (!cable) return null;
      const paragraphs = store.paragraphsOf(cable.ref).map((p) => ({
        key: p.key,
        number: p.number,
        heading: p.heading,
        marking: p.marking,
        text: p.text,
        citation: citationOf(cable.ref, p),
      }));
      // The source's list of cited cables, or the ids on the cable's REF lines (kept at ingest: index/store.ts).
      const cites = [...new Set((cable.references ?? []).map((r) => r.toUpperCase()))]
        .filter((r) => r !== cable.ref.toUpperCase())
        .map((r) => ({ ref: store.cable(r)?.ref ?? r, indexed: store.cable(r) !== null }));
      return { ...cable, paragraphs, cites, citedBy: store.citedBy(cable.ref) };
    },
    listCables: (offset, limit, where) => (store.sync(), store.listCables(offset, limit, where)),
    facets: () => (store.sync(), store.facets()),
    stats() {
      const s = store.stats();
      return { cables: s.cables, paragraphs: s.paragraphs, segments: s.segments, embedder: pipeline.embedder, ranking: rankingStats(pipeline) };
    },
    close: () => pipeline.close(),
  };
}

export async function openCablechat(opts: OpenOptions): Promise<Cablechat> {
  return cablechatOf(await openPipeline(opts));
}

/** Whether `dir` holds an index (of any model): `npm start` builds one from the bundled cables when not. */
export function hasIndex(dir: string): boolean {
  // A damaged index is still an index: opening it says so and how to rebuild, instead of indexing over it.
  return IndexStore.exists(dir);
}
