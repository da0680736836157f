/** Argument handling shared by every command, so all of them keep the same exit-code contract (README). */
import { type Command, CommanderError } from 'commander';
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { ModelError } from '../embed/index.js';
import { IndexError } from '../index/store.js';
import { printable } from './format.js';

/** Parse argv; `--help` exits 0, any usage error exits 2 after saying what was wrong. */
export function parseArgs(program: Command): void {
  program.exitOverride();
  try {
    program.parse();
  } catch (err) {
    const e = err as CommanderError;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    // Commander has already printed its own errors; ours (from option parsers) are printed here.
    if (e.code === 'usage') process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  }
}

/** Option parser for a whole number in [min, max], failing as a usage error that names the flag. */
export function wholeNumber(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new CommanderError(2, 'usage', `${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got "${value}"`);
    }
    return n;
  };
}

/**
 * A missing or mismatched index, a model that cannot be loaded, or a disk that is full or not writable is
 * for the user to fix: print one line that says what failed and what to do, and exit 2. Anything else is a
 * bug and is rethrown with its stack.
 */
export function failUsage(err: unknown, log: (line: string) => void, where: { indexDir?: string } = {}): never {
  if (err instanceof IndexError || err instanceof ModelError) {
    log(`error: ${printable(err.message, true)}`);
    process.exit(2);
  }
  const problem = fileSystemProblem(err, where.indexDir);
  if (problem) {
    log(`error: ${printable(problem, true)}`);
    process.exit(2);
  }
  throw err;
}

const FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const READ_ONLY = new Set(['EROFS']);
const DENIED = new Set(['EACCES', 'EPERM']);

/**
 * A file-system error from the index's own files (SQLite's or Node's) as one sentence naming the folder,
 * or null when the error is something else. Exit 2, not 1: nothing from this run went in (1 says the
 * other files did), and the fix is the user's, as for a missing index.
 */
export function fileSystemProblem(err: unknown, indexDir?: string): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  // A port or host problem has codes like a file's (EACCES for port 80) but is not about the index.
  const e = err as NodeJS.ErrnoException & { address?: unknown; port?: unknown };
  if (e.address !== undefined || e.port !== undefined || ['listen', 'bind', 'connect', 'getaddrinfo', 'accept'].includes(e.syscall ?? '')) return null;
  const path = e.path;
  const inIndex = !indexDir || !path || `${resolve(path)}${sep}`.startsWith(`${resolve(indexDir)}${sep}`);
  const what = indexDir && inIndex ? `the index folder ${indexDir}` : path ?? 'a file';
  const disk = indexDir ?? path ?? '.';
  const full = (c: string) => `the disk holding ${disk} is full (${c}). Free some space and run the same command again; the cables indexed before are still there.`;
  const readOnly = (c: string) => `${what} is on a read-only file system (${c}). Use --index with a folder on a writable disk.`;
  const denied = (c: string) => `${what} is not writable (${c}: permission denied). Use --index with a folder you can write to, or change its permissions.`;
  if (FULL.has(code)) return full(code);
  if (READ_ONLY.has(code)) return readOnly(code);
  if (DENIED.has(code) || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM') return denied(code);
  if ((code === 'EEXIST' && (err as NodeJS.ErrnoException).syscall === 'mkdir') || code === 'ENOTDIR') {
    return `${what} cannot be made: ${code === 'EEXIST' ? `${path ?? 'it'} is a file, not a folder` : `part of ${path ?? 'its path'} is a file, not a folder`} (${code}). Give --index a folder (it is made when missing).`;
  }
  // A recursive mkdir reports ENOENT whatever stopped it; the nearest folder that exists says why.
  if (code === 'ENOENT' && (err as NodeJS.ErrnoException).syscall === 'mkdir' && path) {
    const why = whyNotWritable(path);
    if (why && READ_ONLY.has(why)) return readOnly(why);
    if (why && DENIED.has(why)) return denied(why);
    return `cannot create the folder ${path} (${code}). Check the path given with --index.`;
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'EIO') {
    if (indexDir && diskAlmostFull(indexDir)) return full(code);
    return `${what} could not be written (${code}). Check the disk it is on, and that the folder is writable.`;
  }
  return null;
}

/** The error code that writing into `path`'s nearest existing folder gives, or null when it is writable. */
function whyNotWritable(path: string): string | null {
  let dir = resolve(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? null;
  }
}

function diskAlmostFull(dir: string): boolean {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    const fs = statfsSync(at);
    return fs.bavail * fs.bsize < 1024 * 1024;
  } catch {
    return false;
  }
}
