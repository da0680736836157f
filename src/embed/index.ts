/**
 * Embedding: turn text into unit vectors. Public face: `chooseModel` (resolve "auto"), `loadEmbedder`
 * (one model in this thread, for queries), `createEmbedPool` (one model per core, for ingest) and
 * `embeddingText` (what the model is given for a text, on both sides).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { USE_LITE_ID } from './use-lite.js';
import type { ModelSpec } from './load.js';

export type { Embedder } from './embedder.js';
export { LOCAL_MODEL_PREFIX, ModelError } from './embedder.js';
export type { ModelSpec } from './load.js';
export { loadEmbedder } from './load.js';
export { createEmbedPool } from './pool.js';
export { EMBED_INPUT_VERSION, embeddingText } from './input.js';
export { USE_LITE_ID } from './use-lite.js';

export const DEFAULT_CACHE_DIR = process.env.CABLECHAT_MODELS ?? join(homedir(), '.cache', 'cablechat', 'models');

export interface ModelChoice {
  spec: ModelSpec;
  /** One line for the log: which model and why. */
  reason: string;
}

/**
 * `auto` (no model named) is always the bundled model: it works offline, nothing is asked of the network, and
 * the fitted ranking and trust models are its own. Another model is used only when the user names it.
 */
export async function chooseModel(choice: string, cacheDir = DEFAULT_CACHE_DIR): Promise<ModelChoice> {
  if (choice === 'auto' || choice === USE_LITE_ID) {
    const why = choice === 'auto' ? 'no --model given' : '--model use-lite';
    return { spec: { model: USE_LITE_ID, cacheDir, allowRemote: false }, reason: `bundled Universal Sentence Encoder lite (${why})` };
  }
  const local = existsSync(choice);
  return {
    spec: { model: choice, cacheDir, allowRemote: !local },
    reason: local ? `local model folder ${choice} (--model)` : `Hugging Face model ${choice} (--model)`,
  };
}
