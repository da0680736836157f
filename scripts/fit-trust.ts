/**
 * Fit one embedder's trust model (src/answer/trust.ts) on the TUNE split only: when to refuse, the
 * confidence, and where its bands are cut. Run after scripts/tune.ts (the models read the reranker's margin).
 *   npx tsx scripts/fit-trust.ts --set eval/seed.jsonl=DEMO eval/offtopic.jsonl=DEMO \
 *     eval/seed.jsonl=CORPUS eval/dev.jsonl=CORPUS eval/offtopic.jsonl=CORPUS [--write]
 * A question file made only of unanswerable questions is an off-topic set: its questions teach refusal. The
 * unanswerable questions of the other sets are about the cables' own topics (the cables just do not say):
 * they are left out of the refusal fit, which would otherwise learn to refuse on-topic questions, and count
 * in the confidence fit (their first passage is never right).
 * Every choice (threshold, bands) is made on 5-fold cross-validated probabilities, never in-sample ones.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { Conversation, openPipeline } from '../src/cablechat.js';
import { collapse, rerankedFor } from '../src/answer/index.js';
import { unknownWords } from '../src/answer/decide.js';
import { isSmallTalk } from '../src/answer/smalltalk.js';
import { bandOf, questionInputs, probability, TRUST_INPUTS, trustInputs, type Logistic, type TrustModel } from '../src/answer/trust.js';
import { analyseQuestion } from '../src/retrieve/index.js';
import { loadQa } from '../src/eval/index.js';

const program = new Command()
  .requiredOption('--set <qa=index...>', 'pairs of question file and index folder')
  .option('--write', 'store the model in src/answer/trust.json under the embedder id')
  .option('--max-false-refusals <share>', 'largest share of answerable tune questions the refusal may take', '0.02')
  .parse();
const opts = program.opts<{ set: string[]; write?: boolean; maxFalseRefusals: string }>();

interface Row { set: string; id: string; x: number[]; answerable: boolean; offtopic: boolean; right: boolean; unknown: boolean; followUp: boolean }
const rows: Row[] = [];
let model: string | undefined;
for (const [qa, dir] of opts.set.map((s) => s.split('='))) {
  const pipeline = await openPipeline({ indexDir: dir!, queryThreads: 0 });
  if (model !== undefined && pipeline.embedder.id !== model) throw new Error(`${dir} was built with ${pipeline.embedder.id}, not ${model}`);
  model = pipeline.embedder.id;
  const all = loadQa(qa!);
  const offtopic = all.every((q) => q.unanswerable === true);
  for (const item of all.filter((q) => (q.split ?? 'tune') === 'tune')) {
    const read: { followUp?: boolean } = {};
    const ranked = await rerankedFor(pipeline.corpus, item.question, new Conversation(item.history ?? []), read);
    const [a, b] = collapse(ranked);
    const answerable = item.unanswerable !== true;
    const keys = answerable ? new Set(item.paragraphs.map(String)) : new Set<string>();
    const cable = answerable ? item.cable.toUpperCase() : '';
    // Right as the eval's hit@1 counts it: the right cable, and the answer in the passage (or its listed paragraph).
    const norm = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();
    const right =
      !!a &&
      answerable &&
      (( a.paragraph.ref.toUpperCase() === cable && norm(a.paragraph.text).includes(norm(item.answer))) ||
        [{ ref: a.paragraph.ref, key: a.paragraph.key }, ...(a.alsoIn ?? [])].some((p) => p.ref.toUpperCase() === cable && keys.has(p.key.replace(/\.\d+$/, ''))));
    const unknown = isSmallTalk(item.question) || unknownWords(pipeline.corpus, analyseQuestion(item.question), read.followUp).length > 0 || !a;
    rows.push({ set: `${qa}@${dir}`, id: item.id, x: a ? trustInputs(a.features!, a.score - (b?.score ?? a.score), questionInputs(analyseQuestion(item.question), a)) : TRUST_INPUTS.map(() => 0), answerable, offtopic, right, unknown, followUp: read.followUp === true });
  }
  await pipeline.close();
}
if (!model) throw new Error('no sets');

function fit(data: { x: number[]; y: number }[]): Logistic {
  let beta = new Array<number>(TRUST_INPUTS.length + 1).fill(0);
  const p = (x: number[]) => 1 / (1 + Math.exp(-(beta[0]! + x.reduce((s, v, i) => s + v * beta[i + 1]!, 0))));
  for (let it = 0; it < 20000; it++) {
    const g = beta.map(() => 0);
    for (const d of data) {
      const e = p(d.x) - d.y;
      g[0]! += e;
      d.x.forEach((x, i) => (g[i + 1]! += e * x));
    }
    beta = beta.map((b, i) => b - (0.5 / data.length) * (g[i]! + 1e-2 * (i ? b : 0)));
  }
  return { bias: Number(beta[0]!.toFixed(3)), weights: Object.fromEntries(TRUST_INPUTS.map((k, i) => [k, Number(beta[i + 1]!.toFixed(3))])) as Logistic['weights'] };
}
const folds = 5;
const foldOf = (i: number) => (i * 7919) % folds;
/** Cross-validated probabilities: each row predicted by a model fitted without its fold. */
function crossValidated(data: { x: number[]; y: number }[]): number[] {
  const out = new Array<number>(data.length);
  for (let f = 0; f < folds; f++) {
    const m = fit(data.filter((_, i) => foldOf(i) !== f));
    data.forEach((d, i) => foldOf(i) === f && (out[i] = probability(m, d.x)));
  }
  return out;
}

