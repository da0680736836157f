/**
 * One test per layout variant found in the cablegate-2010 corpus. Fixtures are short
 * excerpts of real cables (test/fixtures/cables), or inline strings where a few lines do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Cable, Paragraph } from '../../src/domain.js';
import { parseCable } from '../../src/parse/index.js';

function fixture(name: string): Cable {
  const text = readFileSync(new URL(`../fixtures/cables/${name}`, import.meta.url), 'utf8');
  return parseCable(text, name);
}

function para(cable: Cable, key: string): Paragraph {
  const p = cable.paragraphs.find((x) => x.key === key);
  if (!p) throw new Error(`no paragraph ${key} in ${cable.ref}: ${cable.paragraphs.map((x) => x.key).join(',')}`);
  return p;
}

const keys = (cable: Cable) => cable.paragraphs.map((p) => p.key);

/** A minimal converter header plus body lines. */
function cable(body: string[], subjectLine = 'TEST SUBJECT'): string {
  return ['10TESTPOST1', subjectLine, 'Mon Jan 04 00:00:00 +0100 2010', 'CONFIDENTIAL', 'Embassy Testpost', ...body].join('\n');
}

describe('one paragraph per line, partial-extract banner glued to the classification line', () => {
  const c = fixture('one-line-partial.txt');

  it('drops the banner and the routing, keeps SUBJECT and REF in the preamble', () => {
    expect(para(c, '0').text).toBe('SUBJECT: BRAZIL DECLINES GUANTANAMO MIGRANTS REF: A. 04 STATE 305348 B. 04 STATE 139422');
    for (const p of c.paragraphs) expect(p.text).not.toMatch(/partial extract|Classified By|SIPDIS|E\.O\./);
  });

  it('reads ¶1..¶4 with their markings', () => {
    expect(keys(c)).toEqual(['0', '1', '2', '3', '4']);
    expect(c.paragraphs.map((p) => p.marking)).toEqual([null, 'U', 'C', 'C', 'C']);
  });

  it('reads "Comment -------" on one line as the heading of ¶4', () => {
    expect(para(c, '3').heading).toBeNull();
    expect(para(c, '4').heading).toBe('Comment');
  });

  it('cuts the signature run onto the last sentence', () => {
    expect(c.signature).toBe('DANILOVICH');
    expect(para(c, '4').text.endsWith('will change their position on this issue.')).toBe(true);
  });

  it('splits "TAGS: PREF SMIG BR US" into items', () => {
    expect(c.tags).toEqual(['PREF', 'SMIG', 'BR', 'US']);
  });
});

describe('numbering without pilcrow: "1.(S)"', () => {
  const c = fixture('no-pilcrow-numbering.txt');

  it('finds the numbered paragraphs and their markings', () => {
    expect(keys(c)).toEqual(['0', '1', '2', '3']);
    expect(para(c, '2')).toMatchObject({ number: 2, marking: 'S' });
    expect(para(c, '2').text.startsWith('The Tri-Border Region: The Ambassador asked')).toBe(true);
  });

  it('drops "Classified by" and takes a signature followed by a date', () => {
    expect(para(c, '0').text).not.toMatch(/Classified/i);
    expect(c.signature).toBe('DANILOVICH');
    expect(para(c, '3').text.endsWith('throughout Brazil.')).toBe(true);
  });
});

describe('two paragraphs run together on one line', () => {
  const c = fixture('run-on-paragraphs.txt');

  it('splits "... suggestions. 2. (C) We should ..." into ¶1 and ¶2', () => {
    expect(keys(c)).toEqual(['0', '1', '2', '3']);
    expect(para(c, '1').text.endsWith('Septel provides detailed suggestions.')).toBe(true);
    expect(para(c, '2')).toMatchObject({ number: 2, marking: 'C' });
    expect(para(c, '2').text).toBe('We should neither underestimate nor overestimate Chavez.');
  });

  it('reads headings boxed on one line ("------- Summary -------")', () => {
    expect(para(c, '1').heading).toBe('Summary');
    expect(para(c, '3').heading).toBe('Know Thy Enemy');
  });

  it('keeps "Classified By" that shares the REF line out of the preamble', () => {
    expect(para(c, '0').text).toBe(
      'SUBJECT: A SOUTHERN CONE PERSPECTIVE ON COUNTERING CHAVEZ AND REASSERTING U.S. LEADERSHIP REF: ASUNCION 396',
    );
  });

  it('does not split where the number does not continue the sequence', () => {
    const c2 = parseCable(
      cable(['SUBJECT: X', '', '¶1. (C) He cited para. 4. (C) text as proof. 2. (C) Second paragraph.']),
      'x.txt',
    );
    expect(keys(c2)).toEqual(['0', '1', '2']);
    expect(para(c2, '1').text).toBe('He cited para. 4. (C) text as proof.');
  });
});

