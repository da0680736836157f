/**
 * A time limit for answering. A stuck model (or an overloaded machine) must not leave a user waiting on a
 * spinner forever: after the limit the caller gets an error it can show, and the next question is served.
 */
export class AnswerTimeout extends Error {
  constructor(readonly ms: number) {
    super(`No answer within ${Math.round(ms / 1000)} s: the embedding model may be stuck or the machine overloaded. Try again; if it keeps happening, restart the server.`);
  }
}

/** Default limit; a normal answer takes well under a second (README, Performance). */
export const ANSWER_TIMEOUT_MS = 30_000;

export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AnswerTimeout(ms)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
