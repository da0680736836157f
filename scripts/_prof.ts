import { openCablechat } from '../src/cablechat.js';
import { loadQa } from '../src/eval/index.js';
const chat = await openCablechat({ indexDir: process.argv[2]! });
const qs = loadQa('eval/seed.jsonl').map((q) => q.question);
for (const q of qs) await chat.ask({ question: q });
const emb: number[] = [], ask: number[] = [], lex: number[] = [];
for (const q of [...qs, ...qs]) {
  let t = performance.now(); await chat.embedder.embed([q]); emb.push(performance.now() - t);
  t = performance.now(); await chat.ask({ question: q }); ask.push(performance.now() - t);
  t = performance.now(); await chat.retriever.search({ question: q, k: 10, mode: 'lexical' }); lex.push(performance.now() - t);
}
const med = (x: number[]) => x.sort((a, b) => a - b)[Math.floor(x.length / 2)]!.toFixed(1);
console.log('embed p50', med(emb), 'ask p50', med(ask), 'lexical-only p50', med(lex));
