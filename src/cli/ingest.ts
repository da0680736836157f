/**
 * npm run ingest -- [--index DIR] [--model auto|use-lite|<hf id or folder>] [--threads N] PATH...
 * Exit: 0 all files went in, 1 some were rejected (the rest are indexed), 2 usage error (a path that does
 * not exist, a model that cannot load, an index folder that is not writable or a full disk). Warnings
 * (damaged bytes, two files with one reference id, a symbolic-link loop skipped) leave the status as it is.
 */
import { Command } from 'commander';
import { failUsage, parseArgs, wholeNumber } from './args.js';
import cliProgress from 'cli-progress';
import { buildIndex } from '../index/index.js';
import { ProgressMeter } from './progress.js';
import { MissingPathError, missingPaths } from '../index/files.js';
import { jsonLine, printable } from './format.js';

const program = new Command('ingest')
  .description('Index cable files or folders for asking.')
  .argument('<paths...>', 'cable files, cables.csv archives, HTML pages or folders of them (folders: their .txt, extension-less, .html/.htm and .csv files)')
  .option('--index <dir>', 'index folder', 'index')
  .option('--model <model>', 'auto | use-lite | a Hugging Face model id | a local model folder', 'auto')
  .option('--threads <n>', 'embedding worker threads (default: one per core)', wholeNumber('--threads', 0))
  .option('--json', 'print the summary as one JSON object');

async function main() {
  parseArgs(program);
  const opts = program.opts<{ index: string; model: string; threads?: number; json?: boolean }>();
  const tty = process.stderr.isTTY && !opts.json;
  const bar = new cliProgress.SingleBar({ format: 'embedding |{bar}| {line}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let meter: ProgressMeter | null = null;
  // Without a terminal (a multi-hour run under nohup, say), one plain line a minute.
  let lastLine = 0;
  const log = (line: string) => process.stderr.write(`${printable(line, true)}\n`);
  // A mistyped path is a usage error, said before a model is loaded or an index folder made.
  const missing = missingPaths(program.args);
  if (missing.length) failUsage(new MissingPathError(missing), log);
  const report = await buildIndex(program.args, {
    indexDir: opts.index,
    model: opts.model,
    threads: opts.threads,
    log,
    onPlan: (p) => {
      log(`${p.files} files: ${p.unchanged} cable(s) unchanged, ${p.cables} to index (${p.paragraphs} paragraphs, about ${p.toEmbed} segments to embed)`);
      meter = new ProgressMeter();
      if (tty && p.cables > 0) bar.start(p.paragraphs, 0, { line: '' });
    },
    onProgress: (p) => {
      if (!meter || opts.json) return;
      const line = meter.line(p);
      if (tty) bar.update(p.paragraphsDone, { line });
      else if (performance.now() - lastLine >= 60_000) {
        lastLine = performance.now();
        log(`progress: ${line}`);
      }
    },
  }).catch((err: unknown) => {
    bar.stop();
    failUsage(err, log, { indexDir: opts.index });
  });
  bar.stop();
  if (opts.json) {
    process.stdout.write(jsonLine(report));
  } else {
    const lines = [
      `indexed ${report.cables} cable(s), ${report.paragraphs} paragraphs in ${report.seconds.toFixed(1)} s (model ${report.embedder})`,
      `unchanged (skipped): ${report.unchanged}; segments embedded: ${report.embedded}, reused: ${report.reused}`,
      `index now holds ${report.indexed.cables} cables, ${report.indexed.paragraphs} paragraphs`,
    ];
    // File names and reasons may hold anything a file system allows, newlines and escapes included.
    if (report.warnings.length) {
      lines.push(`warnings (${report.warnings.length}):`);
      for (const w of report.warnings) lines.push(`  ${printable(w.file)}: ${printable(w.message)}`);
    }
    if (report.repaired.length) {
      lines.push(`repaired:`);
      for (const r of report.repaired) lines.push(`  ${printable(r)}`);
    }
    if (report.rejected.length) {
      lines.push(`rejected ${report.rejected.length} file(s):`);
      for (const r of report.rejected) lines.push(`  ${printable(r.file)}: ${printable(r.reason)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exit(report.rejected.length ? 1 : 0);
}

await main();
