/** Argument handling shared by every command, so all of them keep the same exit-code contract (README). */
import { type Command, CommanderError } from 'commander';
import { ModelError } from '../embed/index.js';
import { IndexError } from '../index/store.js';

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
 * A missing or mismatched index, or a model that cannot be loaded, is for the user to fix: print the
 * message (it says what to do) and exit 2. Anything else is a bug and is rethrown with its stack.
 */
export function failUsage(err: unknown, log: (line: string) => void): never {
  if (err instanceof IndexError || err instanceof ModelError) {
    log(`error: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
