/**
 * The release's download layouts on small fixtures: one made-up cable (09VALLETTA512) written as
 * the corpus txt layout, as the HTML tree's page and as cables.csv rows, plus damaged and foreign
 * files. The whole-corpus comparison of the three is formats-agreement.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Cable } from '../../src/domain.js';
import { CsvSplitter, type CsvItem, readCsvCables } from '../../src/parse/csv.js';
import { decodeEntities, parseHtmlCable } from '../../src/parse/html.js';
import { CableParseError, describeSourceError, parseCable, readCables, sourceKind, type SourceItem } from '../../src/parse/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));
const fixture = (name: string) => readFileSync(join(fixtures, name));
const tmp = mkdtempSync(join(tmpdir(), 'cablechat-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeTmp(name: string, content: string | Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

function split(input: string | Uint8Array, at: number[] = []): CsvItem[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  const s = new CsvSplitter();
  const out: CsvItem[] = [];
  let from = 0;
  for (const cut of [...at, bytes.length]) {
    out.push(...s.push(bytes.subarray(from, cut)));
    from = cut;
  }
  out.push(...s.end());
  return out;
}

const fieldsOf = (items: CsvItem[]) => items.map((i) => ('record' in i ? i.record.fields : { error: i.error.reason }));
const cables = (items: SourceItem[]) => items.flatMap((i) => ('cable' in i ? [i.cable] : []));
const errors = (items: SourceItem[]) => items.flatMap((i) => ('error' in i ? [i.error] : []));

const txtCable: Cable = parseCable(fixture('09VALLETTA512.txt').toString('utf8'), '09VALLETTA512.txt');

describe('the fixture cable in the txt layout', () => {
  it('has three numbered paragraphs after the preamble', () => {
    expect(txtCable.paragraphs.map((p) => p.key)).toEqual(['0', '1', '2', '3']);
    expect(txtCable.references).toBeUndefined();
  });
});

describe('cables.csv: splitting rows', () => {
  const rows = fixture('rows.csv');

  it('reads quoted fields with raw line ends, doubled quotes and \\" escapes', () => {
    const items = split(rows);
    expect(items.map((i) => ('record' in i ? i.record.line : i))).toEqual([1, 32, 63]);
    const [a, b, c] = fieldsOf(items) as string[][];
    expect(a).toHaveLength(8);
    expect(a![7]).toContain('MINISTER "PLEASED" WITH R&D; TALKS');
    // The same text escaped two ways.
    expect(b![7]).toBe(a![7]);
    expect(b![6]).toBe(a![6]);
    expect(c![5]).toBe('');
  });

  it('gives the same rows however the file is cut into chunks', () => {
    const whole = JSON.stringify(fieldsOf(split(rows)));
    for (let at = 1; at < rows.length; at += 7) expect(JSON.stringify(fieldsOf(split(rows, [at]))), `cut at ${at}`).toBe(whole);
    // Every byte its own chunk.
    const bytes = Array.from({ length: rows.length - 1 }, (_, i) => i + 1);
    expect(JSON.stringify(fieldsOf(split(rows, bytes)))).toBe(whole);
  });

  it('reads CRLF line ends and a byte-order mark like LF', () => {
    const crlf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.toString('utf8').replace(/\n/g, '\r\n'))]);
    const lf = fieldsOf(split(rows)) as string[][];
    const got = fieldsOf(split(crlf)) as string[][];
    expect(got.map((f) => f.map((x) => x.replace(/\r\n/g, '\n')))).toEqual(lf);
    expect(got[0]![0]).toBe('41');
  });

  it('keeps a backslash that ends a field before its closing quote', () => {
    const row = (id: number, body: string) => `"${id}","05/03/2009 15:30","09X${id}","O","C","","R","${body}"`;
    const csv = [row(1, 'saved as C:\\CABLES\\'), row(2, 'he said \\"no.\\"'), row(3, 'path C:\\'), ''].join('\n');
    const got = fieldsOf(split(csv)) as string[][];
    expect(got.map((f) => f[7])).toEqual(['saved as C:\\CABLES\\', 'he said "no."', 'path C:\\']);
    // A \" at a line's end is an inner quote when the next line is not a row start, blank or not.
    const wrapped = row(4, 'work out \\"a\nreasonable solution.\\"\n\nInvestor Concerns\n\\"Quoted\\"\n');
    expect((fieldsOf(split(`${wrapped}\n${row(5, 'x')}\n`)) as string[][]).map((f) => f[7])).toEqual([
      'work out "a\nreasonable solution."\n\nInvestor Concerns\n"Quoted"\n',
      'x',
    ]);
    // Inner columns too: a backslash then the next field's opening quote.
    const inner = '"1","05/03/2009 15:30","09X1","Embassy\\","C","","R","B"\n';
    expect((fieldsOf(split(inner)) as string[][])[0]).toEqual(['1', '05/03/2009 15:30', '09X1', 'Embassy\\', 'C', '', 'R', 'B']);
  });

  it('reads a backslash before a doubled quote as a backslash, in a file that doubles quotes', () => {
    const csv = '"1","05/03/2009 15:30","09X1","O","C","","R","a \\""quoted"" word"\n';
    expect((fieldsOf(split(csv)) as string[][])[0]![7]).toBe('a \\"quoted" word');
  });

  it('gives up on a row longer than one cable can be, instead of holding it all in memory', () => {
    const big = Buffer.alloc(6 * 1024 * 1024, 'a');
    const items = split(Buffer.concat([Buffer.from('"1","05/03/2009 15:30","09X1","O","C","","R","'), big, Buffer.from('"\nmore\n')]), [100_000, 3_000_000]);
    expect(fieldsOf(items)).toEqual([{ error: expect.stringMatching(/^the row runs past 5 MB, the limit for one cable, .*line 2 after it, up to the next row, was skipped$/) }]);
    const unquoted = split(Buffer.concat([big, Buffer.from('\n')]));
    expect(fieldsOf(unquoted)).toEqual([{ error: expect.stringMatching(/^the row runs past 5 MB/) }]);
  });

  it('reads Windows-1252 rows (the pilcrow as byte 0xB6) and UTF-8 rows in one file', () => {
    const latin = Buffer.concat([
      Buffer.from('"1","05/03/2009 15:30","09X1","O","C","","R","'),
      Buffer.from([0xb6]),
      Buffer.from('1. (C) Text \x93quoted\x94."\n'.replace(/[\x93\x94]/g, (c) => c), 'latin1'),
      Buffer.from('"2","05/03/2009 15:30","09X2","O","C","","R","¶1. (C) Text."\n', 'utf8'),
    ]);
    const got = fieldsOf(split(latin)) as string[][];
    expect(got[0]![7]).toBe('¶1. (C) Text “quoted”.');
    expect(got[1]![7]).toBe('¶1. (C) Text.');
  });
});

describe('cables.csv: rows as cables', () => {
  it('gives the txt layout\'s paragraphs, the row\'s own metadata and its referenced cables', async () => {
    const items = await collect(readCsvCables(join(fixtures, 'rows.csv')));
    expect(errors(items)).toEqual([]);
    const [a, b, c] = cables(items);
    for (const cable of [a!, b!, c!]) {
      expect(cable.paragraphs).toEqual(txtCable.paragraphs);
      expect(cable).toMatchObject({ date: '2009-05-03', classification: 'CONFIDENTIAL', origin: 'Embassy Valletta', tags: ['PREL', 'ECON', 'MT'] });
      expect(cable.signature).toBe(txtCable.signature);
    }
    expect(a!.references).toEqual(['09STATE40380']);
    expect(b!.references).toEqual(['09STATE40380', '09VALLETTA498']);
    expect(c!.references).toEqual([]);
    expect(items.map((i) => ('source' in i ? [i.source.line, i.source.rowId, i.source.kind] : null))).toEqual([
      [1, '41', 'csv'],
      [32, '42', 'csv'],
      [63, '43', 'csv'],
    ]);
  });

  it('takes date, classification and origin from the columns, not the routing lines', async () => {
    const text = fixture('rows.csv').toString('utf8').split("\n").slice(0, 31).join('\n')
      .replace('"05/03/2009 15:30"', '"05/04/2009 01:10"')
      .replace('"CONFIDENTIAL"', '"CONFIDENTIAL//NOFORN"');
    const [item] = await collect(readCsvCables(writeTmp('meta.csv', `${text}\n`)));
    expect(item && 'cable' in item && item.cable).toMatchObject({ date: '2009-05-04', classification: 'CONFIDENTIAL//NOFORN' });
  });

  it('reports a malformed row with its line and reference id, and reads the rows around it', async () => {
    const lines = fixture('rows.csv').toString('utf8').split('\n');
    // Row 2 (lines 32–62): an unescaped quote followed by a comma ends the body early.
    const at = lines.findIndex((l, i) => i >= 31 && l.includes('the \\"old '));
    lines[at] = lines[at]!.replace('the \\"old ', 'the "old", ');
    const items = await collect(readCsvCables(writeTmp('malformed.csv', lines.join('\n'))));
    expect(cables(items).map((c) => c.ref)).toEqual(['09VALLETTA512', '09VALLETTA514']);
    const [err] = errors(items);
    expect(err).toMatchObject({ line: 32, ref: '09VALLETTA513' });
    expect(err!.reason).toMatch(/^9 fields where a cables\.csv row has 8; lines \d+–62 after it, up to the next row, were skipped$/);
    expect(describeSourceError(err!)).toMatch(/malformed\.csv line 32 \(09VALLETTA513\): 9 fields/);
  });

  it('reports a quote never closed at the next row start, and reads that row', async () => {
    const text = fixture('rows.csv').toString('utf8').replace('End comment. \n \nDOE"\n"42"', 'End comment. \n \nDOE\n"42"');
    const items = await collect(readCsvCables(writeTmp('unclosed.csv', text)));
    expect(cables(items).map((c) => c.ref)).toEqual(['09VALLETTA513', '09VALLETTA514']);
    expect(errors(items)).toEqual([
      {
        file: expect.stringContaining('unclosed.csv'),
        line: 1,
        ref: '09VALLETTA512',
        reason: 'the quote opening field 8 (body) is never closed: the next row starts at line 32',
      },
    ]);
  });

  it('reads every whole row of a truncated file and names the cut', async () => {
    const bytes = fixture('rows.csv');
    const third = bytes.indexOf('"43"');
    const cases: Array<[number, RegExp]> = [
      [third + 300, /ends inside field 7 of 8 \(routing header\)|ends inside field 8 of 8 \(body\)/],
      [bytes.length - 10, /ends inside field 8 of 8 \(body\)/],
      [third + '"43","05/03/2009 15:30",'.length, /ends after field 2 of 8/],
      [third + 2, /ends inside field 1 of 8 \(row id\)/],
    ];
    for (const [cut, reason] of cases) {
      const items = await collect(readCsvCables(writeTmp('cut.csv', bytes.subarray(0, cut))));
      expect(cables(items).map((c) => c.ref), `cut at ${cut}`).toEqual(['09VALLETTA512', '09VALLETTA513']);
      const errs = errors(items);
      expect(errs, `cut at ${cut}`).toHaveLength(1);
      expect(errs[0]!.line).toBe(63);
      expect(errs[0]!.reason).toMatch(reason);
      expect(errs[0]!.reason).toMatch(/cut mid-row .*every whole row before it was read/);
    }
  });

  it('refuses a row whose body holds no paragraphs, naming it', async () => {
    const csv = '"7","01/20/2004 09:09","04RANGOON88","Embassy Rangoon","SECRET","","","S E C R E T RANGOON 000088 \nSIPDIS \nSUBJECT: BURMA: RUMORS \n"\n';
    const items = await collect(readCsvCables(writeTmp('empty-body.csv', csv)));
    expect(errors(items)).toEqual([
      { file: expect.any(String), line: 1, ref: '04RANGOON88', reason: expect.stringMatching(/no body text after the header/) },
    ]);
  });

  it('rejects a CSV that is not a cable archive, with a reason and no rows', async () => {
    const items = await collect(readCsvCables(join(fixtures, 'other-table.csv')));
    expect(items).toHaveLength(1);
    const [err] = errors(items);
    expect(err!.reason).toBe(
      'not a cables.csv cable archive: the first row is not a cable (4 columns where cables.csv has 8; ' +
        'it looks like a header row (id, date, country, amount), which cables.csv does not have)',
    );

    const eight = '"id","date","ref","a","b","c","d","e"\n"x","y","z","a","b","c","d","e"\n';
    const [e8] = errors(await collect(readCsvCables(writeTmp('eight.csv', eight))));
    expect(e8!.reason).toMatch(/the first rows are not a cable \(the first column is "id", not a row number; it looks like a header row/);

    const [empty] = errors(await collect(readCsvCables(writeTmp('empty.csv', ''))));
    expect(empty!.reason).toBe('empty file: no rows');
  });

  it('names a file that cannot be read', async () => {
    const [err] = errors(await collect(readCsvCables(join(tmp, 'missing.csv'))));
    expect(err!.reason).toBe('cannot read the file: no such file');
  });
});

describe('the HTML tree: a cable page', () => {
  const page = fixture('09VALLETTA512.html').toString('utf8');

  it('gives the txt layout\'s paragraphs and metadata, with entities decoded and links dropped', () => {
    const cable = parseHtmlCable(page, '09VALLETTA512.html');
    expect(cable.paragraphs).toEqual(txtCable.paragraphs);
    expect(cable).toMatchObject({
      ref: '09VALLETTA512',
      date: '2009-05-03',
      classification: 'CONFIDENTIAL',
      origin: 'Embassy Valletta',
      tags: ['PREL', 'ECON', 'MT'],
      signature: 'DOE',
    });
    expect(cable.references).toBeUndefined();
    const text = cable.paragraphs.map((p) => p.text).join('\n');
    expect(text).toContain('Malta’s "door is open" to U.S. research & development firms, and that the "old quarrels"');
    expect(text).toContain('£ing on the table8');
    expect(text).toContain('Embassy’s team will follow up');
    expect(text).not.toMatch(/<a\b|href|&#|&amp;|<br>/);
  });

  it('decodes named, decimal, hex and legacy entities as a browser shows them, and leaves the rest', () => {
    expect(decodeEntities('a&#x000A;b&#10;c')).toBe('a\nb\nc');
    expect(decodeEntities('&amp; &lt;&gt; &quot;x&quot; &#8217; &#x2019; &eacute; &nbsp;')).toBe('& <> "x" ’ ’ é \u00A0');
    expect(decodeEntities('&pounding &centrales &micro-trafficking &amp')).toBe('£ing ¢rales µ-trafficking &');
    expect(decodeEntities('R&D; AT&T &processes8; & &#; &#xZZ;')).toBe('R&D; AT&T &processes8; & &#; &#xZZ;');
    expect(decodeEntities('&#147;quoted&#148; &#0; &#x110000;')).toBe('“quoted” \uFFFD \uFFFD');
  });

  it('rejects a page that is not a cable page, with a reason', () => {
    const other = fixture('not-a-cable.html').toString('utf8');
    expect(() => parseHtmlCable(other, 'not-a-cable.html')).toThrow(CableParseError);
    expect(() => parseHtmlCable(other, 'not-a-cable.html')).toThrow(/^not-a-cable\.html: not a cable page: an HTML page without the cable table/);
    expect(() => parseHtmlCable('just text', 'x.html')).toThrow(/not a cable page: not even an HTML page/);
    const noPre = page.replace(/<pre>[\s\S]*<\/pre>/g, '');
    expect(() => parseHtmlCable(noPre, 'x.html')).toThrow(/the page for 09VALLETTA512 has no <pre> block/);
    const badRef = page.replace(">09VALLETTA512</a>", '>not a ref</a>');
    expect(() => parseHtmlCable(badRef, 'x.html')).toThrow(/Reference ID "not a ref" is not a cable id/);
  });
});

describe('detection and the one entry point', () => {
  const b = (s: string) => Buffer.from(s, 'utf8');

  it('tells the layouts apart by content first, then by extension', () => {
    const cases: Array<[string, string, string | null]> = [
      ['a.csv', '"1","12/28/1966 18:06","66BUENOSAIRES2481",', 'csv'],
      ['cables', '"1","12/28/1966 18:06","66BUENOSAIRES2481",', 'csv'],
      ['a.txt', "<?xml version='1.0' encoding='utf-8' ?>\n<!DOCTYPE html", 'html'],
      ['a.csv', '\uFEFF<!DOCTYPE html>\n<html>', 'html'],
      ['a.dat', '09VALLETTA512\nMALTA\n', 'txt'],
      ['a.dat', '\nVZCZCXRO1234\n', 'txt'],
      ['a.csv', 'id,date,country\n', 'csv'],
      ['a.HTM', 'nothing', 'html'],
      ['a.txt', 'anything', 'txt'],
      ['README', 'anything', 'txt'],
      ['a.pdf', '%PDF-1.4', null],
      ['notes.md', '# Notes', null],
    ];
    for (const [path, head, kind] of cases) expect(sourceKind(path, b(head)), `${path}: ${head}`).toBe(kind);
  });

  it('reads a txt file, an HTML page and a CSV through readCables, with where each came from', async () => {
    const txt = await collect(readCables(join(fixtures, '09VALLETTA512.txt')));
    const html = await collect(readCables(join(fixtures, '09VALLETTA512.html')));
    const csv = await collect(readCables(join(fixtures, 'rows.csv')));
    expect(txt).toHaveLength(1);
    expect(html).toHaveLength(1);
    expect(csv).toHaveLength(3);
    for (const item of [...txt, ...html, ...csv]) {
      expect('cable' in item && item.cable.paragraphs).toEqual(txtCable.paragraphs);
      expect('source' in item && item.source.digest).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(txt.map((i) => 'source' in i && [i.source.kind, i.source.line])).toEqual([['txt', 1]]);
    expect(html.map((i) => 'source' in i && [i.source.kind, i.source.line])).toEqual([['html', 1]]);
    // A row's digest covers its fields, so two rows of one text with other ids differ.
    const digests = csv.map((i) => 'source' in i && i.source.digest);
    expect(new Set(digests).size).toBe(3);
  });

  it('gives errors, not exceptions, for foreign, missing and refused files', async () => {
    const foreign = errors(await collect(readCables(join(fixtures, 'not-a-cable.html'))));
    expect(foreign[0]!.reason).toMatch(/^not a cable page/);
    const table = errors(await collect(readCables(join(fixtures, 'other-table.csv'))));
    expect(table[0]!.reason).toMatch(/^not a cables\.csv cable archive/);
    const missing = errors(await collect(readCables(join(tmp, 'nope.txt'))));
    expect(missing[0]!.reason).toBe('cannot read the file: no such file');
    const stub = errors(await collect(readCables(writeTmp('04RANGOON88.txt', '04RANGOON88\nX\nTue Jan 20 00:00:00 +0100 2004\nSECRET\nEmbassy Rangoon\nSUBJECT: X\n'))));
    expect(stub[0]).toMatchObject({ ref: '04RANGOON88', reason: expect.stringMatching(/no body text after the header/) });
  });
});
