/** An index problem the user can fix; the message says how. */
export class IndexError extends Error {}

/** The command that builds `dir` afresh with `model`, for error messages. */
export function rebuildCommand(dir: string, model: string): string {
  return `rm -rf ${dir} && npm run ingest -- --index ${dir} --model ${model} <your cables folder>`;
}