// 1. Refusal: answerable questions against off-topic ones; left out are those the unknown-words rule takes and
// follow-ups, which the model never refuses (decide.ts).
const refusalRows = rows.filter((r) => !r.unknown && !r.followUp && (r.answerable || r.offtopic));
const refusalData = refusalRows.map((r) => ({ x: r.x, y: r.answerable ? 1 : 0 }));
const cvAnswerable = crossValidated(refusalData);
const answerableCount = rows.filter((r) => r.answerable).length;
const budget = Math.floor(Number(opts.maxFalseRefusals) * answerableCount) - rows.filter((r) => r.answerable && r.unknown).length;
const answerableP = refusalRows.map((r, i) => (r.answerable ? cvAnswerable[i]! : Infinity)).sort((a, b) => a - b);
// Refuse below the (budget+1)-th lowest answerable probability: at most `budget` answerable ones fall under it.
const refuseBelow = Number(Math.max(0, answerableP[Math.max(0, budget)]! - 1e-6).toFixed(4));
const cvRefused = new Map(refusalRows.map((r, i) => [r, cvAnswerable[i]! < refuseBelow]));
const refusedRow = (r: Row) => r.unknown || cvRefused.get(r) === true;
console.log(`refusal (cross-validated, tune): refuse below ${refuseBelow}`);
for (const set of [...new Set(rows.map((r) => r.set))]) {
  const rs = rows.filter((r) => r.set === set);
  const ans = rs.filter((r) => r.answerable);
  const off = rs.filter((r) => r.offtopic);
  const un = rs.filter((r) => !r.answerable && !r.offtopic);
  console.log(
    `  ${set}: answerable refused ${ans.filter(refusedRow).length}/${ans.length} (${ans.filter((r) => r.unknown).length} by unknown words: ${ans.filter((r) => r.unknown).map((r) => r.id).join(' ')})` +
      (off.length ? `, off-topic refused ${off.filter(refusedRow).length}/${off.length} (${off.filter((r) => r.unknown).length} by unknown words)` : '') +
      (un.length ? `, on-topic unanswerable refused ${un.filter(refusedRow).length}/${un.length}` : ''),
  );
}

// 2. Confidence, over the answers that would be shown: is the first passage the right one?
const shown = rows.filter((r) => !refusedRow(r));
const confData = shown.map((r) => ({ x: r.x, y: r.right ? 1 : 0 }));
const cvConf = crossValidated(confData);
const right = (lo: number, hi: number) => {
  const b = cvConf.map((p, i) => ({ p, y: confData[i]!.y })).filter((d) => d.p >= lo && d.p < hi);
  return { n: b.length, right: b.filter((d) => d.y).length };
};
// High: the lowest cut where answers at or above it are right at least 90% of the time (the promise is 85%).
let high: number | null = null;
for (const c of [...cvConf].sort((a, b) => a - b)) {
  const r = right(c, 2);
  if (r.n >= 15 && r.right / r.n >= 0.9) {
    high = c;
    break;
  }
}
// Medium: the highest cut under High where answers below it are right at most 35% of the time (the promise is 40%).
let medium = 0;
for (const c of [...cvConf].sort((a, b) => b - a)) {
  if (high !== null && c > high) continue;
  const r = right(0, c);
  if (r.n >= 10 && r.right / r.n <= 0.35) {
    medium = c;
    break;
  }
}
for (const q of [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95]) {
  const c = [...cvConf].sort((a, b) => a - b)[Math.floor(q * cvConf.length)]!;
  const r = right(c, 2);
  console.log(`  top ${(100 - q * 100).toFixed(0)}% (p ≥ ${c.toFixed(3)}): ${r.right}/${r.n} right; below: ${right(0, c).right}/${right(0, c).n}`);
}
const bands = { high: high === null ? null : Number(high.toFixed(4)), medium: Number(Math.min(medium, high ?? 1).toFixed(4)) };
const table = (['high', 'medium', 'low'] as const).map((band) => {
  const inBand = cvConf.map((p, i) => ({ p, y: confData[i]!.y })).filter((d) => bandOf(d.p, bands) === band);
  return `${band} ${inBand.filter((d) => d.y).length}/${inBand.length} right`;
});
console.log(`confidence bands (cross-validated, tune, shown answers): High ≥ ${bands.high ?? '(none: no cut is right 90% of the time)'}, Medium ≥ ${bands.medium}: ${table.join(', ')}`);

const trust: TrustModel & { fitted: object } = {
  answerable: fit(refusalData),
  refuseBelow,
  confidence: fit(confData),
  bands,
  fitted: {
    questions: rows.length,
    refusal: `${refusalData.length} questions (answerable and off-topic), threshold at ≤ ${opts.maxFalseRefusals} of answerable tune questions refused, cross-validated`,
    bands: `cross-validated on ${confData.length} shown answers: ${table.join(', ')}`,
  },
};
console.log(JSON.stringify(trust, null, 2));
if (opts.write) {
  const file = new URL('../src/answer/trust.json', import.meta.url);
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { models: Record<string, unknown> };
  stored.models[model] = trust;
  const about = 'Trust models per embedder id (refusal, confidence, bands), written by `npx tsx scripts/fit-trust.ts --set … --write` from the tune split of eval/ only. Do not edit by hand: re-run the script.';
  writeFileSync(file, `${JSON.stringify({ about, models: stored.models }, null, 2)}\n`);
  console.log(`written to src/answer/trust.json for ${model}`);
}
