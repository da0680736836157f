/**
 * Fit the reranker weights and the abstention model on the TUNE split only (heldout questions are never
 * read here). Usage: npx tsx scripts/tune.ts --index DIR --qa eval/seed.jsonl [--qa eval/dev.jsonl --index2 DIR]
 * Prints the weights and confidence coefficients to paste into src/retrieve/rerank.ts and src/answer/index.ts.
 */
import { Command } from 'commander';
import { openCablechat } from '../src/cablechat.js';
import { followUpContext } from '../src/answer/index.js';
import { loadQa, type QaItem } from '../src/eval/index.js';
import { rerankScore, WEIGHTS, type Features } from '../src/retrieve/rerank.js';

const program = new Command()
  .requiredOption('--set <qa=index...>', 'pairs of question file and index folder, e.g. eval/seed.jsonl=/tmp/ix')
  .parse();
const sets = program.opts<{ set: string[] }>().set.map((s) => s.split('='));

interface Cand { f: Features; good: boolean }
interface Q { item: QaItem; cands: Cand[] }
const qs: Q[] = [];
for (const [qa, dir] of sets) {
  const chat = await openCablechat({ indexDir: dir! });
  for (const item of loadQa(qa!).filter((q) => (q.split ?? 'tune') === 'tune')) {
    const context = followUpContext(item.question, item.history ?? []);
    const res = await chat.retriever.search({ question: item.question, context, k: 100 });
    const keys = item.unanswerable === true ? new Set<string>() : new Set(item.paragraphs.map(String));
    const cable = item.unanswerable === true ? '' : item.cable.toUpperCase();
    qs.push({ item, cands: res.ranked.map((r) => ({ f: r.features, good: r.paragraph.ref.toUpperCase() === cable && keys.has(r.paragraph.key) })) });
  }
  await chat.close();
}
const answerable = qs.filter((q) => q.item.unanswerable !== true);
const objective = (w: typeof WEIGHTS) => {
  let s = 0;
  for (const q of answerable) {
    const scored = q.cands.map((c) => ({ c, s: rerankScore(c.f, w) })).sort((a, b) => b.s - a.s);
    const i = scored.findIndex((x) => x.c.good);
    if (i === 0) s += 1;
    if (i >= 0 && i < 10) s += 0.5 / (i + 1);
  }
  return s / answerable.length;
};

// Coordinate ascent from the current weights; small steps, a few rounds: enough for 8 weights.
let w = { ...WEIGHTS };
let best = objective(w);
console.log('start objective', best.toFixed(4));
for (let round = 0; round < 10; round++) {
  let improved = false;
  for (const key of Object.keys(w) as (keyof typeof WEIGHTS)[]) {
    for (const delta of [-0.4, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.4]) {
      const trial = { ...w, [key]: Math.max(0, Number((w[key] + delta).toFixed(3))) };
      const o = objective(trial);
      if (o > best + 1e-9) ((best = o), (w = trial), (improved = true));
    }
  }
  console.log(`round ${round}: ${best.toFixed(4)}`);
  if (!improved) break;
}
// Then random search: the objective is a step function, and coordinate steps stall on its plateaus.
let seed = 7;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
for (let i = 0; i < 3000; i++) {
  const base = i % 2 ? w : WEIGHTS;
  const trial = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, Number(Math.max(0, v * (0.3 + 1.4 * rand()) + (rand() < 0.2 ? rand() * 0.5 : 0)).toFixed(3))])) as typeof WEIGHTS;
  const o = objective(trial);
  if (o > best + 1e-9) ((best = o), (w = trial), console.log(`random ${i}: ${best.toFixed(4)}`));
}
console.log('WEIGHTS =', JSON.stringify(w));

// Abstention: logistic regression on the top candidate's features; 1 = answerable question.
const top = qs.map((q) => {
  const c = q.cands.map((c) => ({ c, s: rerankScore(c.f, w) })).sort((a, b) => b.s - a.s)[0]?.c;
  return { y: q.item.unanswerable === true ? 0 : 1, x: c ? vec(c.f) : [0, 0, 0, 0, 0] };
});
function vec(f: Features) {
  return [f.sentenceCoverage, f.coverage, f.denseMax, f.contextCoverage, f.missingKnown];
}
let beta = [0, 0, 0, 0, 0, 0];
const sig = (z: number) => 1 / (1 + Math.exp(-z));
const pos = top.filter((t) => t.y === 1).length;
const neg = top.length - pos;
for (let it = 0; it < 20000; it++) {
  const g = beta.map(() => 0);
  for (const t of top) {
    // Balance the classes: unanswerable questions are few but matter as much.
    const wt = t.y === 1 ? 0.5 / pos : 0.5 / neg;
    const p = sig(beta[0]! + t.x.reduce((s, x, i) => s + x * beta[i + 1]!, 0));
    g[0]! += wt * (p - t.y);
    t.x.forEach((x, i) => (g[i + 1]! += wt * (p - t.y) * x));
  }
  beta = beta.map((b, i) => b - 2 * (g[i]! + 1e-3 * (i ? b : 0)));
}
console.log('confidence beta [bias, sentenceCoverage, coverage, denseMax, contextCoverage, missingKnown] =', JSON.stringify(beta.map((b) => Number(b.toFixed(3)))));
const probs = top.map((t) => ({ y: t.y, p: sig(beta[0]! + t.x.reduce((s, x, i) => s + x * beta[i + 1]!, 0)) }));
for (const th of [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
  const fa = probs.filter((p) => p.y === 1 && p.p < th).length;
  const ab = probs.filter((p) => p.y === 0 && p.p < th).length;
  console.log(`threshold ${th}: false abstentions ${fa}/${pos}, unanswerable abstained ${ab}/${neg}`);
}
