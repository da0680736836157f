/** A question is read once, into what every later stage takes from it. */
import { describe, expect, it } from 'vitest';
import { analyseQuestion, searchQuery } from '../../src/retrieve/index.js';

describe('reading a question', () => {
  it('takes typed filters out and keeps the rest as the question searched', () => {
    const q = analyseQuestion('origin:"Phnom Penh"   tag:KTIP How many children can the PTC house?');
    expect(q.text).toBe('How many children can the PTC house?');
    expect(q.filters).toEqual({ origin: 'Phnom Penh', tag: 'KTIP' });
    // What the user typed counts as mentioned in the conversation, filters included.
    expect(q.mentioned.has('phnom')).toBe(true);
  });

  it('stems its content words once for both searches and the features', () => {
    const q = analyseQuestion('How many children did the shelters house in 2009?');
    expect(q.terms).toEqual(['children', 'shelter', 'hous', '2009']);
    // The full-text index stems by itself: it gets the words as written.
    expect(q.lexicalWords).toEqual(['children', 'shelters', 'house', '2009']);
    expect(q.pairs).toEqual([
      ['children', 'shelter'],
      ['shelter', 'hous'],
      ['hous', '2009'],
    ]);
  });

  it('notes the names it brings in, whether it has a number, and the kind of answer asked for', () => {
    const who = analyseQuestion('Did Hillary Clinton endorse Ismail Khan?');
    expect(who.names).toEqual(['hillary', 'clinton', 'ismail', 'khan']);
    expect(who.kind).toEqual({ number: false, time: false });
    expect(analyseQuestion('How many migrants came back?').kind.number).toBe(true);
    expect(analyseQuestion('When did the crew leave?').kind.time).toBe(true);
    expect(analyseQuestion('What happened in 2009?').hasDigit).toBe(true);
  });

  it('lets a follow-up search with its conversation, counting only the terms it does not have itself', () => {
    const q = searchQuery(analyseQuestion('How many were children?'), { context: ['How many migrants did Thailand return?'] });
    expect(q.contextTerms).toEqual(['migrant', 'thailand', 'return']);
    expect(searchQuery(analyseQuestion('Who funded it?')).contextTerms).toEqual([]);
  });
});
