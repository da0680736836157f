/**
 * Does an unrelated conversation change the answer to a standalone question? Each question of the set is asked
 * alone and after its history (off-topic chat, another cable's questions, or a refused question); the answer
 * should be the same. Prints how many kept their first five passages, their first passage, and how many were
 * right first either way.
 *   npx tsx scripts/topic-switch.ts eval/topic-switch.jsonl=INDEX   (an index holding the seed and the corpus)
 */
import { openCablechat } from '../src/cablechat.js';
import { loadQa } from '../src/eval/index.js';

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
for (const [qa, dir] of process.argv.slice(2).map((s) => s.split('='))) {
  const chat = await openCablechat({ indexDir: dir!, queryThreads: 0 });
  const items = loadQa(qa!).filter((q) => q.unanswerable !== true && q.history?.length);
  let kept5 = 0, kept1 = 0, rightAlone = 0, rightAfter = 0;
  const changed: string[] = [];
  for (const q of items) {
    if (q.unanswerable === true) continue;
    const labels = (a: Awaited<ReturnType<typeof chat.ask>>) => a.passages.slice(0, 5).map((p) => p.citation.label);
    const right = (a: Awaited<ReturnType<typeof chat.ask>>) => {
      const p = a.passages[0];
      return !!p && p.citation.ref === q.cable.toUpperCase() && norm(p.text).includes(norm(q.answer));
    };
    const alone = await chat.ask({ question: q.question });
    const after = await chat.ask({ question: q.question, history: q.history });
    if (labels(alone).join() === labels(after).join()) kept5++;
    else changed.push(`${q.id}: ${after.searched}`);
    if (labels(alone)[0] === labels(after)[0]) kept1++;
    if (right(alone)) rightAlone++;
    if (right(after)) rightAfter++;
  }
  console.log(`${qa} (${items.length} questions after unrelated turns): first five passages kept ${kept5}/${items.length}, first passage kept ${kept1}/${items.length}; right first alone ${rightAlone}, after the unrelated turns ${rightAfter}`);
  for (const c of changed) console.log(`  changed: ${c}`);
  await chat.close();
}
