/**
 * Child process of the scale benchmark: opens an index as a server does and asks it questions, then prints
 * one JSON line: RSS with the index open and after the questions, and query latency without the query
 * embedding (the stand-in embedder's own time is measured and subtracted).
 *   node --import tsx bench/scale-probe.ts INDEX QUESTIONS.json
 */
import { readFileSync } from 'node:fs';
import { openCablechat } from '../src/cablechat.js';
import { hashEmbedder } from '../test/support/hash-embedder.js';

const [indexDir, questionsFile] = process.argv.slice(2);
const questions = JSON.parse(readFileSync(questionsFile!, 'utf8')) as string[];
const inner = { ...hashEmbedder(), projection: 'use-lite' };
let embedMs = 0;
const embedder = {
  ...inner,
  embed: async (texts: string[]) => {
    const t = performance.now();
    const v = await inner.embed(texts);
    embedMs += performance.now() - t;
    return v;
  },
};
const t0 = performance.now();
const chat = await openCablechat({ indexDir: indexDir!, embedder });
const openMs = performance.now() - t0;
// The first question loads the HNSW file: timed on its own, then a warm-up round.
const f0 = performance.now();
await chat.ask({ question: questions[0]! });
const firstMs = performance.now() - f0;
const rssOpen = process.memoryUsage().rss;
for (const q of questions.slice(0, 20)) await chat.ask({ question: q });
const ms: number[] = [];
for (const q of questions) {
  embedMs = 0;
  const t = performance.now();
  await chat.ask({ question: q });
  ms.push(performance.now() - t - embedMs);
}
ms.sort((a, b) => a - b);
const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
process.stdout.write(
  `${JSON.stringify({ openMs, firstQueryMs: firstMs, rssOpenMB: rssOpen / 2 ** 20, rssAfterMB: process.memoryUsage().rss / 2 ** 20, queries: ms.length, p50: at(0.5), p95: at(0.95) })}\n`,
);
await chat.close();
