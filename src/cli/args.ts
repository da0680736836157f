/** Argument handling shared by every command, so all of them keep the same exit-code contract (README). */
import { type Command, CommanderError } from 'commander';

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
