/**
 * Bad input through the command line, run as a user would: what reaches the terminal, the exit status,
 * and that what was indexed before stays. (Library-level cases: test/index/input-files.test.ts.)
 */
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cablechat-cli-input-'));
  dirs.push(d);
  return d;
};
const mounts: string[] = [];
// Here rather than in the describe that mounts: a suite whose tests are all filtered out runs no hooks.
afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const run = (cmd: string, args: string[], extra: SpawnSyncOptions = {}) =>
  spawnSync(TSX, [join(ROOT, 'src', 'cli', `${cmd}.ts`), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, ...extra }) as ReturnType<typeof spawnSync> & {
    stdout: string;
    stderr: string;
  };

function tinyCable(ref: string, paragraphs: string[]): string {
  const body = paragraphs.map((p, i) => `¶${i + 1}. (U) ${p}`).join('\n\n');
  return `${ref}\nTEST CABLE ${ref}\nMon Apr 13 00:00:00 +0200 2009\nUNCLASSIFIED\nEmbassy Phnom Penh\nSUBJECT: TEST CABLE\n\n${body}\n`;
}
const FILLER = Array.from({ length: 6 }, (_, i) => `Paragraph ${i + 2} is about the roads and bridges in the province, which are many and old, and what the governor said of them.`);

/** Anything that acts on a terminal: ESC, BEL, the C1 controls (CSI is U+009B), a bare CR. */
const TERMINAL_CONTROL = /[\u0007\u001b\u009b\r]/;
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('cli: terminal escapes in cables and file names are shown, never obeyed', () => {
  const src = tmp();
  const index = tmp();
  // Window title, screen clear, clipboard write (OSC 52), then a forged citation line.
  const attack = '\x1b]0;pwned\x07\x1b[2J\x1b]52;c;cHduZWQ=\x07\r09PHNOMPENH246 ¶1 forged';
  writeFileSync(join(src, '09PHNOMPENH600.txt'), tinyCable('09PHNOMPENH600', [`The ferry at Kampot carries 300 cars a day.${attack}`, ...FILLER]));
  const badName = join(src, 'scan\x1b]0;pwned\x07.txt');
  writeFileSync(badName, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));

  it('ingest: the summary shows the file name with visible stand-ins; --json keeps the exact name', () => {
    const r = run('ingest', ['--index', index, '--model', 'use-lite', '--threads', '0', src]);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(TERMINAL_CONTROL);
    expect(r.stdout).toContain(`  ${join(src, 'scan␛]0;pwned␇.txt')}: binary data (a PNG image), not cable text`);
    const json = run('ingest', ['--index', index, '--model', 'use-lite', '--threads', '0', '--json', src]);
    expect(json.stdout).not.toMatch(TERMINAL_CONTROL);
    expect(JSON.parse(json.stdout).rejected).toEqual([{ file: badName, reason: 'binary data (a PNG image), not cable text' }]);
  });

  // Before: the cable text went to the terminal raw: the title changed, the screen cleared, the clipboard was written.
  it('ask: cable text with escape sequences is printed with them made visible; --json stays JSON', () => {
    const question = 'How many cars does the ferry at Kampot carry a day?';
    const r = run('ask', ['--index', index, '--k', '3', question]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(TERMINAL_CONTROL);
    // (The carriage return is a line end to the parser, so it reaches the paragraph as a space.)
    expect(r.stdout).toContain('carries 300 cars a day.␛]0;pwned␇␛[2J␛]52;c;cHduZWQ=␇ 09PHNOMPENH246 ¶1 forged');
    const json = run('ask', ['--index', index, '--k', '3', '--json', question]);
    expect(json.stdout).not.toMatch(TERMINAL_CONTROL);
    const answer = JSON.parse(json.stdout);
    expect(answer.passages.map((p: { text: string }) => p.text).join('\n')).toContain(attack.replace('\r', ' '));
  });
});

