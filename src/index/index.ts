/**
 * Index: public face. `buildIndex` picks the model (the one an existing index was built with, unless told
 * otherwise), starts one embedding worker per core and ingests; `IndexStore` reads what it built.
 */
import { availableParallelism } from 'node:os';
import { chooseModel, createEmbedPool, loadEmbedder, USE_LITE_ID, type Embedder } from '../embed/index.js';
import { ingest, type IngestOptions, type IngestReport } from './ingest.js';
import { IndexStore } from './store.js';

export { IndexStore, IndexError, INDEX_FORMAT } from './store.js';
export type { IngestReport, IngestProgress, Rejection } from './ingest.js';
export { collectFiles } from './ingest.js';

export interface BuildOptions extends Pick<IngestOptions, 'onProgress' | 'onPlan' | 'segmentWords' | 'batchSize'> {
  indexDir: string;
  model?: string;
  /** Embedding workers; default: one per core. 0 embeds in this thread (no worker start-up, one core). */
  threads?: number;
  /** Use this embedder instead of loading one (tests). */
  embedder?: Embedder;
  log?: (line: string) => void;
}

export async function buildIndex(paths: string[], opts: BuildOptions): Promise<IngestReport & { embedder: string }> {
  let embedder = opts.embedder;
  let threads = 1;
  if (!embedder) {
    const built = IndexStore.peekEmbedder(opts.indexDir);
    const wanted = opts.model && opts.model !== 'auto' ? opts.model : (built?.id ?? 'auto');
    const choice = await chooseModel(wanted);
    opts.log?.(`embedding model: ${choice.spec.model} — ${built && wanted === built.id ? `the model ${opts.indexDir} was built with` : choice.reason}`);
    if (choice.spec.allowRemote) {
      // Download once here, with progress, rather than once per worker.
      await (await loadEmbedder(choice.spec)).close();
      choice.spec.allowRemote = false;
    }
    threads = opts.threads ?? availableParallelism();
    embedder = threads > 0 ? await createEmbedPool(choice.spec, threads) : await loadEmbedder(choice.spec);
    if (choice.spec.model === USE_LITE_ID && threads > 1) opts.log?.(`embedding on ${threads} worker threads`);
  }
  try {
    const report = await ingest(paths, { ...opts, embedder, inFlight: Math.max(2, threads * 2) });
    return { ...report, embedder: embedder.id };
  } finally {
    if (!opts.embedder) await embedder.close();
  }
}
