/**
 * The one error the parser throws. It always names the file, says why the file was refused,
 * and tells the user what to do about it, because the person reading it is usually running
 * an ingest over a folder of hundreds of files and needs to act on each failure without
 * opening the parser's source.
 */
export class CableParseError extends Error {
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string, whatToDo: string) {
    super(`${file}: ${reason} — ${whatToDo}`);
    this.name = 'CableParseError';
    this.file = file;
    this.reason = reason;
  }
}
