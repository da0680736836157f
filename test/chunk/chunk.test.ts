import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkCable, citationFor, parseCitation, segmentText, splitSentences, wordCount } from '../../src/chunk/index.js';
import { parseCable } from '../../src/parse/index.js';

const text = (t: string, spans: { start: number; end: number }[]) => spans.map((s) => t.slice(s.start, s.end));

describe('citations', () => {
  it('are human-readable and URL-safe, and parse back from either form', () => {
    const c = citationFor('09PHNOMPENH246', '14');
    expect(c.label).toBe('09PHNOMPENH246 ¶14');
    expect(c.slug).toBe('09PHNOMPENH246/14');
    expect(encodeURIComponent(c.slug).replace('%2F', '/')).toBe(c.slug);
    expect(parseCitation('09PHNOMPENH246 ¶14')).toEqual(c);
    expect(parseCitation('09PHNOMPENH246/14')).toEqual(c);
    expect(parseCitation('not a citation')).toBeNull();
  });

  it('of a cable that prints no paragraph numbers say the paragraph was counted, not printed', () => {
    const file = join(import.meta.dirname, '..', 'fixtures', 'cables', 'unnumbered.txt');
    const chunks = chunkCable(parseCable(readFileSync(file, 'utf8'), file), { segmentWords: 120 });
    const second = chunks.find((c) => c.paragraph.key === '2')!;
    expect(second.citation.label).toBe('10CARACAS107 paragraph 2 (unnumbered)');
    expect(second.citation.counted).toBe(true);
    expect(parseCitation(second.citation.label)).toEqual(second.citation);
    // The preamble of the same cable keeps its usual key and label.
    expect(chunks.find((c) => c.paragraph.key === '0')?.citation.label).toBe('10CARACAS107 ¶0');
  });
});

describe('sentences', () => {
  it('do not break on the abbreviations cables are full of', () => {
    const t = 'The U.S. Amb. met Gen. Smith on Jan. 5 in Phnom Penh. He said No. 3 was ready. Then John F. Kennedy Jr. spoke.';
    expect(text(t, splitSentences(t))).toEqual([
      'The U.S. Amb. met Gen. Smith on Jan. 5 in Phnom Penh.',
      'He said No. 3 was ready.',
      'Then John F. Kennedy Jr. spoke.',
    ]);
  });

  it('keep numbers with thousands separators and decimals inside the sentence', () => {
    const t = 'In January 2009, 32,249 illegal migrants were returned. About 1.5 percent were children.';
    expect(text(t, splitSentences(t))).toEqual(['In January 2009, 32,249 illegal migrants were returned.', 'About 1.5 percent were children.']);
  });

  it('end before a talking point run into the paragraph with a dash, so one point is marked, not the list', () => {
    const t = 'Our contact is meant to inform our decisions. -- Convey our concern for the crew. -- Explain the threat.';
    expect(text(t, splitSentences(t))).toEqual(['Our contact is meant to inform our decisions.', '-- Convey our concern for the crew.', '-- Explain the threat.']);
  });
});

describe('segments', () => {
  it('cover every sentence of a paragraph longer than the embedder limit, so its last sentence is still embedded', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} talks about border crossing point ${i} in some detail here.`);
    const para = sentences.join(' ');
    const segs = segmentText(para, 40);
    expect(segs.length).toBeGreaterThan(5);
    for (const s of segs) expect(wordCount(para.slice(s.start, s.end))).toBeLessThanOrEqual(40);
    const joined = text(para, segs).join(' ');
    expect(joined).toBe(para);
    expect(para.slice(segs.at(-1)!.start, segs.at(-1)!.end)).toContain('border crossing point 29');
  });

  it('cut one over-long sentence into overlapping windows rather than truncating it', () => {
    const para = Array.from({ length: 250 }, (_, i) => `w${i}`).join(' ');
    const segs = segmentText(para, 100);
    expect(segs.length).toBeGreaterThanOrEqual(3);
    expect(para.slice(segs.at(-1)!.start, segs.at(-1)!.end)).toMatch(/w249$/);
    for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBeLessThan(segs[i - 1]!.end);
  });
});
