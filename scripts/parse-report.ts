/**
 * Parses every file in a folder of cables and reports what came out, so that a change to the
 * parser can be judged on the whole corpus rather than on the cables one happened to look at.
 *
 *   npx tsx scripts/parse-report.ts [DIR] [--json]
 *
 * DIR defaults to ../shared/corpus/cablegate-2010 relative to the project. Exits 0 whatever
 * the parser makes of the files (refusals are part of the report, not a failure of it); only
 * an unreadable DIR exits 2.
 */

import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CableParseError, decodeCableBytes } from '../src/parse/index.js';
import { parseCableDetailed } from '../src/parse/cable.js';

interface Failure {
  file: string;
  reason: string;
}

interface Report {
  dir: string;
  files: number;
  parsed: number;
  failed: number;
  paragraphs: number;
  numberedParagraphs: number;
  preambleChunks: number;
  noSubject: string[];
  noNumberedParagraphs: string[];
  noSignature: number;
  noTags: number;
  noDate: number;
  /** Cables whose count of numbered paragraphs is not their highest printed number (gaps, repeats). */
  countDiffersFromHighestNumber: Array<{ file: string; paragraphs: number; highest: number }>;
  failures: Failure[];
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const fallback = join(projectRoot, '../shared/corpus/cablegate-2010');
  const program = new Command('parse-report')
    .description('Parse every cable file of a folder and report what came out (rejected files included).')
    .argument('[dir]', `folder of cable files (default: ${fallback})`)
    .option('--json', 'print the report as JSON')
    .parse();
  const json = program.opts<{ json?: boolean }>().json === true;
  const given = program.args[0];
  const dir = resolve(given ?? fallback);
  if (!given && !existsSync(dir)) {
    console.error(`parse-report: no folder given and the default ${dir} does not exist; pass one: npm run parse-report -- path/to/cables`);
    process.exit(2);
  }

  const report: Report = {
    dir,
    files: 0,
    parsed: 0,
    failed: 0,
    paragraphs: 0,
    numberedParagraphs: 0,
    preambleChunks: 0,
    noSubject: [],
    noNumberedParagraphs: [],
    noSignature: 0,
    noTags: 0,
    noDate: 0,
    countDiffersFromHighestNumber: [],
    failures: [],
  };

  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    // Not a parse failure but a wrong argument: say so plainly instead of reporting zero files.
    console.error(`Cannot read the folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    process.exitCode = 2;
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (!(await stat(path)).isFile()) continue;
    report.files++;
    try {
      const { cable, printedNumbers } = parseCableDetailed(decodeCableBytes(await readFile(path)), name);
      report.parsed++;
      report.paragraphs += cable.paragraphs.length;
      const numbered = cable.paragraphs.filter((p) => p.number !== null);
      // The preamble is keyed 0; paragraphs of a cable that prints no numbers have no number but a counted key.
      report.preambleChunks += cable.paragraphs.filter((p) => p.number === null && (p.key === '0' || p.key.startsWith('0.'))).length;
      if (cable.subject === null) report.noSubject.push(name);
      if (cable.signature === null) report.noSignature++;
      if (cable.tags.length === 0) report.noTags++;
      if (cable.date === null) report.noDate++;
      if (printedNumbers) {
        report.numberedParagraphs += numbered.length;
        const highest = Math.max(...numbered.map((p) => p.number ?? 0));
        if (highest !== numbered.length) {
          report.countDiffersFromHighestNumber.push({ file: name, paragraphs: numbered.length, highest });
        }
      } else {
        report.noNumberedParagraphs.push(name);
      }
    } catch (err) {
      report.failed++;
      const reason = err instanceof CableParseError ? err.reason : `unexpected ${String(err)}`;
      report.failures.push({ file: name, reason });
    }
  }

  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const lines = [
    `Parsed ${report.parsed} of ${report.files} files in ${report.dir} (${report.failed} rejected).`,
    `Paragraphs: ${report.paragraphs} in total — ${report.numberedParagraphs} with printed numbers, ` +
      `${report.preambleChunks} preamble chunks, ` +
      `${report.paragraphs - report.numberedParagraphs - report.preambleChunks} numbered by position in unnumbered cables.`,
    `Cables with no subject: ${report.noSubject.length}${list(report.noSubject)}`,
    `Cables with no numbered paragraphs: ${report.noNumberedParagraphs.length}${list(report.noNumberedParagraphs)}`,
    `Cables without signature: ${report.noSignature}, without TAGS: ${report.noTags}, without date: ${report.noDate}.`,
    `Cables whose paragraph count differs from their highest number (gaps or repeats as printed): ` +
      `${report.countDiffersFromHighestNumber.length}.`,
  ];
  console.log(lines.join('\n'));
  if (report.failures.length > 0) {
    console.log('\nRejected:');
    for (const f of report.failures) console.log(`  ${f.file}: ${f.reason}`);
  }
}

function list(names: string[]): string {
  return names.length > 0 && names.length <= 30 ? ` (${names.join(', ')})` : '';
}

await main();
