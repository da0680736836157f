/**
 * Ingest over bad input: what goes in, what is refused with which reason, what is said as a warning,
 * and that what was indexed before stays. Small generated cables keep the embedding cheap.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embed/index.js';
import { buildIndex, IndexStore } from '../../src/index/index.js';
import { MissingPathError } from '../../src/index/ingest.js';
import { SEED_DIR, useLite } from '../support/seed-index.js';

let e: Embedder;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cablechat-input-'));
  dirs.push(d);
  return d;
};
beforeAll(async () => {
  e = await useLite();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A small cable in the converter's layout: five-line header, then numbered paragraphs. */
function tinyCable(ref: string, paragraphs: string[]): string {
  const body = paragraphs.map((p, i) => `¶${i + 1}. (U) ${p}`).join('\n\n');
  return `${ref}\nTEST CABLE ${ref}\nMon Apr 13 00:00:00 +0200 2009\nUNCLASSIFIED\nEmbassy Phnom Penh\nSUBJECT: TEST CABLE\n\n${body}\n`;
}

const paragraphsOf = (dir: string, ref: string) => {
  const store = IndexStore.open(dir, { embedder: e });
  try {
    return store.paragraphsOf(ref).map((p) => ({ key: p.key, text: p.text }));
  } finally {
    store.close();
  }
};

describe('ingest: the same reference id in two files', () => {
  const three = tinyCable('09PHNOMPENH500', ['The ferry runs daily.', 'The bridge is closed.', 'The road is open.']);
  const one = tinyCable('09PHNOMPENH500', ['Only the ferry was discussed.']);

  // Before: the later file silently replaced the earlier one's cable (21 paragraphs became 3), exit 0.
  it('within one run: the file named later wins, and a warning names both', async () => {
    const src = tmp();
    const index = tmp();
    mkdirSync(join(src, 'a'));
    mkdirSync(join(src, 'b'));
    writeFileSync(join(src, 'a', '09PHNOMPENH500.txt'), three);
    writeFileSync(join(src, 'b', '09PHNOMPENH500.txt'), one);
    const r = await buildIndex([join(src, 'a'), join(src, 'b')], { indexDir: index, embedder: e });
    expect(r.cables).toBe(1);
    expect(r.rejected).toEqual([]);
    const a = join(src, 'a', '09PHNOMPENH500.txt');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.file).toBe(join(src, 'b', '09PHNOMPENH500.txt'));
    expect(r.warnings[0]!.message).toContain(`same reference id 09PHNOMPENH500 as ${a}, with different text: `);
    expect(r.warnings[0]!.message).toMatch(new RegExp(`this (file|one) is indexed and ${a} is not \\(of two (files|sources) with one reference id, the one (named|read) later wins\\)$`));
    expect(paragraphsOf(index, '09PHNOMPENH500').map((p) => p.text)).toContain('Only the ferry was discussed.');

    // Run again: the same file wins (nothing flips), it is unchanged, and the conflict is still said.
    const again = await buildIndex([join(src, 'a'), join(src, 'b')], { indexDir: index, embedder: e });
    expect(again).toMatchObject({ cables: 0, unchanged: 1, embedded: 0 });
    expect(again.warnings).toHaveLength(1);
    expect(again.warnings[0]!.message).toMatch(/the copy already indexed from this file stays/);
    expect(paragraphsOf(index, '09PHNOMPENH500').map((p) => p.text)).toContain('Only the ferry was discussed.');

    // Named the other way round, the other file wins.
    const swapped = await buildIndex([join(src, 'b'), join(src, 'a')], { indexDir: index, embedder: e });
    expect(swapped.cables).toBe(1);
    expect(paragraphsOf(index, '09PHNOMPENH500').map((p) => p.text)).toContain('The bridge is closed.');
  });

  it('across runs: a cable already indexed from another file is replaced, with a warning naming that file', async () => {
    const src = tmp();
    const index = tmp();
    writeFileSync(join(src, 'first.txt'), three);
    await buildIndex([join(src, 'first.txt')], { indexDir: index, embedder: e });
    writeFileSync(join(src, 'second.txt'), one);
    const r = await buildIndex([join(src, 'second.txt')], { indexDir: index, embedder: e });
    expect(r.cables).toBe(1);
    expect(r.warnings).toEqual([
      {
        file: join(src, 'second.txt'),
        message: `replaces 09PHNOMPENH500, indexed before from ${resolve(src, 'first.txt')}, whose text differs (the file ingested last wins; ingest ${resolve(src, 'first.txt')} again to go back)`,
      },
    ]);
  });

  it('two copies with the same text (one with CRLF line ends) are not a conflict', async () => {
    const src = tmp();
    writeFileSync(join(src, 'unix.txt'), three);
    writeFileSync(join(src, 'windows.txt'), three.replace(/\n/g, '\r\n'));
    const r = await buildIndex([src], { indexDir: tmp(), embedder: e });
    expect(r).toMatchObject({ cables: 1, warnings: [], rejected: [] });
  });
});

