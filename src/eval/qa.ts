/** The eval file format (eval/README.md): JSONL, one question per line, validated with line numbers. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Answerable = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  cable: z.string().min(1),
  paragraphs: z.array(z.number().int().nonnegative()).min(1),
  answer: z.string().min(1),
  history: z.array(z.string()).optional(),
  split: z.enum(['tune', 'heldout']).optional(),
  unanswerable: z.literal(false).optional(),
});
const Unanswerable = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  unanswerable: z.literal(true),
  history: z.array(z.string()).optional(),
  split: z.enum(['tune', 'heldout']).optional(),
});
export const QaItem = z.union([Unanswerable, Answerable]);
export type QaItem = z.infer<typeof QaItem>;

export class QaFormatError extends Error {}

/**
 * Which batch a question was written in (eval/README.md, Counts): ids `seed-…`/`dev-…` are batch 1,
 * `seed2-…`/`dev2-…` batch 2, and so on (`seed4-…` is batch 4). Later batches were written after earlier results
 * were known, so each batch's held-out part is the fresher check.
 */
export function batchOf(id: string): number {
  const m = /^(?:seed|dev)(\d*)-/.exec(id);
  return m?.[1] ? Number(m[1]) : 1;
}

export function loadQa(file: string): QaItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new QaFormatError(`${file}: cannot read (${(err as Error).message})`);
  }
  const items: QaItem[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new QaFormatError(`${where}: not valid JSON (${(err as Error).message}); each line must be one JSON object`);
    }
    // Validate against the one shape the line claims to be, so the error names the field that is wrong.
    const schema = (json as { unanswerable?: unknown })?.unanswerable === true ? Unanswerable : Answerable;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new QaFormatError(
        `${where}: field "${issue.path.join('.') || '(line)'}": ${issue.message}. Expected {"id","question","cable","paragraphs":[N],"answer"} or {"id","question","unanswerable":true}`,
      );
    }
    if (ids.has(parsed.data.id)) throw new QaFormatError(`${where}: duplicate id "${parsed.data.id}"`);
    ids.add(parsed.data.id);
    items.push(parsed.data);
  });
  if (!items.length) throw new QaFormatError(`${file}: no questions in the file`);
  return items;
}
