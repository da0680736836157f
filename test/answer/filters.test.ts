import { describe, expect, it } from 'vitest';
import { extractFilters } from '../../src/retrieve/index.js';
import { filterProblem } from '../../src/answer/filters.js';

describe('filters typed in the question', () => {
  it('are taken out of the question, quoted values included', () => {
    const r = extractFilters('tag:KTIP origin:"Phnom Penh" after:2008-01 before:2009-12 who was removed for bribes?');
    expect(r.question).toBe('who was removed for bribes?');
    expect(r.filters).toEqual({ tag: 'KTIP', origin: 'Phnom Penh', after: '2008-01', before: '2009-12' });
  });

  it('single cable and classification', () => {
    expect(extractFilters('cable:09PHNOMPENH246 classification:secret what happened?').filters).toEqual({ cable: '09PHNOMPENH246', classification: 'secret' });
  });

  it('a malformed date is reported, not silently matched against nothing', () => {
    expect(filterProblem({ after: 'last-year' })).toMatch(/after:last-year.*YYYY/);
    expect(filterProblem({ after: '2008', before: '2009-12-31' })).toBeNull();
  });
});
