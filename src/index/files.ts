/**
 * Which files an ingest reads, and reading each one safely.
 *
 * A cable folder is whatever a user copied from a share or a USB stick: it can hold folders they
 * cannot read, symbolic links that loop back to a parent (two links to "." once made an ingest hang
 * with no output), links to nowhere, named pipes that block whoever opens them, and files of any
 * size. None of these may stop the other files from going in, and each must be named with a reason.
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { IndexError } from './errors.js';
import type { Rejection } from './ingest.js';

export interface IngestWarning {
  file: string;
  message: string;
}

export interface CollectedFiles {
  files: string[];
  /** Named paths that do not exist (a usage error: the caller stops before indexing anything). */
  missing: string[];
  /** Folders and files found but not readable, with why. */
  rejected: Rejection[];
  warnings: IngestWarning[];
}

/** Paths named by the user that do not exist: a mistyped path must not build or serve an empty index. */
export class MissingPathError extends IndexError {
  readonly missing: string[];
  constructor(missing: string[]) {
    super(
      `no such file or folder: ${missing.map((p) => JSON.stringify(p)).join(', ')}. Check the path${missing.length > 1 ? 's' : ''}; nothing was indexed.`,
    );
    this.missing = missing;
  }
}

/** The named paths that do not exist (a dangling symbolic link counts: there is nothing to read). */
export function missingPaths(paths: string[]): string[] {
  return paths.filter((p) => {
    try {
      statSync(p);
      return false;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR';
    }
  });
}

/** An fs error as a person reads it. */
export function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links (a link that leads back to itself)';
    case 'ENOENT':
      return 'it no longer exists (removed while ingest was running, or a symbolic link to nothing)';
    case 'EIO':
      return 'input/output error (a damaged disk, or a network share that went away)';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return e.code ?? String(err);
  }
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Files named are taken as they are; folders contribute their .txt, extension-less, .html/.htm and .csv files, hidden ones
 * left out. Folders are walked by their real path and each is read once, so a symbolic link back to a
 * parent is skipped (with a warning) instead of walked until the path is too long.
 */
export function collectFiles(paths: string[]): CollectedFiles {
  const out: CollectedFiles = { files: [], missing: [], rejected: [], warnings: [] };
  const dirsRead = new Map<string, string>(); // real path → the path it was first read as
  const filesTaken = new Set<string>(); // real paths
  const isCableName = (p: string) => ['.txt', '', '.html', '.htm', '.csv'].includes(extname(p).toLowerCase());

  const walk = (p: string, explicit: boolean, ancestors: Set<string>) => {
    let st: Stats;
    try {
      st = statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (explicit && (code === 'ENOENT' || code === 'ENOTDIR')) out.missing.push(p);
      else if (explicit || isCableName(p)) out.rejected.push({ file: p, reason: `cannot read the file: ${danglingOr(p, err)}` });
      return;
    }
    if (st.isDirectory()) {
      let real: string;
      try {
        real = realpathSync(p);
      } catch (err) {
        out.rejected.push({ file: p, reason: `cannot read this folder: ${fsReason(err)}; the files in it were not indexed` });
        return;
      }
      if (ancestors.has(real)) {
        out.warnings.push({ file: p, message: `skipped: a symbolic link back to ${dirsRead.get(real) ?? real}, which contains it (a loop)` });
        return;
      }
      // The same folder reached twice (named twice, or linked from elsewhere) is read once.
      if (dirsRead.has(real)) return;
      dirsRead.set(real, p);
      let names: string[];
      try {
        names = readdirSync(p);
      } catch (err) {
        out.rejected.push({ file: p, reason: `cannot read this folder: ${fsReason(err)}; the files in it were not indexed` });
        return;
      }
      const inside = new Set(ancestors).add(real);
      for (const name of names.sort()) if (!name.startsWith('.')) walk(join(p, name), false, inside);
      return;
    }
    if (!explicit && !isCableName(p)) return;
    let real = p;
    try {
      real = realpathSync(p);
    } catch {
      // stat worked, so the file is there; a path that cannot be resolved is then simply taken as named.
    }
    // A file reached twice (named, and inside a named folder) is read, or refused, once.
    if (filesTaken.has(real)) return;
    filesTaken.add(real);
    if (!st.isFile()) {
      // Opening a named pipe blocks until something writes to it: never open what is not a file.
      out.rejected.push({ file: p, reason: `${kindOf(st)}, not a file: cannot be read as a cable` });
      return;
    }
    out.files.push(p);
  };
  for (const p of paths) walk(p, true, new Set());
  return out;
}

function danglingOr(p: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    try {
      if (lstatSync(p).isSymbolicLink()) return 'a symbolic link to something that does not exist';
    } catch {
      // Gone entirely: the generic reason says so.
    }
  }
  return fsReason(err);
}
