/**
 * npm run eval -- --qa FILE.jsonl [--cables PATH...] [--index DIR] [--k 10] [--mode full|rerank|dense|lexical|fused|all]
 *                 [--split tune|heldout|all] [--json]
 * Without --index, the cables (default: the bundled seed) are ingested into a temporary index first.
 */
import { Command, Option } from 'commander';
import { failUsage, parseArgs, wholeNumber } from './args.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPipeline } from '../cablechat.js';
import { EVAL_MODES, loadQa, QaFormatError, runEval, type EvalMode, type Metrics } from '../eval/index.js';
import { buildIndex } from '../index/index.js';

const program = new Command('eval')
  .description('Measure answer quality on a question set (format: eval/README.md).')
  .requiredOption('--qa <file>', 'question set, JSONL')
  .option('--cables <paths...>', 'cables to ingest first (default: data/cables, the bundled seed)')
  .option('--index <dir>', 'index folder to use (and to ingest --cables into); default: a temporary one')
  .option('--model <model>', 'embedding model for a new index', 'auto')
  .option('--k <n>', 'passages per question', wholeNumber('--k', 1, 50), 10)
  .addOption(new Option('--mode <mode>', 'pipeline stage to measure').choices([...Object.keys(EVAL_MODES), 'all']).default('full'))
  .addOption(new Option('--split <split>', 'which questions').choices(['tune', 'heldout', 'all']).default('all'))
  .option('--json', 'print one JSON object (with --mode all: one per mode, keyed by mode)')
  .option('--misses', 'list the questions whose first passage was wrong');

parseArgs(program);
const opts = program.opts<{ qa: string; cables?: string[]; index?: string; model: string; k: number; mode: EvalMode | 'all'; split: string; json?: boolean; misses?: boolean }>();
const log = (l: string) => process.stderr.write(`${l}\n`);

let items;
try {
  items = loadQa(opts.qa).filter((q) => opts.split === 'all' || (q.split ?? 'tune') === opts.split);
} catch (err) {
  if (err instanceof QaFormatError) {
    log(`error: ${err.message}`);
    process.exit(2);
  }
  throw err;
}

const temp = opts.index ? null : mkdtempSync(join(tmpdir(), 'cablechat-eval-'));
const indexDir = opts.index ?? temp!;
try {
  if (temp || opts.cables) {
    const report = await buildIndex(opts.cables ?? ['data/cables'], { indexDir, model: opts.model, log });
    log(`index: ${report.indexed.cables} cables, ${report.indexed.paragraphs} paragraphs (${report.embedded} segments embedded, ${report.unchanged} cables unchanged, ${report.rejected.length} rejected)`);
  }
  const pipeline = await openPipeline({ indexDir, model: opts.model, log });
  const modes = opts.mode === 'all' ? (Object.keys(EVAL_MODES) as EvalMode[]) : [opts.mode];
  const results: Metrics[] = [];
  for (const mode of modes) results.push(await runEval(pipeline, items, { k: opts.k, mode }));
  await pipeline.close();
  if (opts.json) {
    const strip = ({ misses, ...m }: Metrics) => (opts.misses ? { ...m, misses } : m);
    process.stdout.write(`${JSON.stringify(results.length === 1 ? strip(results[0]!) : Object.fromEntries(results.map((m) => [m.mode, strip(m)])))}\n`);
  } else {
    process.stdout.write(table(results, items.length, opts.split));
    if (opts.misses) for (const m of results.at(-1)!.misses) process.stdout.write(`  miss ${m.id}: ${m.question}\n    expected ${m.expected}; got ${m.got.join(', ')}\n`);
  }
} catch (err) {
  failUsage(err, log);
} finally {
  if (temp) rmSync(temp, { recursive: true, force: true });
}

function table(rows: Metrics[], n: number, split: string): string {
  const cols = ['hit@1', 'hit@5', 'mrr@10', 'cable_hit@5', 'highlight@1', 'followup_paragraph_hit@1'] as const;
  const head = `${opts.qa} (${n} questions, split ${split}, model ${rows[0]?.embedder})\n` + `mode     ${cols.map((c) => c.padStart(Math.max(9, c.length))).join(' ')}   abstain(unans) false-abst  p50 ms  p95 ms\n`;
  return (
    head +
    rows
      .map(
        (m) =>
          `${m.mode.padEnd(8)} ${cols.map((c) => m[c].toFixed(3).padStart(Math.max(9, c.length))).join(' ')}   ${`${m.abstained_correct}/${m.unanswerable}`.padStart(14)} ${`${m.false_abstentions}/${m.answerable}`.padStart(10)} ${m.latency_ms.p50.toFixed(1).padStart(7)} ${m.latency_ms.p95.toFixed(1).padStart(7)}`,
      )
      .join('\n') +
    '\n' +
    reliabilityLines(rows.find((m) => m.mode === 'full'))
  );
}

/** Per confidence band of the answers shown: how often the first passage was right. */
function reliabilityLines(m: Metrics | undefined): string {
  if (!m) return '';
  const bands = (['high', 'medium', 'low', 'unrated'] as const).filter((b) => m.reliability[b].answers > 0);
  const cell = (b: (typeof bands)[number]) => `${b} ${m.reliability[b].right}/${m.reliability[b].answers} right`;
  const absent = m.absent_cable ? `; questions whose cable is not indexed: ${m.absent_cable}, refused ${m.absent_cable_refused}` : '';
  return `answers shown by confidence band: ${bands.length ? bands.map(cell).join(', ') : 'none'}${absent}\n`;
}
