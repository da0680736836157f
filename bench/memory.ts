/** Child of bench/run.ts: RSS added by opening an index and answering one question (HNSW loaded, caches warm). */
import { tmpdir } from 'node:os';
import { openCablechat } from '../src/cablechat.js';
import { loadEmbedder, USE_LITE_ID } from '../src/embed/index.js';

const embedder = await loadEmbedder({ model: USE_LITE_ID, cacheDir: tmpdir(), allowRemote: false });
await embedder.embed(['warm up the model first, so its memory is not counted as the index']);
globalThis.gc?.();
const before = process.memoryUsage().rss;
const chat = await openCablechat({ indexDir: process.argv[2]!, embedder });
await chat.ask({ question: 'How many migrants were returned?' });
const after = process.memoryUsage().rss;
process.stdout.write(`${JSON.stringify({ index_rss_mb: (after - before) / 2 ** 20 })}\n`);
process.exit(0);
