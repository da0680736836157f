/**
 * Turn the chat's thumbs up/down (feedback.jsonl in an index folder) into draft eval questions for a
 * maintainer to check before adding them to a set (eval/README.md):
 *   npx tsx scripts/feedback-to-eval.ts INDEX_DIR/feedback.jsonl > drafts.jsonl
 * - up on an answer: an answerable question whose expected paragraph is the first citation and whose answer is
 *   the sentence the user saw marked (check that it really answers; shorten it to the fact);
 * - up on a refusal: an unanswerable question;
 * - down: printed to stderr only, to look at: the right paragraph was missed, or the cables do not answer it.
 * Every draft is split "tune" and its id starts with "fb-": held-out questions are written by hand.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { QaItem } from '../src/eval/qa.js';

const program = new Command('feedback-to-eval').argument('<feedback.jsonl>', 'the feedback file of an index folder').parse();
const file = program.args[0]!;
const lines = readFileSync(file, 'utf8').split('\n');
let drafts = 0;
let toLook = 0;
lines.forEach((line, i) => {
  if (!line.trim()) return;
  let e: { time: string; question: string; history?: string[]; citations: string[]; quote?: string; refused?: boolean; verdict: 'up' | 'down' };
  try {
    e = JSON.parse(line);
  } catch {
    console.error(`${file}:${i + 1}: not JSON, skipped`);
    return;
  }
  const id = `fb-${e.time.slice(0, 10)}-${i + 1}`;
  const history = e.history?.length ? { history: e.history } : {};
  if (e.verdict === 'down') {
    toLook++;
    console.error(`${file}:${i + 1}: thumbs down on "${e.question}" (${e.refused ? 'refused' : `first ${e.citations[0] ?? 'nothing'}`}): find the right paragraph, or write it as unanswerable`);
    return;
  }
  const m = /^(\S+) (?:¶|paragraph )(\d+)/.exec(e.citations[0] ?? '');
  const draft = e.refused || !m ? { id, question: e.question, unanswerable: true, ...history, split: 'tune' } : { id, question: e.question, cable: m[1], paragraphs: [Number(m[2])], answer: e.quote || '(write the answer string)', ...history, split: 'tune' };
  const checked = QaItem.safeParse(draft);
  if (!checked.success) {
    console.error(`${file}:${i + 1}: could not make a draft (${checked.error.issues[0]!.message}), skipped`);
    return;
  }
  drafts++;
  console.log(JSON.stringify(draft));
});
console.error(`${drafts} draft(s) written; ${toLook} thumbs-down to look at. Check each before adding it to a set.`);
