import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CableParseError, decodeCableBytes, parseCable, parseCableFile } from '../../src/parse/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cablechat-parse-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn`, expects a CableParseError, returns it. */
function rejection(fn: () => unknown): CableParseError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CableParseError);
    return err as CableParseError;
  }
  throw new Error('expected a CableParseError');
}

describe('files that are not cables are refused with a reason and a remedy', () => {
  it('an empty or whitespace-only file', () => {
    for (const text of ['', '  \n\n \t\n']) {
      const err = rejection(() => parseCable(text, '09PHNOMPENH246.txt'));
      expect(err.file).toBe('09PHNOMPENH246.txt');
      expect(err.reason).toBe('empty file');
      expect(err.message).toMatch(/^09PHNOMPENH246\.txt: empty file — \S/);
    }
  });

  it('binary data with NUL bytes', () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48]);
    const err = rejection(() => parseCable(decodeCableBytes(bytes), 'scan.png'));
    expect(err.reason).toMatch(/binary/);
    expect(err.message).toMatch(/^scan\.png: .*binary.* — remove it/);
  });

  it('binary data without NUL bytes (mostly control characters)', () => {
    const bytes = new Uint8Array(Array.from({ length: 400 }, (_, i) => (i * 37 + 1) % 32 || 1));
    const err = rejection(() => parseCable(decodeCableBytes(bytes), '09PHNOMPENH246.txt'));
    expect(err.reason).toMatch(/non-text/);
  });

  it('an ordinary text document', () => {
    const readme = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const err = rejection(() => parseCable(readme, 'package.json'));
    expect(err.reason).toMatch(/no reference id|not a cable/);
  });

  it('an ordinary text document that happens to be named like a cable', () => {
    const err = rejection(() => parseCable('Shopping list\n\nmilk, eggs\nbread\n', '09PHNOMPENH246.txt'));
    expect(err.reason).toMatch(/^not a cable/);
  });

  it('a cable whose released copy stops after the front matter', () => {
    const text = readFileSync(new URL('../fixtures/cables/truncated.txt', import.meta.url), 'utf8');
    const err = rejection(() => parseCable(text, 'truncated.txt'));
    expect(err.reason).toMatch(/no body text/);
    expect(err.message).toContain('truncated.txt: no body text');
  });

  it('a file that cannot be read', async () => {
    const missing = join(dir, 'nope', '09PHNOMPENH246.txt');
    await expect(parseCableFile(missing)).rejects.toThrow(CableParseError);
    await expect(parseCableFile(missing)).rejects.toThrow(/cannot read the file \(ENOENT\)/);
  });

  it('parseCableFile names the path it was given', async () => {
    const path = join(dir, 'empty.txt');
    await writeFile(path, '');
    await expect(parseCableFile(path)).rejects.toMatchObject({ file: path, reason: 'empty file' });
  });
});
