import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, type Cablechat, type Pipeline } from '../../src/cablechat.js';
import { followUp } from '../../src/answer/followup.js';
import { analyseQuestion } from '../../src/retrieve/index.js';
import { seedChat } from '../support/seed-index.js';

let chat: Cablechat;
let pipeline: Pipeline;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ chat, pipeline, dispose } = await seedChat());
});
afterAll(() => dispose());

/** What a follow-up leans on, as the answer reads it from a conversation of these earlier questions. */
const leaning = (question: string, history: string[]) => followUp(pipeline.corpus, analyseQuestion(question), new Conversation(history), {});

const marked = (p: { text: string; highlights: { start: number; end: number }[] }) => p.highlights.map((h) => p.text.slice(h.start, h.end)).join(' ');

describe('answers', () => {
  it('mark the sentence that answers, as offsets into the paragraph', async () => {
    const a = await chat.ask({ question: 'How many children can the Poipet Transit Center house?' });
    expect(a.abstained).toBe(false);
    expect(a.passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶10');
    expect(marked(a.passages[0]!)).toContain('10 children at a time');
    expect(a.confidence).toBeGreaterThan(0.5);
    expect(a.band).toBe('medium');
  });

  it('prefer the paragraph that uses the question\'s words together over one that has them scattered', async () => {
    // ¶12 has "Watnakpheap", "local" and "communities" apart; ¶18 says "the only two local NGOs working on the
    // ground in Svay Rieng communities". Without the phrase feature ¶12 came first.
    const a = await chat.ask({ question: 'Which are the only local NGOs active in Svay Rieng communities?' });
    expect(a.passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶18');
    expect(marked(a.passages[0]!)).toContain('CCPCR and Watnakpheap');
  });

  it('are less confident for a vague question than for one a single paragraph answers', async () => {
    const clear = await chat.ask({ question: 'How many children can the Poipet Transit Center house?' });
    const vague = await chat.ask({ question: 'Tell me about the border.' });
    expect(clear.confidence).toBeGreaterThan(vague.confidence + 0.3);
    expect(clear.band).toBe('medium');
    expect(vague.band).toBe('low');
  });

  it('refuse what the cables cannot answer, never at Medium or High, and name the words they never use', async () => {
    for (const q of ['What is the weather like today?', "What's a good recipe for banana bread?", 'How do I reverse a list in Python?']) {
      const a = await chat.ask({ question: q });
      expect(a.abstained, q).toBe(true);
      expect(a.band, q).toBe('low');
      expect(a.passages, q).toEqual([]);
    }
    const france = await chat.ask({ question: 'What is the capital of France?' });
    expect(france.note).toBe('No cable paragraph answers this: the indexed cables never mention "France".');
  });

  it('say so when nothing answers, with at most two closest passages labelled as such', async () => {
    const a = await chat.ask({ question: 'What did the Icelandic parliament decide about the Icesave deposit guarantees?' });
    expect(a.abstained).toBe(true);
    expect(a.passages).toEqual([]);
    expect(a.closest.length).toBeLessThanOrEqual(2);
    expect(a.note).toMatch(/No cable paragraph answers this/);
  });

  it('resolve a follow-up with the earlier question', async () => {
    const a = await chat.ask({ question: 'Who funded that work?', history: ["What outstanding work did IOM do in Svay Rieng?"] });
    expect(a.passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶17');
    expect(marked(a.passages[0]!)).toContain('PRM');
    expect(a.searched).toMatch(/following up/);
  });
});

describe('conversations', () => {
  it('carry the paragraph the earlier question was answered with into a follow-up', async () => {
    const history = ['How many migrants did Thailand send back in January 2009?'];
    const first = await chat.ask({ question: history[0]! });
    const c = await leaning('And how many of them were children?', history);
    expect(c.context.at(-1)).toBe(history[0]);
    expect(c.previous?.ref).toBe(first.passages[0]!.citation.ref);
    const a = await chat.ask({ question: 'And how many of them were children?', history });
    expect(a.passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶3');
  });

  it('let "he" in a follow-up mean the person the previous answer named', async () => {
    const history = ['Who is the IJM investigator the embassy spoke to?'];
    const first = await chat.ask({ question: history[0]! });
    expect(marked(first.passages[0]!)).toMatch(/\bDunne\b/);
    const c = await leaning('What did he report?', history);
    // The name the user read in the answer, not in any question, now counts for the follow-up.
    expect(c.context[0]).toMatch(/\bDunne\b/);
    expect(c.context.at(-1)).toBe(history[0]);
    const a = await chat.ask({ question: 'What did he report?', history });
    expect(a.passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶9');
    expect(a.searched).toMatch(/names from its answer: .*Dunne/);
  });
});

describe('filters', () => {
  it('typed in the question restrict the search and are reported back', async () => {
    const a = await chat.ask({ question: 'origin:"Phnom Penh" tag:KTIP How many children can the Poipet Transit Center house?' });
    expect(a.filters).toEqual({ origin: 'Phnom Penh', tag: 'KTIP' });
    expect(a.passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶10');
  });

  it('that match no cable say so instead of answering', async () => {
    for (const q of ['origin:Lagos How many children can the PTC house?', 'after:2010-01 How many children can the PTC house?', 'cable:10MOSCOW228 How many children can the PTC house?']) {
      const a = await chat.ask({ question: q });
      expect(a.abstained).toBe(true);
      expect(a.note).toMatch(/No indexed cable matches/);
    }
  });

  it('given through the API work the same, and date bounds are inclusive prefixes', async () => {
    const a = await chat.ask({ question: 'How many children can the PTC house?', filters: { after: '2009-04', before: '2009-04', cable: '09phnompenh246' } });
    expect(a.passages[0]!.citation.label).toBe('09PHNOMPENH246 ¶10');
  });
});