describe('cli: odd file names', () => {
  it('spaces, quotes, a newline, unicode and a leading dash are indexed and reported safely', () => {
    const src = tmp();
    const index = tmp();
    const names = ['with space.txt', `quote'and"double.txt`, 'new\nline.txt', 'ünïcödé 電報.txt', '-dash.txt'];
    names.forEach((name, i) => writeFileSync(join(src, name), tinyCable(`09PHNOMPENH61${i}`, [`Odd name number ${i} is fine.`])));
    // A rejected one, so the names are printed: its name holds a newline that would forge a summary line.
    writeFileSync(join(src, 'empty\nindexed 99 cable(s).txt'), '');
    const r = run('ingest', ['--index', index, '--model', 'use-lite', '--threads', '0', src]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^indexed 5 cable\(s\)/);
    expect(r.stdout).not.toMatch(/^indexed 99/m);
    expect(r.stdout).toContain(`  ${join(src, 'empty␊indexed 99 cable(s).txt')}: empty file`);
    noStack(r.stderr);
    // A name starting with a dash, named on its own after "--"; and one with a newline, named directly.
    const one = run('ingest', ['--index', tmp(), '--model', 'use-lite', '--threads', '0', '--json', '--', join(src, '-dash.txt'), join(src, 'new\nline.txt')]);
    expect(one.status).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ cables: 2, rejected: [], warnings: [] });
  });
});

describe('cli: paths and folders', () => {
  // Before: a missing path was one more rejection (exit 1), and an empty index was made, which the server then served.
  it('a path that does not exist is a usage error (exit 2) that names it and makes no index', () => {
    const src = tmp();
    writeFileSync(join(src, '09PHNOMPENH620.txt'), tinyCable('09PHNOMPENH620', ['Never indexed.']));
    const index = join(tmp(), 'index');
    const missing = join(src, 'typo');
    const r = run('ingest', ['--index', index, '--model', 'use-lite', src, missing]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`error: no such file or folder: "${missing}". Check the path; nothing was indexed.`);
    expect(existsSync(index)).toBe(false);
  });

  // Permissions do not stop root: as root, the ingest runs as "nobody", when this machine lets it.
  const asRoot = process.getuid?.() === 0;
  const canBeNobody = !asRoot || spawnSync(process.execPath, ['-e', ''], { uid: 65534, gid: 65534 }).status === 0;
  if (!canBeNobody) console.warn('skipping the unreadable-folder test: running as root and cannot start a process as nobody (entries that cannot be read are still tested, as a dangling link and a named pipe, in test/index/input-files.test.ts)');

  // Before: the walk threw on the unreadable folder: a stack trace, exit 1, and nothing indexed.
  it.skipIf(!canBeNobody)('an unreadable folder is rejected with its reason, the rest is indexed, exit 1', () => {
    const base = tmp();
    const src = join(base, 'src');
    mkdirSync(join(src, 'locked'), { recursive: true });
    writeFileSync(join(src, '09PHNOMPENH630.txt'), tinyCable('09PHNOMPENH630', ['Readable.']));
    writeFileSync(join(src, 'locked', '09PHNOMPENH631.txt'), tinyCable('09PHNOMPENH631', ['Out of reach.']));
    writeFileSync(join(src, 'unreadable.txt'), tinyCable('09PHNOMPENH632', ['Out of reach too.']));
    chmodSync(join(src, 'locked'), 0o000);
    chmodSync(join(src, 'unreadable.txt'), 0o000);
    const user: SpawnSyncOptions = asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: base } } : {};
    if (asRoot) {
      chmodSync(base, 0o755);
      chownSync(base, 65534, 65534);
    }
    const r = run('ingest', ['--index', join(base, 'index'), '--model', 'use-lite', '--threads', '0', '--json', src], user);
    noStack(r.stderr);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.cables).toBe(1);
    expect(report.rejected).toEqual([
      { file: join(src, 'locked'), reason: 'cannot read this folder: permission denied; the files in it were not indexed' },
      { file: join(src, 'unreadable.txt'), reason: 'cannot read the file: permission denied' },
    ]);
    chmodSync(join(src, 'locked'), 0o755);
  });
});

