/**
 * Memory and speed of the streamed cables.csv reader on a file the size of the full release and
 * beyond: builds a CSV of N rows (default 1,000,000) from the sample's rows with new row and
 * reference ids, in a temporary folder deleted afterwards, then reads it in a child process
 * through readCsvCables (every row parsed to a Cable, then dropped) and prints the child's peak
 * RSS, its RSS along the way, and rows per second.
 *
 *   npx tsx bench/csv-rss.ts [--rows N] [--csv ../shared/corpus/cablegate-2010.csv]
 *
 * One row in seven is written with \" escapes instead of doubled quotes, as some circulating
 * copies of the release are, so both paths of the reader are timed.
 *
 * Measured on the 2-core development machine, shared with other work (load about 6): 1,000,000
 * rows, 9.52 GB, read in 1,766 s (566 rows/s, 5.5 MB/s; 993,051 cables with 11.6 M paragraphs,
 * 6,949 rows refused as the sample's 9 stubs are); peak RSS 151 MB, between 122 and 148 MB at
 * every tenth of the file. The time is the cable parser's (about 1.8 ms a row there); splitting
 * rows alone runs at about 290 MB/s.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvSplitter, readCsvCables } from '../src/parse/csv.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 2 ** 20;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (arg('--read')) await readChild(arg('--read')!, Number(arg('--rows')));
else await main();

async function main(): Promise<void> {
  const rows = Number(arg('--rows') ?? 1_000_000);
  const sample = arg('--csv') ?? join(root, '..', 'shared', 'corpus', 'cablegate-2010.csv');
  if (!Number.isInteger(rows) || rows < 1) fail(`--rows must be a positive whole number, not ${arg('--rows')}`);
  try {
    statSync(sample);
  } catch {
    fail(`no sample CSV at ${sample}: give one with --csv`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'cablechat-csv-rss-'));
  const file = join(dir, 'cables.csv');
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  try {
    const t0 = performance.now();
    const sampleRows = await readSample(sample);
    await writeRows(file, sampleRows, rows);
    const bytes = statSync(file).size;
    console.log(`generated ${rows.toLocaleString('en-US')} rows from ${sampleRows.length} sample rows: ${(bytes / 2 ** 30).toFixed(2)} GB in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--read', file, '--rows', String(rows)], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * MB,
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as ReadResult;
    console.log(
      [
        `read ${result.cables.toLocaleString('en-US')} cables, ${result.paragraphs.toLocaleString('en-US')} paragraphs ` +
          `(${result.errors.toLocaleString('en-US')} rows refused, as the sample's copies that stop after the front matter are) in ${result.seconds.toFixed(0)} s: ` +
          `${Math.round(result.cables / result.seconds).toLocaleString('en-US')} rows/s, ${((bytes / MB) / result.seconds).toFixed(1)} MB/s`,
        `peak RSS of the reading process: ${result.peakRssMb.toFixed(0)} MB (file ${(bytes / MB).toFixed(0)} MB)`,
        `RSS along the way (MB, every tenth of the rows): ${result.rssSteps.map((r) => r.toFixed(0)).join(' ')}`,
      ].join('\n'),
    );
  } finally {
    cleanUp();
  }
}

function fail(message: string): never {
  console.error(`csv-rss: ${message}`);
  process.exit(2);
}

/** The sample's rows, as fields. */
async function readSample(file: string): Promise<string[][]> {
  const splitter = new CsvSplitter();
  const rows: string[][] = [];
  const take = (items: ReturnType<CsvSplitter['push']>) => {
    for (const item of items) if ('record' in item) rows.push(item.record.fields);
  };
  for await (const chunk of createReadStream(file)) take(splitter.push(chunk as Buffer));
  take(splitter.end());
  if (rows.length === 0) fail(`${file} holds no cables.csv rows`);
  return rows;
}

/**
 * Row i is sample row i mod n with row id i+1 and a new serial in its reference id
 * ("09BERLIN1273" → "09BERLIN1001273"), so every reference id is unique, as in the real file.
 */
async function writeRows(file: string, sample: string[][], rows: number): Promise<void> {
  const out = createWriteStream(file);
  const quote = (s: string, backslash: boolean) => `"${backslash ? s.replace(/"/g, '\\"') : s.replace(/"/g, '""')}"`;
  let buffered: string[] = [];
  let size = 0;
  const flush = async () => {
    if (!out.write(buffered.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
    buffered = [];
    size = 0;
  };
  for (let i = 0; i < rows; i++) {
    const src = sample[i % sample.length]!;
    const fields = [...src];
    fields[0] = String(i + 1);
    fields[2] = src[2]!.replace(/\d+$/, (serial) => String(Math.floor(i / sample.length) * 1_000_000 + Number(serial)));
    const row = `${fields.map((f) => quote(f, i % 7 === 3)).join(',')}\n`;
    buffered.push(row);
    size += row.length;
    if (size > 4 * MB) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

interface ReadResult {
  cables: number;
  paragraphs: number;
  errors: number;
  seconds: number;
  peakRssMb: number;
  rssSteps: number[];
}

/** The child: reads the file and reports; nothing of a row is kept past the next one. */
async function readChild(file: string, rows: number): Promise<void> {
  const step = Math.max(1, Math.floor(rows / 10));
  const result: ReadResult = { cables: 0, paragraphs: 0, errors: 0, seconds: 0, peakRssMb: 0, rssSteps: [] };
  const t0 = performance.now();
  for await (const item of readCsvCables(file)) {
    if ('cable' in item) {
      result.cables++;
      result.paragraphs += item.cable.paragraphs.length;
    } else {
      result.errors++;
    }
    const done = result.cables + result.errors;
    if (done % step === 0) {
      const rss = process.memoryUsage().rss / MB;
      result.rssSteps.push(rss);
      const seconds = (performance.now() - t0) / 1000;
      process.stderr.write(`  ${done.toLocaleString('en-US')} rows, ${Math.round(done / seconds)} rows/s, RSS ${rss.toFixed(0)} MB\n`);
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
  result.peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
