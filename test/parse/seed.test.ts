import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cable, Paragraph } from '../../src/domain.js';
import { parseCableFile } from '../../src/parse/index.js';

const seedPath = fileURLToPath(new URL('../../data/cables/09PHNOMPENH246.txt', import.meta.url));

let cable: Cable;
const para = (key: string): Paragraph => {
  const p = cable.paragraphs.find((x) => x.key === key);
  if (!p) throw new Error(`no paragraph ${key}`);
  return p;
};

beforeAll(async () => {
  cable = await parseCableFile(seedPath);
});

describe('seed cable 09PHNOMPENH246', () => {
  it('reads the header fields', () => {
    expect(cable.ref).toBe('09PHNOMPENH246');
    expect(cable.date).toBe('2009-04-13');
    expect(cable.classification).toBe('UNCLASSIFIED//FOR OFFICIAL USE ONLY');
    expect(cable.origin).toBe('Embassy Phnom Penh');
    expect(cable.tags).toEqual(['PGOV', 'PHUM', 'PREL', 'KTIP', 'KWMN', 'EAID', 'TH', 'VN', 'CB']);
  });

  it('takes the full two-line SUBJECT, not the truncated header copy', () => {
    expect(cable.subject).toBe('CAMBODIA BORDER CROSSING VISITS HIGHLIGHT TIP CHALLENGES, STRATEGIES');
  });

  it('has the preamble and ¶1..¶20 in order, keyed by printed number', () => {
    expect(cable.paragraphs.map((p) => p.key)).toEqual(['0', ...Array.from({ length: 20 }, (_, i) => String(i + 1))]);
    expect(cable.paragraphs.slice(1).map((p) => p.number)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('keeps the SUBJECT as an un-numbered preamble, without routing junk', () => {
    const pre = para('0');
    expect(pre).toMatchObject({ number: null, heading: null, marking: null });
    expect(pre.text).toBe('SUBJECT: CAMBODIA BORDER CROSSING VISITS HIGHLIGHT TIP CHALLENGES, STRATEGIES');
  });

  it('assigns each paragraph the dash-underlined heading above it', () => {
    expect(para('1').heading).toBeNull();
    const headings: [string, string][] = [
      ['2', 'Embassy and Police Joint Visit to Poipet Border Crossing'],
      ['4', 'Embassy and Police Joint Visit to Poipet Border Crossing'],
      ['5', 'Banteay Meanchey Police Working Group'],
      ['6', 'Need for More Collaboration with Immigration and Border Officials'],
      ['9', 'Banteay Meanchey Anti-TIP Unit Willingness High, Capability Low'],
      ['10', 'Poipet Transit Center'],
      ['19', 'Porous Border Points Permit More Than Trafficking in Persons'],
      ['20', 'Comment'],
    ];
    for (const [key, heading] of headings) expect(para(key).heading, `¶${key}`).toBe(heading);
  });

  it('removes page banners and carries the paragraph on across them', () => {
    const carried: [string, string][] = [
      ['5', "group's first goal will be to arrest three or four recruiters"],
      ['10', "visited the O'Chrov district office of the MOSAVY Poipet Transition Center"],
      ['10', 'the center can house about 10 children at a time'],
      ['14', 'a husband and wife pair of recruiters in 2003; however'],
      ['19', 'seemed to be crossing the border illegally'],
    ];
    for (const [key, text] of carried) {
      expect(para(key).text, `¶${key}`).not.toMatch(/PHNOM PENH|0000246|OF 005/);
      expect(para(key).text, `¶${key}`).toContain(text);
    }
  });

  it('takes the signature out of the last paragraph', () => {
    expect(cable.signature).toBe('RODLEY');
    expect(para('20').text).not.toContain('RODLEY');
    expect(para('20').text.endsWith('through increased cooperation with NGOs and civil society partners.')).toBe(true);
  });

  it('gives clean text: marking and number stripped, lines joined with single spaces', () => {
    for (const p of cable.paragraphs.slice(1)) {
      expect(p.marking).toBe('SBU');
      expect(p.text).not.toMatch(/^\(|^¶|^\d+\.|\n| {2}|\(SBU\)/);
    }
    expect(para('1').text.startsWith('Summary: Cambodian National Police officials from the Anti-Human')).toBe(true);
  });
});
