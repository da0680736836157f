import { describe, expect, it } from 'vitest';
import { asksForCount, asksForDate, asksForName, contentTerms, nameNearTerm, numberNearTerm, timeNearTerm } from '../../src/retrieve/text.js';

const terms = (q: string) => new Set(contentTerms(q));
const qWords = (q: string) => new Set(q.toLowerCase().match(/[a-z0-9']+/g) ?? []);

describe('answer kinds attached to what a question names', () => {
  it('a count: a number next to what is counted, not just any number', () => {
    const q = 'How many children can the Poipet Transit Center house?';
    expect(asksForCount(q)).toBe(true);
    expect(numberNearTerm('The director said the center can house about 10 children at a time.', terms(q))).toBe(true);
    expect(numberNearTerm('The center opened in 2004 and employs staff from three NGOs.', terms(q))).toBe(false);
    expect(numberNearTerm('Ten children are housed there.', terms(q))).toBe(true);
  });

  it('a date: a year or month next to what the question asks about', () => {
    const q = 'When did the Poipet shelter open?';
    expect(asksForDate(q)).toBe(true);
    expect(asksForDate('How long has the shelter been open?')).toBe(false);
    expect(timeNearTerm('The shelter opened in 2004 with IOM funding.', terms(q))).toBe(true);
    expect(timeNearTerm('In March 2009 the embassy visited. The shelter is run by MOSAVY.', terms(q))).toBe(false);
  });

  it('a name: a capitalised name the question does not already use, next to what it asks about', () => {
    const q = 'Who funded the IOM work in Svay Rieng?';
    expect(asksForName(q)).toBe(true);
    expect(asksForName("What's the name of the police chief?")).toBe(true);
    expect(nameNearTerm('The IOM project in Svay Rieng was funded by PRM until December 2008.', terms(q), qWords(q))).toBe(true);
    // Only the question's own names, and a capital that merely starts a sentence, are not an answer.
    expect(nameNearTerm('IOM did outstanding work in Svay Rieng. Funding ended last year.', terms(q), qWords(q))).toBe(false);
    // Text in capitals throughout cannot be read this way, so it is never refused for it.
    expect(nameNearTerm('THE WORK WAS FUNDED LAST YEAR.', terms(q), qWords(q))).toBe(true);
  });
});
