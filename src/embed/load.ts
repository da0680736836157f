import type { Embedder } from './embedder.js';
import { loadUseLite, USE_LITE_ID } from './use-lite.js';

/** A fully resolved model choice (no "auto"): what a worker thread needs to load the same model. */
export interface ModelSpec {
  /** "use-lite", a Hugging Face id, or a local model folder. */
  model: string;
  /** Where transformers.js models are cached / looked up. */
  cacheDir: string;
  allowRemote: boolean;
}

export async function loadEmbedder(spec: ModelSpec): Promise<Embedder> {
  if (spec.model === USE_LITE_ID) return loadUseLite();
  const { loadTransformersEmbedder } = await import('./transformers.js');
  return loadTransformersEmbedder({ model: spec.model, cacheDir: spec.cacheDir, allowRemote: spec.allowRemote });
}
