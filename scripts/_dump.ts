import { openCablechat } from '../src/cablechat.js';
import { followUpContext } from '../src/answer/index.js';
import { loadQa } from '../src/eval/index.js';
const chat = await openCablechat({ indexDir: '/tmp/ix2' });
for (const item of loadQa('eval/seed.jsonl').filter((q) => q.split !== 'heldout')) {
  const context = followUpContext(item.question, item.history ?? []);
  const res = await chat.retriever.search({ question: item.question, context, k: 2 });
  const f = res.ranked[0]!.features; const g = res.ranked[1]!.features;
  const ok = item.unanswerable ? 'UN' : (item.paragraphs.map(String).includes(res.ranked[0]!.paragraph.key) ? 'ok' : 'xx');
  console.log(ok, [f.sentenceCoverage, f.coverage, f.denseMax, f.typeMatch, f.unseen, res.ranked[0]!.score - res.ranked[1]!.score].map((x) => x.toFixed(2)).join(' '), res.terms.join(','), '|', item.question.slice(0, 70));
}
