/**
 * Index: public face. `buildIndex` picks the model (the one an existing index was built with, unless told
 * otherwise), starts one embedding worker per core and ingests; `IndexStore` reads what it built.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { chooseModel, createEmbedPool, LOCAL_MODEL_PREFIX, loadEmbedder, type Embedder, type ModelChoice } from '../embed/index.js';
import { ingest, type IngestOptions, type IngestReport } from './ingest.js';
import { IndexError, IndexStore, rebuildCommand, type EmbedderInfo } from './store.js';
import { lockForWriting } from './lock.js';

export { IndexStore, IndexError, INDEX_FORMAT } from './store.js';
export type { IngestReport, IngestProgress, Rejection } from './ingest.js';

export interface BuildOptions extends Pick<IngestOptions, 'onProgress' | 'onPlan' | 'segmentWords' | 'batchSize'> {
  indexDir: string;
  model?: string;
  /** Embedding workers; default: one per core. 0 embeds in this thread (no worker start-up, one core). */
  threads?: number;
  /** Use this embedder instead of loading one (tests). */
  embedder?: Embedder;
  log?: (line: string) => void;
}

/**
 * The model to use with an index: the one it was built with, unless the caller names another (which
 * IndexStore.open then refuses, with the rebuild command, if it differs). Logs one line saying which and why.
 */
export async function modelForIndex(indexDir: string, model: string | undefined, log?: (line: string) => void): Promise<ModelChoice> {
  const built = IndexStore.peekEmbedder(indexDir);
  const asked = model && model !== 'auto' ? model : undefined;
  const wanted = asked ?? (built ? modelFolderOf(indexDir, built) : 'auto');
  const choice = await chooseModel(wanted);
  log?.(`embedding model: ${choice.spec.model} — ${built && !asked ? `the model ${indexDir} was built with` : choice.reason}`);
  return choice;
}

/** What loads an index's model again: its id, or for a folder model the folder the index recorded. */
function modelFolderOf(indexDir: string, built: EmbedderInfo): string {
  if (!built.id.startsWith(LOCAL_MODEL_PREFIX)) return built.id;
  if (built.source && existsSync(built.source)) return built.source;
  const name = built.id.slice(LOCAL_MODEL_PREFIX.length);
  throw new IndexError(
    `${indexDir} was built with the model in the folder ${built.source ?? `named "${name}"`}${built.source ? ', which is no longer there' : ''}. ` +
      `Name that model's folder with --model <folder> (it is remembered from then on), or rebuild it with: ${rebuildCommand(indexDir, 'use-lite')}`,
  );
}

/**
 * Takes cables out of an index, as one commit under the writer lock (a running ingest makes this wait its turn
 * by failing with the lock's message). Returns the reference ids that were there and are gone.
 */
export function removeCables(indexDir: string, refs: string[], embedder: EmbedderInfo): string[] {
  const lock = lockForWriting(indexDir);
  try {
    const store = IndexStore.open(indexDir, { embedder });
    try {
      return store.removeCables(refs);
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}

export async function buildIndex(paths: string[], opts: BuildOptions): Promise<IngestReport & { embedder: string }> {
  let embedder = opts.embedder;
  let threads = 1;
  if (!embedder) {
    const choice = await modelForIndex(opts.indexDir, opts.model, opts.log);
    if (choice.spec.allowRemote) {
      // Download once here, with progress, rather than once per worker.
      await (await loadEmbedder(choice.spec)).close();
      choice.spec.allowRemote = false;
    }
    threads = opts.threads ?? availableParallelism();
    embedder = threads > 0 ? await createEmbedPool(choice.spec, threads) : await loadEmbedder(choice.spec);
    if (threads > 1) opts.log?.(`embedding on ${threads} worker threads`);
  }
  try {
    const report = await ingest(paths, { ...opts, embedder, inFlight: Math.max(2, threads * 2) });
    return { ...report, embedder: embedder.id };
  } finally {
    if (!opts.embedder) await embedder.close();
  }
}
