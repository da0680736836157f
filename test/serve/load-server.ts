/**
 * The server under load, in its own process so its memory is measured alone (test/serve/load.test.ts).
 * Real index, retrieval, reranker and server; the hash embedder stands in for the model.
 * Tells its parent the port; answers {type:'rss'} with its resident size after a full garbage collection.
 */
import { buildServer } from '../../src/serve/index.js';
import { hashChat } from '../support/hash-embedder.js';

const paths = process.argv.slice(2);
const seed = await hashChat(paths);
const app = await buildServer({ chat: seed.chat });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const send = (m: object) => process.send?.(m);

process.on('message', async (m: { type: string }) => {
  if (m.type === 'rss') {
    // Twice: the first pass can leave finalised objects for the second.
    for (let i = 0; i < 2; i++) (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 50));
    send({ type: 'rss', rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
  } else if (m.type === 'stop') {
    await app.close();
    await seed.dispose();
    process.exit(0);
  }
});
send({ type: 'listening', port: Number(new URL(address).port), paragraphs: seed.chat.stats().paragraphs });
