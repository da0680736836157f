/**
 * Two small cables and the topics that define their hand-made vectors: enough for the fast tests to know,
 * question by question, which paragraph each stage should put first and why.
 */
import type { TinyCable, Topics } from './topic-embedder.js';

export const TOPICS: Topics = {
  children: ['children', 'kids', 'minors', 'youngsters'],
  money: ['funding', 'funds', 'funded', 'grant', 'paid', 'money'],
  border: ['border', 'checkpoint', 'poipet'],
  fish: ['fish', 'fishing', 'boats', 'fleet', 'harbour'],
  police: ['police', 'arrested', 'convicted', 'recruiters', 'investigator'],
};

export const SHELTER: TinyCable = {
  ref: '09PHNOMPENH1',
  subject: 'BORDER SHELTER NEWS',
  date: '2009-04-13',
  origin: 'Embassy Phnom Penh',
  tags: ['KTIP', 'PHUM'],
  paragraphs: [
    // ¶1 repeats ¶2's first sentence, as a summary does: the two fold into one passage.
    'Summary: The Poipet shelter can house ten returned children at a time, IOM says. End summary.',
    'The Poipet shelter can house ten returned children at a time. It opened in March 2008 next to the border checkpoint.',
    'IOM funding for the shelter came from PRM. The grant runs until 2010.',
    'Investigator Ron Dunne reported the case to police. Dunne said Oum Sath shared tips with him.',
    'Police arrested two recruiters at the checkpoint. Both were convicted in 2009.',
  ],
};

export const HARBOUR: TinyCable = {
  ref: '10LAGOS2',
  subject: 'FISH EXPORTS',
  date: '2010-02-01',
  origin: 'Embassy Lagos',
  tags: ['ECON'],
  paragraphs: [
    'Fish exports rose 12 percent in 2009, officials said.',
    'Young kids sell fish at the harbour after school.',
    'The ministry funds new boats for the fishing fleet.',
  ],
};