describe('a year wrapped to the start of a line ("¶2001.")', () => {
  const c = fixture('wrapped-year.txt');

  it('is not taken for a paragraph number', () => {
    expect(keys(c)).toEqual(['0', '1', '2', '3', '4']);
    expect(para(c, '3').text).toContain('Secretary Albright in January 2001. Another idea was to celebrate');
  });

  it('leaves no pilcrow in the text', () => {
    for (const p of c.paragraphs) expect(p.text).not.toContain('¶');
  });

  it('joins a wrapped SUBJECT and a signature alone on the last line', () => {
    expect(c.subject).toBe('SPAIN: AMBASSADOR MAKES FAREWELL CALL ON FOREIGN MINISTER MORATINOS');
    expect(c.signature).toBe('ARGYROS');
  });
});

describe('items of numbered lists inside a paragraph', () => {
  const c = fixture('nested-lists.txt');

  it('stay in the paragraph instead of restarting the numbering', () => {
    expect(keys(c)).toEqual(['0', '8', '9']);
    expect(para(c, '9').text).toContain('Pensions: 1. Pension age increase');
    expect(para(c, '9').text).toContain('2. Electricity tariff increase by 40%.');
  });

  it('removes a mixed-case page banner ("Kyiv 00000278 003 of 003")', () => {
    expect(para(c, '9').text).not.toMatch(/00000278|003 of 003/);
  });
});

describe('page banners in the middle of a one-line paragraph', () => {
  const c = fixture('inline-banner.txt');

  it('are cut out and the sentence rejoined', () => {
    expect(para(c, '8').text).toContain('a 52 percent in robberies of businesses in Zona Sul');
    expect(para(c, '9').text).toContain('Like counter-insurgency, the population is the true center of gravity.');
    expect(c.signature).toBe('HEARNE');
  });
});

describe('missing SUBJECT line', () => {
  const c = fixture('no-subject.txt');

  it('gives subject null when header line 2 is only the ref id', () => {
    expect(c.subject).toBeNull();
  });

  it('has no preamble when nothing meaningful precedes ¶1', () => {
    expect(keys(c)).toEqual(['1', '2', '3', '4']);
  });

  it('still finds TAGS after a distribution line glued to E.O.', () => {
    expect(c.tags).toEqual(['PGOV', 'PREL', 'ECON', 'BR']);
  });

  it('splits a run-on ¶3 and reads "HEADING -----" as a heading', () => {
    expect(para(c, '3').text).toBe('Ambassador Reich observed that the US and Brazil share many values.');
    expect(para(c, '2').heading).toBe('RELATIONSHIP OFF ON THE RIGHT FOOT');
  });

  it('takes the subject from the body when the header has none', () => {
    const c2 = parseCable(cable(['SUBJECT: THE REAL SUBJECT', '', '¶1. (C) Text.'], '10TESTPOST1'), 'x.txt');
    expect(c2.subject).toBe('THE REAL SUBJECT');
  });
});

describe('a cable with no paragraph numbers at all', () => {
  const c = fixture('unnumbered.txt');

  it('keys its blank-line-separated blocks 1..n, prints no number for them, and reads their markings', () => {
    expect(keys(c)).toEqual(['0', '1', '2', '3']);
    expect(c.paragraphs.map((p) => p.number)).toEqual([null, null, null, null]);
    expect(c.paragraphs.map((p) => p.marking)).toEqual([null, 'SBU', 'S/NF', 'SBU']);
    expect(para(c, '2').text.startsWith('RSO stated the current threat levels')).toBe(true);
  });

  it('leaves the wrapped CLASSIFIED BY out of every paragraph', () => {
    for (const p of c.paragraphs) expect(p.text).not.toMatch(/CLASSIFIED BY|REASON: 1\.4/);
  });
});

