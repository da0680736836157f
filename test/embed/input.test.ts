/**
 * Cables typed in capitals (most older ones) must be as findable by meaning as any other: the bundled model
 * reads shouted text badly, so it is given such text in sentence case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Conversation, type Pipeline } from '../../src/cablechat.js';
import { embeddingText } from '../../src/embed/index.js';
import { EVAL_MODES } from '../../src/eval/index.js';
import { seedChat, SEED_DIR } from '../support/seed-index.js';

const ALL_CAPS = fileURLToPath(new URL('../fixtures/cables/all-caps.txt', import.meta.url));

describe('what the model is given', () => {
  it('puts shouted text in sentence case and leaves other text alone', () => {
    expect(embeddingText('WE RECEIVED A WIRE SERVICE REPORT.  SPAIN DID NOT PLAN EXPULSIONS.')).toBe(
      'We received a wire service report.  Spain did not plan expulsions.',
    );
    const normal = 'The AHTJP and IOM met Emboffs in Poipet on March 16.';
    expect(embeddingText(normal)).toBe(normal);
    expect(embeddingText('USG, GOC')).toBe('USG, GOC');
  });
});

describe('an all-caps cable next to the seed cable', () => {
  let pipeline: Pipeline;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ pipeline, dispose } = await seedChat([SEED_DIR, ALL_CAPS]));
  });
  afterAll(() => dispose());

  it('is found by meaning alone (dense search), not only by its words', async () => {
    const a = await pipeline.answer({ question: 'Did the Spanish government intend to throw out more Libyans?', k: 3 }, new Conversation(), EVAL_MODES.dense);
    expect(a.passages[0]!.citation.ref).toBe('86MADRID5480');
  });
});