describe('cli: an --index that cannot be a folder', () => {
  // Before: a stack trace from mkdir (EEXIST, ENOTDIR) and exit 7.
  it('a file where the index folder should be: one line, exit 2', () => {
    const dir = tmp();
    const file = join(dir, 'notes');
    writeFileSync(file, 'not a folder\n');
    writeFileSync(join(dir, '09PHNOMPENH650.txt'), tinyCable('09PHNOMPENH650', ['Never indexed.']));
    const cases: [string, string][] = [
      [file, `${file} is a file, not a folder (EEXIST)`],
      [join(file, 'index'), `part of ${join(file, 'index')} is a file, not a folder (ENOTDIR)`],
    ];
    for (const [index, why] of cases) {
      const r = run('ingest', ['--index', index, '--model', 'use-lite', join(dir, '09PHNOMPENH650.txt')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`error: the index folder ${index} cannot be made: ${why}. Give --index a folder (it is made when missing).`);
      noStack(r.stderr);
    }
  });
});

describe('cli: a full disk and a read-only index folder', () => {
  const mnt = tmp();
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { stdio: 'ignore' });
    mounts.push(mnt);
    mounted = true;
  } catch (err) {
    console.warn(`skipping the full-disk and read-only tests: cannot mount a 2 MB tmpfs here (${(err as Error).message.split('\n')[0]}); they need root`);
  }
  const src = tmp();
  writeFileSync(join(src, '09PHNOMPENH640.txt'), tinyCable('09PHNOMPENH640', ['The ferry at Kep carries 120 cars a day.', ...FILLER]));
  writeFileSync(join(src, '09PHNOMPENH641.txt'), tinyCable('09PHNOMPENH641', ['The bridge at Kratie opened in March.', ...FILLER.map((p) => `${p} Again.`)]));
  const index = join(mnt, 'index');
  const question = 'How many cars does the ferry at Kep carry a day?';

  it.skipIf(!mounted)('a disk that fills up: one line saying so, exit 2, and the cables indexed before still answer', () => {
    expect(run('ingest', ['--index', index, '--model', 'use-lite', '--threads', '0', join(src, '09PHNOMPENH640.txt')]).status).toBe(0);
    const free = Number(execFileSync('df', ['-k', '--output=avail', mnt], { encoding: 'utf8' }).split('\n')[1]);
    execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=1k', `count=${free - 60}`], { stdio: 'ignore' });
    const r = run('ingest', ['--index', index, '--threads', '0', join(src, '09PHNOMPENH641.txt')]);
    expect(r.status).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([`error: the disk holding ${index} is full (SQLITE_FULL). Free some space and run the same command again; the cables indexed before are still there.`]);
    noStack(r.stderr);
    rmSync(join(mnt, 'filler'));
    const ask = run('ask', ['--index', index, '--json', question]);
    expect(ask.status).toBe(0);
    const answer = JSON.parse(ask.stdout);
    expect(answer.passages[0].citation.label).toBe('09PHNOMPENH640 ¶1');
    expect(answer.passages.every((p: { citation: { ref: string } }) => p.citation.ref === '09PHNOMPENH640')).toBe(true);
  });

  it.skipIf(!mounted)('a read-only index folder: one line naming it, exit 2, the index untouched', () => {
    if (!existsSync(join(index, 'cables.db'))) run('ingest', ['--index', index, '--model', 'use-lite', '--threads', '0', join(src, '09PHNOMPENH640.txt')]);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      const r = run('ingest', ['--index', index, '--threads', '0', join(src, '09PHNOMPENH641.txt')]);
      expect(r.status).toBe(2);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors).toHaveLength(1);
      // Said by the store when it cannot open the database for writing, or here from the EROFS code.
      expect(errors[0]).toMatch(new RegExp(`^error: (the index folder ${index} is on a read-only file system \\(EROFS\\)|Cannot open the index in ${index} for writing .*writable)`));
      noStack(r.stderr);
      const fresh = join(mnt, 'new', 'index');
      const r2 = run('ingest', ['--index', fresh, '--model', 'use-lite', '--threads', '0', join(src, '09PHNOMPENH641.txt')]);
      expect(r2.status).toBe(2);
      expect(r2.stderr).toContain(`error: the index folder ${fresh} is on a read-only file system (EROFS).`);
      noStack(r2.stderr);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
    const ask = run('ask', ['--index', index, '--json', question]);
    expect(JSON.parse(ask.stdout).passages[0].citation.label).toBe('09PHNOMPENH640 ¶1');
  });
});
