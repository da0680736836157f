/**
 * Side by side with a peer library on the same paragraphs: MiniSearch's BM25+ (its defaults, and variants that
 * change one thing at a time) against this project's lexical stage and full answer, on the questions of a set.
 *   npx tsx scripts/peer-minisearch.ts --set eval/seed.jsonl=SEED_INDEX [--split heldout]
 * Right first = the first paragraph is one the question lists, or holds its answer string.
 */
import { Command } from 'commander';
import MiniSearch, { type Options } from 'minisearch';
import { Conversation, openPipeline } from '../src/cablechat.js';
import { EVAL_MODES, loadQa } from '../src/eval/index.js';
import { isStopWord, stem } from '../src/retrieve/text.js';

const program = new Command().requiredOption('--set <qa=index...>', 'question file and index folder').option('--split <split>', 'tune | heldout | all', 'all').parse();
const opts = program.opts<{ set: string[]; split: string }>();
const norm = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();

for (const [qa, dir] of opts.set.map((s) => s.split('='))) {
  const pipeline = await openPipeline({ indexDir: dir!, queryThreads: 0 });
  const store = pipeline.corpus.store;
  const paragraphs = store.listCables(0, 100000).items.flatMap((c) => store.paragraphsOf(c.ref).map((p) => ({ id: p.id, ref: p.ref, key: p.key, text: p.text, heading: p.heading ?? '' })));
  const byId = new Map(paragraphs.map((p) => [p.id, p]));
  const items = loadQa(qa!).filter((q) => q.unanswerable !== true && !q.history && (opts.split === 'all' || q.split === opts.split));
  const right = (item: (typeof items)[number], p: { ref: string; key: string; text: string } | undefined) =>
    !!p && item.unanswerable !== true && p.ref.toUpperCase() === item.cable.toUpperCase() && (item.paragraphs.map(String).includes(p.key.replace(/\.\d+$/, '')) || norm(p.text).includes(norm(item.answer)));

  const variants: [string, Partial<Options>][] = [
    ['MiniSearch defaults (BM25+, k1 1.2, b 0.7, d 0.5; no stemming)', {}],
    ['  … plain BM25 (d 0)', { searchOptions: { bm25: { k: 1.2, b: 0.7, d: 0 } } }],
    ['  … k1 1.2, b 0.75 (FTS5\'s)', { searchOptions: { bm25: { k: 1.2, b: 0.75, d: 0.5 } } }],
    ['  … Porter stems', { processTerm: (t) => stem(t.toLowerCase()) }],
    ['  … stop words dropped', { processTerm: (t) => (isStopWord(t.toLowerCase()) ? null : t.toLowerCase()) }],
    ['  … with headings as a field', { fields: ['text', 'heading'] }],
    ['  … prefix and fuzzy matching', { searchOptions: { prefix: true, fuzzy: 0.2 } }],
  ];
  const rows: string[] = [];
  for (const [name, v] of variants) {
    const ms = new MiniSearch({ fields: ['text'], storeFields: [], ...v, searchOptions: { ...(v.searchOptions ?? {}) } });
    ms.addAll(paragraphs);
    let hits = 0;
    for (const item of items) hits += right(item, byId.get(ms.search(item.question)[0]?.id as number)) ? 1 : 0;
    rows.push(`${name.padEnd(64)} ${hits}/${items.length}`);
  }
  for (const mode of ['lexical', 'full'] as const) {
    let hits = 0;
    for (const item of items) {
      const a = await pipeline.answer({ question: item.question, k: 1 }, new Conversation(), EVAL_MODES[mode]);
      const p = a.passages[0];
      hits += right(item, p && { ref: p.citation.ref, key: p.citation.key, text: p.text }) ? 1 : 0;
    }
    rows.push(`${(mode === 'lexical' ? 'this project: FTS5 BM25 stage' : 'this project: full answer').padEnd(64)} ${hits}/${items.length}`);
  }
  console.log(`${qa} over ${paragraphs.length} paragraphs (${dir}), ${opts.split}, standalone answerable questions: right first`);
  for (const r of rows) console.log(`  ${r}`);
  await pipeline.close();
}
