/** One embedding model per worker thread: TF.js wasm is single-threaded, so parallelism means more models. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEmbedder, type ModelSpec } from './load.js';

const port = parentPort!;
const embedderPromise = loadEmbedder(workerData as ModelSpec);

embedderPromise.then(
  (e) => port.postMessage({ type: 'ready', id: e.id, source: e.source, dimensions: e.dimensions, maxWords: e.maxWords }),
  (err: unknown) => port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
);

port.on('message', async (msg: { job: number; texts: string[] }) => {
  try {
    const vectors = await (await embedderPromise).embed(msg.texts);
    const flat = new Float32Array(vectors.reduce((n, v) => n + v.length, 0));
    let o = 0;
    for (const v of vectors) {
      flat.set(v, o);
      o += v.length;
    }
    port.postMessage({ type: 'done', job: msg.job, flat, count: vectors.length }, [flat.buffer]);
  } catch (err) {
    port.postMessage({ type: 'error', job: msg.job, message: err instanceof Error ? err.message : String(err) });
  }
});
