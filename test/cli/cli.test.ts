/** The CLI is a contract (README): scripts rely on its output and exit codes. Run it as a user would. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED_DIR } from '../support/seed-index.js';
import { buildTinyBert } from '../support/tiny-bert.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cablechat-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const run = (cmd: string, args: string[]) => spawnSync(TSX, [join(ROOT, 'src', 'cli', `${cmd}.ts`), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('cli', () => {
  const index = tmp();

  it('ingest: exit 0 when every file went in, with a summary', () => {
    const r = run('ingest', ['--index', index, '--threads', '1', SEED_DIR]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/indexed 1 cable\(s\), 2\d paragraphs/);
    expect(r.stderr).toMatch(/embedding model: use-lite/);
  });

  it('ingest: exit 1 when a file is rejected, naming it and the reason; the good ones still go in', () => {
    const src = tmp();
    const ix = tmp();
    copyFileSync(join(SEED_DIR, '09PHNOMPENH246.txt'), join(src, '09PHNOMPENH246.txt'));
    writeFileSync(join(src, 'notes.txt'), 'shopping list: milk, eggs\n');
    const r = run('ingest', ['--index', ix, '--threads', '1', '--json', src]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.cables).toBe(1);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0].file).toMatch(/notes\.txt$/);
  });

  it('ingest: exit 2 on usage errors', () => {
    expect(run('ingest', []).status).toBe(2);
    expect(run('ingest', ['--threads', 'many', SEED_DIR]).status).toBe(2);
  });

  it('ask: prints the cited passage first, with the answering sentence marked', () => {
    const r = run('ask', ['--index', index, 'How many migrants did Thailand return in January 2009?']);
    expect(r.status).toBe(0);
    const firstCitation = r.stdout.match(/^\S+ ¶\d+/m)?.[0];
    expect(firstCitation).toBe('09PHNOMPENH246 ¶3');
    expect(r.stdout).toMatch(/»[^«]*32,249[^«]*«/);
  });

  it('ask --json: one JSON answer; a missing index is a usage error with the command to build one', () => {
    const r = run('ask', ['--index', index, '--json', '--k', '2', 'Who funded IOM in Svay Rieng?']);
    const a = JSON.parse(r.stdout);
    expect(a.passages.length).toBeLessThanOrEqual(2);
    const missing = run('ask', ['--index', join(tmpdir(), 'no-such-index-here'), 'anything']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/npm run ingest/);
  });

  it('parse-report: --help prints help; a folder that is not there is named, with what to pass', () => {
    const script = join(ROOT, 'scripts', 'parse-report.ts');
    const help = spawnSync(TSX, [script, '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: parse-report \[options\] \[dir\]/);
    const missing = spawnSync(TSX, [script, join(tmp(), 'nowhere')], { cwd: ROOT, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read the folder .*nowhere/);
    const seed = spawnSync(TSX, [script, SEED_DIR], { cwd: ROOT, encoding: 'utf8' });
    expect(seed.stdout).toMatch(/^Parsed 1 of 1 files/);
  });

  it('eval: a malformed question file is rejected with file, line and field', () => {
    const qa = join(tmp(), 'bad.jsonl');
    writeFileSync(qa, '{"id":"a","question":"q","cable":"X","paragraphs":[1],"answer":"y"}\n{"id":"b","question":"q","cable":"X","paragraphs":"3","answer":"y"}\n');
    const r = run('eval', ['--qa', qa, '--index', index]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:2: field "paragraphs"/);
  });

  // A user who brings a stronger model on a USB stick indexes with --model <folder>; every later command
  // must find that model again without being told, and say what to do when the folder has moved.
  // (The tiny model has random weights: only the loading path is under test, not answer quality.)
  it('an index built with a model folder finds it again; a moved folder is named, with what to do', async () => {
    const dir = tmp();
    const folder = await buildTinyBert(join(dir, 'models'));
    const index = join(dir, 'index');
    const seed = join(SEED_DIR, '09PHNOMPENH246.txt');
    expect(run('ingest', ['--index', index, '--model', folder, '--threads', '0', seed]).status).toBe(0);
    const question = 'How many children can the PTC house?';
    const again = run('ask', ['--index', index, question]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^09PHNOMPENH246 ¶\d+/m);

    const moved = join(dir, 'usb', 'tiny-bert');
    renameSync(join(dir, 'models'), join(dir, 'usb'));
    const lost = run('ask', ['--index', index, question]);
    expect(lost.status).toBe(2);
    expect(lost.stderr).toContain(folder);
    expect(lost.stderr).toMatch(/no longer there.*--model <folder>/);
    expect(lost.stderr).not.toMatch(/^\s+at /m);

    expect(run('ask', ['--index', index, '--model', moved, question]).status).toBe(0);
    // Named once, remembered.
    expect(run('ask', ['--index', index, question]).status).toBe(0);
  });
});
