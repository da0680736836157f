/**
 * The one face every embedding model shows the rest of the pipeline.
 * Vectors are unit length, so cosine similarity is a dot product everywhere downstream.
 */
export interface Embedder {
  /** Stable id recorded in the index, e.g. "use-lite" or "Xenova/all-MiniLM-L6-v2". Changing models means rebuilding. */
  readonly id: string;
  /**
   * For a model loaded from a folder (id "local:<folder name>"): the folder's absolute path. The index
   * records it, so whoever opens the index later finds the model without being told again.
   */
  readonly source?: string;
  /** Whose fitted graph projection to use (src/index/projection.ts); defaults to `id`. Stand-ins name the model they mimic. */
  readonly projection?: string;
  readonly dimensions: number;
  /**
   * Longest input, in words, that the model sees without truncation. Longer texts must be split by the
   * caller (see chunk/) — the model itself may silently cut them.
   */
  readonly maxWords: number;
  /** Embed a batch; one normalised vector per input, same order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Release model memory / worker threads. */
  close(): Promise<void>;
}

/** Id prefix of models loaded from a folder rather than by a Hugging Face id. */
export const LOCAL_MODEL_PREFIX = 'local:';

/** A model that cannot be found or loaded. The message names the model and what to do; no stack needed. */
export class ModelError extends Error {
  override name = 'ModelError';
}
