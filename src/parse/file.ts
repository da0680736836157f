import { readFile } from 'node:fs/promises';
import type { Cable } from '../domain.js';
import { CableParseError } from './errors.js';
import { parseCable } from './cable.js';
import { readCableText } from './input.js';

/** Reads, decodes and parses one cable file; I/O failures become CableParseError like the rest. */
export async function parseCableFile(path: string): Promise<Cable> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new CableParseError(path, `cannot read the file (${code})`, 'check the path and the file permissions');
  }
  return parseCable(readCableText(bytes, path).text, path);
}