describe('Classified By with ¶1 run onto it', () => {
  const c = fixture('classified-by-run-on.txt');

  it('keeps ¶1 and drops the classification authority', () => {
    expect(keys(c)).toEqual(['0', '1', '2']);
    expect(para(c, '1')).toMatchObject({ marking: 'C/NF' });
    expect(para(c, '1').text.startsWith('Summary: While Libya has a number')).toBe(true);
  });

  it('takes a stand-alone line between blank lines before a paragraph as its heading', () => {
    expect(para(c, '2').heading).toBe('AL-MEGRAHI’S CASE IS THE GOL’S MOST SENSITIVE AT PRESENT');
    expect(para(c, '1').text).not.toContain('AL-MEGRAHI’S CASE IS');
  });

  it('reads TAGS without a colon, separated by commas', () => {
    expect(c.tags).toEqual(['PREL', 'PGOV', 'PTER', 'LY', 'UK']);
    expect(c.classification).toBe('CONFIDENTIAL//NOFORN');
  });
});

describe('headings printed on the numbered line and underlined', () => {
  const c = fixture('numbered-headings.txt');

  it('become the heading, and the text below the paragraph text', () => {
    expect(para(c, '2').heading).toBe('The Regime’s Political Capital is Tanking');
    expect(para(c, '2').text.startsWith('Isaias’ popularity')).toBe(true);
    expect(para(c, '3').heading).toBe('The War Economy is Failing');
  });
});

describe('classified-website plugs and boxed headings', () => {
  const c = fixture('website-plug.txt');

  it('removes the plug and keeps the signature after it', () => {
    expect(c.signature).toBe('Stapleton');
    expect(para(c, '2').text).toBe(
      'Comment: Le Fraper clearly sees the USG as an indispensable player in the advocacy of human rights. End Comment.',
    );
  });

  it('reads a -------/Background/------- box as the heading', () => {
    expect(para(c, '1').heading).toBe('Background');
  });
});

describe('old telegrams sent in sections', () => {
  const c = fixture('repeated-section-header.txt');

  it('drop the routing header repeated in the middle of a paragraph', () => {
    expect(para(c, '3').text).toBe('MOOSA SAID THAT THE ANC WOULD NOT ACCEPT CONDITIONS ON MANDELA\'S RELEASE.');
    expect(keys(c)).toEqual(['0', '1', '2', '3', '4']);
    expect(c.signature).toBe('REDMAN');
    expect(c.date).toBe('1990-01-17');
  });
});

describe('paragraph numbers printed twice or out of order', () => {
  it('keeps both, the second with key "N.2"', () => {
    const c = parseCable(
      cable(['SUBJECT: X', '', '¶1. (C) One.', '', '¶2. (C) Two.', '', '¶2. (C) Two again.', '', '¶3. (C) Three.']),
      'x.txt',
    );
    expect(keys(c)).toEqual(['0', '1', '2', '2.2', '3']);
    expect(para(c, '2.2')).toMatchObject({ number: 2, text: 'Two again.' });
  });

  it('keeps gaps as printed (partial extracts) without inventing numbers', () => {
    const c = parseCable(cable(['SUBJECT: X', '', '¶2. (C) Two.', '', '¶5. (C) Five.', '', '¶6. (C) Six.']), 'x.txt');
    expect(keys(c)).toEqual(['0', '2', '5', '6']);
  });
});

describe('text before ¶1', () => {
  it('keeps a summary written before the numbering in the preamble', () => {
    const c = parseCable(
      cable(['SUBJECT: X', '', 'Summary: the point of this cable. End Summary.', '', '¶1. (C) Detail.']),
      'x.txt',
    );
    expect(para(c, '0').text).toBe('SUBJECT: X Summary: the point of this cable. End Summary.');
  });

  it('keeps redactions as they are', () => {
    const c = parseCable(cable(['SUBJECT: X', '', '¶1. (S) XXXXXXXXXXXX told us on May 2.']), 'x.txt');
    expect(para(c, '1').text).toBe('XXXXXXXXXXXX told us on May 2.');
  });
});
