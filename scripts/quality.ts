/**
 * The README's Quality table, in one run: every stage on every set and split.
 *   npx tsx scripts/quality.ts --set eval/seed.jsonl=SEED_INDEX eval/dev.jsonl=CORPUS_INDEX [--json FILE]
 * Prints markdown rows; --json also writes the raw metrics.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { openPipeline } from '../src/cablechat.js';
import { batchOf, loadQa, runEval, type EvalMode, type Metrics, type QaItem } from '../src/eval/index.js';

const program = new Command()
  .requiredOption('--set <qa=index...>', 'pairs of question file and index folder')
  .option('--json <file>', 'also write every metric here')
  .parse();
const opts = program.opts<{ set: string[]; json?: string }>();

const STAGES: [EvalMode, string][] = [
  ['dense', 'dense (HNSW) alone'],
  ['lexical', 'lexical (BM25) alone'],
  ['fused', 'plain fusion (RRF)'],
  ['rerank', 'fusion + rerank'],
  ['full', '**full answer** (rerank, fold, abstain)'],
];
const rows: string[] = [
  '| set, split (answerable / unanswerable) | stage | hit@1 | hit@5 | MRR@10 | right cable in top 5 | answer inside the marked sentence | follow-ups right first | unanswerable abstained | answerable wrongly abstained |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
const all: Record<string, Metrics> = {};
for (const [qa, dir] of opts.set.map((s) => s.split('='))) {
  const pipeline = await openPipeline({ indexDir: dir!, queryThreads: 0 });
  const name = qa!.includes('seed') ? 'seed cable' : '1,295-cable corpus';
  // The newest batches' held-out questions have been scored the fewest times, so their rows on their own
  // are the least worn check on questions nobody tuned for (docs/decisions.md counts the looks).
  const parts: [string, (q: QaItem) => boolean][] = [
    ['tune', (q) => (q.split ?? 'tune') === 'tune'],
    ['heldout', (q) => q.split === 'heldout'],
    ['heldout, batch 3 only', (q) => q.split === 'heldout' && batchOf(q.id) === 3],
    ['heldout, batch 4 only', (q) => q.split === 'heldout' && batchOf(q.id) === 4],
  ];
  for (const [split, keep] of parts) {
    const items = loadQa(qa!).filter(keep);
    for (const [mode, label] of STAGES) {
      const m = await runEval(pipeline, items, { mode });
      all[`${qa}:${split}:${mode}`] = m;
      const f = (x: number) => x.toFixed(3);
      rows.push(
        `| ${name}, ${split} (${m.answerable}/${m.unanswerable}) | ${label} | ${f(m['hit@1'])} | ${f(m['hit@5'])} | ${f(m['mrr@10'])} | ${f(m['cable_hit@5'])} | ${f(m['highlight@1'])} | ${Math.round(m['followup_paragraph_hit@1'] * m.followups)}/${m.followups} | ${m.abstained_correct}/${m.unanswerable} | ${m.false_abstentions}/${m.answerable} |`,
      );
    }
  }
  await pipeline.close();
}
process.stdout.write(`${rows.join('\n')}\n`);
if (opts.json) writeFileSync(opts.json, `${JSON.stringify(all, (k, v) => (k === 'misses' ? undefined : v), 1)}\n`);
