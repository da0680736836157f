/** Scoring a question set, each mode running its own stages (fast, hand-made vectors). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/cablechat.js';
import { EVAL_MODES, runEval, type QaItem } from '../../src/eval/index.js';
import { HARBOUR, SHELTER, TOPICS } from '../support/tiny-archive.js';
import { tinyArchive, topicEmbedder } from '../support/topic-embedder.js';

let pipeline: Pipeline;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ pipeline, dispose } = await tinyArchive([SHELTER, HARBOUR], topicEmbedder(TOPICS)));
});
afterAll(() => dispose());

const ITEMS: QaItem[] = [
  { id: 't-1', question: 'When did the Poipet shelter open?', cable: '09PHNOMPENH1', paragraphs: [2], answer: 'March 2008' },
  { id: 't-2', question: 'Who funds new boats for the fishing fleet?', cable: '10LAGOS2', paragraphs: [3], answer: 'The ministry' },
  { id: 't-3', question: 'Until when does the grant run?', cable: '09PHNOMPENH1', paragraphs: [3], answer: '2010', history: ['Who funded the shelter?'] },
  { id: 't-4', question: 'What did the Icelandic parliament decide about deposit guarantees?', unanswerable: true },
];

describe('an eval run', () => {
  it('scores the full answer: right first, follow-ups, abstentions', async () => {
    const m = await runEval(pipeline, ITEMS, { mode: 'full' });
    expect(m).toMatchObject({ mode: 'full', questions: 4, answerable: 3, unanswerable: 1, 'hit@1': 1, followups: 1, abstained_correct: 1, false_abstentions: 0, embedder: 'test-topics' });
    expect(m.misses).toEqual([]);
  });

  it('measures single stages without abstaining, and lists what each got wrong first', async () => {
    for (const mode of Object.keys(EVAL_MODES) as (keyof typeof EVAL_MODES)[]) {
      const m = await runEval(pipeline, ITEMS, { mode });
      if (mode !== 'full') expect(m.abstained_correct, mode).toBe(0);
      for (const miss of m.misses) expect(miss.expected, mode).toMatch(/^(09PHNOMPENH1|10LAGOS2) ¶\d+ "/);
    }
    const dense = await runEval(pipeline, [{ id: 'd', question: 'Where do youngsters stay?', cable: '10LAGOS2', paragraphs: [2], answer: 'kids' }], { mode: 'dense' });
    expect(dense.misses).toEqual([{ id: 'd', question: 'Where do youngsters stay?', expected: '10LAGOS2 ¶2 "kids"', got: ['09PHNOMPENH1 ¶1', '10LAGOS2 ¶2', '09PHNOMPENH1 ¶2'] }]);
    expect(dense['hit@5']).toBe(1);
  });
});
