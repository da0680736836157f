/**
 * Fit the reranker weights, the confidence model and the abstention rule on the TUNE split only (held-out
 * questions are never read here).
 *   npx tsx scripts/tune.ts --set eval/seed.jsonl=SEED_INDEX eval/dev.jsonl=CORPUS_INDEX
 * Prints the values to paste into src/retrieve/rerank.ts (WEIGHTS) and src/answer/index.ts.
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
  const chat = await openCablechat({ indexDir: dir!, queryThreads: 0 });
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

// Confidence: logistic model of "the first passage is the right one", on the answerable tune questions.
const firsts = qs.map((q) => {
  const top = q.cands.map((c) => ({ c, s: rerankScore(c.f, w) })).sort((a, b) => b.s - a.s)[0]?.c;
  return { unanswerable: q.item.unanswerable === true, good: !!top?.good, f: top?.f };
});
const vec = (f: Features) => [f.sentenceCoverage, f.coverage, f.denseMax, f.contextCoverage, f.typeMatch];
const data = firsts.filter((x) => !x.unanswerable && x.f).map((x) => ({ y: x.good ? 1 : 0, x: vec(x.f!) }));
const sig = (z: number) => 1 / (1 + Math.exp(-z));
let beta = [0, 0, 0, 0, 0, 0];
for (let it = 0; it < 30000; it++) {
  const g = beta.map(() => 0);
  for (const d of data) {
    const p = sig(beta[0]! + d.x.reduce((s, x, i) => s + x * beta[i + 1]!, 0));
    g[0]! += p - d.y;
    d.x.forEach((x, i) => (g[i + 1]! += (p - d.y) * x));
  }
  beta = beta.map((b, i) => b - (0.5 / data.length) * (g[i]! + 1e-2 * (i ? b : 0)));
}
console.log('confidence beta [bias, sentenceCoverage, coverage, denseMax, contextCoverage, typeMatch] =', JSON.stringify(beta.map((b) => Number(b.toFixed(3)))));

// Abstention: how each "nothing matches" rule trades refused answerable questions for caught unanswerable ones.
for (const sc of [0.15, 0.2, 0.25, 0.3]) {
  for (const cv of [0.2, 0.3, 0.4]) {
    const refuses = (f: Features) => f.sentenceCoverage < sc && f.coverage < cv && f.contextCoverage < 0.5;
    const fa = firsts.filter((x) => !x.unanswerable && x.f && refuses(x.f)).length;
    const ua = firsts.filter((x) => x.unanswerable && x.f && refuses(x.f)).length;
    console.log(`abstain when sentenceCoverage < ${sc} and coverage < ${cv}: answerable refused ${fa}/${data.length}, unanswerable refused ${ua}/${firsts.length - data.length}`);
  }
}