describe('ingest: damaged and unusual text', () => {
  // Before: the whole file was read as Windows-1252; the seed's 20 numbered paragraphs came out as one.
  it('a UTF-8 cable with one invalid byte keeps all its paragraphs, and a warning names the file and line', async () => {
    const src = tmp();
    const seed = readFileSync(join(SEED_DIR, '09PHNOMPENH246.txt'));
    const at = seed.indexOf('Poipet');
    writeFileSync(join(src, '09PHNOMPENH246.txt'), Buffer.concat([seed.subarray(0, at), Buffer.from([0xff]), seed.subarray(at)]));
    const r = await buildIndex([src], { indexDir: tmp(), embedder: e });
    expect(r.cables).toBe(1);
    expect(r.paragraphs).toBe(21);
    const line = seed.subarray(0, at).toString('utf8').split('\n').length;
    expect(r.warnings).toEqual([{ file: join(src, '09PHNOMPENH246.txt'), message: expect.stringMatching(new RegExp(`^1 byte is not valid UTF-8 .* on line ${line};`)) }]);
  });

  it('UTF-16 is indexed; empty, binary and over-size files are refused with their reasons; the rest goes in', async () => {
    const src = tmp();
    const index = tmp();
    const good = tinyCable('09PHNOMPENH501', ['Talks on the border went well.']);
    writeFileSync(join(src, '09PHNOMPENH501.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good.replace(/\n/g, '\r\n'), 'utf16le')]));
    writeFileSync(join(src, '09PHNOMPENH502.txt'), Buffer.from(tinyCable('09PHNOMPENH502', ['No BOM here.']), 'utf16le'));
    writeFileSync(join(src, 'empty.txt'), '');
    writeFileSync(join(src, 'scan.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    writeFileSync(join(src, 'dump.txt'), Buffer.from([0x41, 0x42, 0x00, 0x00, 0x01, 0x43, 0x44, 0x45, 0x00, 0x00, 0x00, 0x46]));
    writeFileSync(join(src, 'huge.txt'), Buffer.alloc(60 * 1024 * 1024, 'The minister said no.\n'));
    writeFileSync(join(src, 'oneline.txt'), `${tinyCable('09PHNOMPENH503', ['x']).trimEnd()} ${'word '.repeat(1_000_000)}\n`);
    const r = await buildIndex([src], { indexDir: index, embedder: e });
    expect(r.cables).toBe(2);
    const reasons = Object.fromEntries(r.rejected.map((x) => [x.file.split('/').pop(), x.reason]));
    expect(reasons).toEqual({
      'empty.txt': 'empty file',
      'scan.txt': 'binary data (a PNG image), not cable text',
      'dump.txt': 'binary data (contains NUL bytes, first on line 1), not cable text',
      'huge.txt': 'too large for one cable: 60.0 MB, over the limit of 5.0 MB per cable file',
      'oneline.txt': expect.stringMatching(/^line 8 is 5,000,0\d\d characters long, over the limit of 200,000 for a line of a cable$/),
    });
    expect(paragraphsOf(index, '09PHNOMPENH501').map((p) => p.text)).toContain('Talks on the border went well.');
  });

  it('a cable with more than 1,000 paragraphs is indexed whole, with a warning', async () => {
    const src = tmp();
    const paragraphs = Array.from({ length: 1200 }, (_, i) => `Item ${i + 1}.`);
    writeFileSync(join(src, '09PHNOMPENH504.txt'), tinyCable('09PHNOMPENH504', paragraphs));
    const index = tmp();
    const r = await buildIndex([src], { indexDir: index, embedder: e });
    expect(r.paragraphs).toBe(1201);
    expect(r.warnings[0]!.message).toMatch(/^1,201 paragraphs, far more than a cable has/);
    const stored = paragraphsOf(index, '09PHNOMPENH504');
    expect(stored.at(-1)).toEqual({ key: '1200', text: 'Item 1200.' });
  });
});

describe('ingest: folders', () => {
  // Before: two links to "." made the walk branch at every level until paths grew too long (a hang with no
  // output); one link made it walk 40 levels deep and index every file 40 times over.
  it('symbolic links back to a parent are skipped with a warning; each file is read once', async () => {
    for (const links of [1, 2]) {
      const src = tmp();
      writeFileSync(join(src, '09PHNOMPENH505.txt'), tinyCable('09PHNOMPENH505', ['Loops are skipped.']));
      mkdirSync(join(src, 'sub'));
      writeFileSync(join(src, 'sub', '09PHNOMPENH506.txt'), tinyCable('09PHNOMPENH506', ['Sub-folders are read.']));
      symlinkSync('.', join(src, 'loop1'));
      if (links === 2) symlinkSync('..', join(src, 'sub', 'up'));
      const r = await buildIndex([src], { indexDir: tmp(), embedder: e });
      expect(r).toMatchObject({ files: 2, cables: 2, rejected: [] });
      expect(r.warnings.map((w) => w.file).sort()).toEqual(links === 1 ? [join(src, 'loop1')] : [join(src, 'loop1'), join(src, 'sub', 'up')]);
      for (const w of r.warnings) expect(w.message).toBe(`skipped: a symbolic link back to ${src}, which contains it (a loop)`);
    }
  });

  it('a link to nothing and a named pipe are refused with their reasons; the rest goes in (and ingest does not block on the pipe)', async () => {
    const src = tmp();
    writeFileSync(join(src, '09PHNOMPENH507.txt'), tinyCable('09PHNOMPENH507', ['Pipes are not read.']));
    symlinkSync(join(src, 'gone.txt'), join(src, 'dangling.txt'));
    execFileSync('mkfifo', [join(src, 'pipe.txt')]);
    const r = await buildIndex([src, join(src, 'pipe.txt')], { indexDir: tmp(), embedder: e });
    expect(r.cables).toBe(1);
    expect(r.rejected).toEqual([
      { file: join(src, 'dangling.txt'), reason: 'cannot read the file: a symbolic link to something that does not exist' },
      { file: join(src, 'pipe.txt'), reason: 'a named pipe, not a file: cannot be read as a cable' },
    ]);
  });

  // Before: a missing path was a rejection, and the index was created (empty) and then served.
  it('a path that does not exist stops the ingest before anything is done, naming it', async () => {
    const src = tmp();
    writeFileSync(join(src, '09PHNOMPENH508.txt'), tinyCable('09PHNOMPENH508', ['Never indexed.']));
    const index = join(tmp(), 'index');
    const missing = join(src, 'no-such-folder');
    await expect(buildIndex([src, missing], { indexDir: index, embedder: e })).rejects.toThrow(MissingPathError);
    await expect(buildIndex([src, missing], { indexDir: index, embedder: e })).rejects.toThrow(`no such file or folder: "${missing}". Check the path; nothing was indexed.`);
    expect(existsSync(index)).toBe(false);
  });
});
