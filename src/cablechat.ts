/**
 * The whole pipeline behind one small face, for the CLI, the server, the eval and the benchmark:
 *
 *   const chat = await openCablechat({ indexDir: 'index' });
 *   const answer = await chat.ask({ question: 'How many children can the PTC house?' });
 *   await chat.close();
 */
import { answer, type AskRequest } from './answer/index.js';
import type { Answer } from './domain.js';
import { createEmbedPool, loadEmbedder, type Embedder } from './embed/index.js';
import { modelForIndex } from './index/index.js';
import { IndexStore } from './index/store.js';
import { Retriever } from './retrieve/index.js';

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

export interface Cablechat {
  readonly store: IndexStore;
  readonly retriever: Retriever;
  readonly embedder: Embedder;
  ask(req: AskRequest): Promise<Answer>;
  close(): Promise<void>;
}

export async function openCablechat(opts: OpenOptions): Promise<Cablechat> {
  let embedder = opts.embedder;
  if (!embedder) {
    const choice = await modelForIndex(opts.indexDir, opts.model, opts.log);
    // In a worker thread, so the lexical half of each query runs while the model embeds it (retrieve/).
    embedder = opts.queryThreads === 0 ? await loadEmbedder(choice.spec) : await createEmbedPool(choice.spec, opts.queryThreads ?? 1);
  }
  const store = IndexStore.open(opts.indexDir, { embedder });
  const retriever = new Retriever(store, embedder);
  const owned = !opts.embedder;
  return {
    store,
    retriever,
    embedder,
    ask: (req) => answer(retriever, req),
    async close() {
      store.close();
      if (owned) await embedder.close();
    },
  };
}
