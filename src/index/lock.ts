/**
 * One writer per index. Two ingests committing into one index at once would each treat the other's
 * uncommitted vectors as garbage, so writers take this lock for the whole run and a second one stops with a
 * message instead of silently losing work.
 *
 * The lock is an exclusive SQLite transaction on a file of its own: the operating system releases it when
 * the holder dies, however it dies (SIGKILL, power loss, out of memory), so a crashed ingest never leaves a
 * stale lock behind for a user to delete by hand.
 */
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { IndexError } from './errors.js';

const LOCK_FILE = 'writer.lock';
/** Who holds the lock, for the message a second writer gets (advisory: the lock itself is the transaction). */
const HOLDER_FILE = 'writer.lock.json';

export interface WriterLock {
  release(): void;
}

export function lockForWriting(dir: string): WriterLock {
  const db = new Database(join(dir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new IndexError(`Another ingest is writing to ${dir}${holder(dir)}. Wait for it to finish (or stop it) and run this one again: it will continue where that one stops.`);
  }
  try {
    writeFileSync(join(dir, HOLDER_FILE), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
  } catch {
    // The holder note only improves a message; the lock holds without it.
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(join(dir, HOLDER_FILE), { force: true });
      db.close();
    },
  };
}

function holder(dir: string): string {
  try {
    const h = JSON.parse(readFileSync(join(dir, HOLDER_FILE), 'utf8')) as { pid: number; host: string; since: string };
    return ` (process ${h.pid} on ${h.host}, since ${h.since})`;
  } catch {
    return '';
  }
}
