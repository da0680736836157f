/**
 * What reading a question as a follow-up costs when it is not one: each single tune question is asked after
 * an unrelated earlier question (the one 7 places on), and, where it is then read as a follow-up, scored
 * with and without that turn.
 *   npx tsx scripts/topic-switch.ts eval/seed.jsonl=SEED_INDEX eval/dev.jsonl=CORPUS_INDEX
 */
import { openCablechat } from '../src/cablechat.js';
import { leansOn } from '../src/answer/followup.js';
import { analyseQuestion } from '../src/retrieve/index.js';
import { loadQa } from '../src/eval/index.js';
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
for (const [qa, dir] of process.argv.slice(2).map((s) => s.split('='))) {
  const chat = await openCablechat({ indexDir: dir!, queryThreads: 0 });
  const items = loadQa(qa!).filter((q) => (q.split ?? 'tune') === 'tune' && q.unanswerable !== true && !q.history);
  let n = 0, alone = 0, after = 0;
  for (let i = 0; i < items.length; i++) {
    const q = items[i]!;
    if (q.unanswerable === true) continue;
    // An unrelated earlier turn: the question 7 places on, about another paragraph (or cable).
    const prev = items[(i + 7) % items.length]!;
    if (prev.unanswerable === true || (prev.cable === q.cable && prev.paragraphs[0] === q.paragraphs[0])) continue;
    if (!leansOn(analyseQuestion(q.question), analyseQuestion(prev.question))) continue;
    n++;
    const ok = (a: Awaited<ReturnType<typeof chat.ask>>) => { const p = a.passages[0]; return !!p && p.citation.ref === q.cable.toUpperCase() && norm(p.text).includes(norm(q.answer)); };
    if (ok(await chat.ask({ question: q.question }))) alone++;
    if (ok(await chat.ask({ question: q.question, history: [prev.question] }))) after++;
  }
  console.log(`${qa}: ${n} questions read as follow-ups after an unrelated turn; right first alone ${alone}, after the unrelated turn ${after}`);
  await chat.close();
}
