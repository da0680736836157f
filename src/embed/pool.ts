/**
 * An Embedder backed by worker threads, each with its own model, so ingest uses every core.
 * Each `embed()` call is one job on the next free worker; callers that want all cores busy keep
 * several calls in flight (see index/ingest.ts).
 */
import { Worker } from 'node:worker_threads';
import { type Embedder, ModelError } from './embedder.js';
import type { ModelSpec } from './load.js';

interface Job {
  texts: string[];
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

export async function createEmbedPool(spec: ModelSpec, threads: number): Promise<Embedder> {
  const workers = Array.from({ length: Math.max(1, threads) }, () => spawnWorker(spec));
  const info = await Promise.all(workers.map((w) => waitReady(w)));
  const first = info[0]!;

  const idle: Worker[] = [...workers];
  const queue: Job[] = [];
  const running = new Map<number, Job>();
  let nextJob = 0;
  let dead: Error | null = null;

  const pump = () => {
    while (idle.length && queue.length) {
      const w = idle.pop()!;
      const job = queue.shift()!;
      const id = nextJob++;
      running.set(id, job);
      (w as Worker & { job?: number }).job = id;
      w.postMessage({ job: id, texts: job.texts });
    }
  };

  for (const w of workers) {
    w.on('message', (m: { type: string; job: number; flat?: Float32Array; count?: number; message?: string }) => {
      const job = running.get(m.job);
      if (!job) return;
      running.delete(m.job);
      idle.push(w);
      if (m.type === 'done') {
        const dims = m.count ? m.flat!.length / m.count : 0;
        job.resolve(Array.from({ length: m.count! }, (_, i) => m.flat!.subarray(i * dims, (i + 1) * dims)));
      } else job.reject(new Error(`embedding worker failed: ${m.message}`));
      pump();
    });
    w.on('error', (err) => {
      dead = err;
      for (const j of running.values()) j.reject(err);
      for (const j of queue.splice(0)) j.reject(err);
    });
  }

  return {
    id: first.id,
    ...(first.source ? { source: first.source } : {}),
    dimensions: first.dimensions,
    maxWords: first.maxWords,
    embed(texts: string[]) {
      if (dead) return Promise.reject(dead);
      if (texts.length === 0) return Promise.resolve([]);
      return new Promise((resolve, reject) => {
        queue.push({ texts, resolve, reject });
        pump();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * From TypeScript sources (tsx, vitest) a worker must first register tsx's loader itself: Node 20 does not
 * pass `--import` hooks on to worker threads.
 */
function spawnWorker(spec: ModelSpec): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: spec });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: spec });
}

function waitReady(w: Worker): Promise<{ id: string; source?: string; dimensions: number; maxWords: number }> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type: string; id: string; source?: string; dimensions: number; maxWords: number; message?: string }) => {
      if (m.type === 'ready') {
        w.off('message', onMsg);
        resolve(m);
      } else if (m.type === 'failed') reject(new ModelError(`embedding worker could not load the model: ${m.message}`));
    };
    w.on('message', onMsg);
    w.once('error', reject);
  });
}
