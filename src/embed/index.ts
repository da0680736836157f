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

export const DEFAULT_HF_MODEL = 'Xenova/all-MiniLM-L6-v2';
export const DEFAULT_CACHE_DIR = process.env.CABLECHAT_MODELS ?? join(homedir(), '.cache', 'cablechat', 'models');

export interface ModelChoice {
  spec: ModelSpec;
  /** One line for the log: which model and why. */
  reason: string;
}

/**
 * `auto` prefers the stronger transformers.js model when it can be had without waiting long
 * (already on disk, or the hub answers quickly); otherwise the bundled model, which always works offline.
 */
export async function chooseModel(choice: string, cacheDir = DEFAULT_CACHE_DIR, hubTimeoutMs = 3000): Promise<ModelChoice> {
  if (choice === USE_LITE_ID) {
    return { spec: { model: USE_LITE_ID, cacheDir, allowRemote: false }, reason: 'bundled Universal Sentence Encoder lite (--model use-lite)' };
  }
  if (choice !== 'auto') {
    const local = existsSync(choice);
    return {
      spec: { model: choice, cacheDir, allowRemote: !local },
      reason: local ? `local model folder ${choice} (--model)` : `Hugging Face model ${choice} (--model)`,
    };
  }
  const { transformersModelAvailableLocally, hubReachable } = await import('./transformers.js');
  if (await transformersModelAvailableLocally(DEFAULT_HF_MODEL, cacheDir)) {
    return { spec: { model: DEFAULT_HF_MODEL, cacheDir, allowRemote: false }, reason: `${DEFAULT_HF_MODEL} found in ${cacheDir}` };
  }
  if (await hubReachable(hubTimeoutMs)) {
    return { spec: { model: DEFAULT_HF_MODEL, cacheDir, allowRemote: true }, reason: `${DEFAULT_HF_MODEL} (Hugging Face hub reachable; downloading to ${cacheDir})` };
  }
  return {
    spec: { model: USE_LITE_ID, cacheDir, allowRemote: false },
    reason: `bundled Universal Sentence Encoder lite: ${DEFAULT_HF_MODEL} is not in ${cacheDir} and the Hugging Face hub did not answer within ${hubTimeoutMs / 1000}s`,
  };
}
