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
    expect(para('2').heading).toBe('Embassy and Police Joint Visit to Poipet Border Crossing');
    expect(para('4').heading).toBe('Embassy and Police Joint Visit to Poipet Border Crossing');
    expect(para('5').heading).toBe('Banteay Meanchey Police Working Group');
    expect(para('6').heading).toBe('Need for More Collaboration with Immigration and Border Officials');
    expect(para('9').heading).toBe('Banteay Meanchey Anti-TIP Unit Willingness High, Capability Low');
    expect(para('10').heading).toBe('Poipet Transit Center');
    expect(para('19').heading).toBe('Porous Border Points Permit More Than Trafficking in Persons');
    expect(para('20').heading).toBe('Comment');
  });

  it('removes page banners and carries the paragraph on across them', () => {
    for (const key of ['5', '10', '14', '19']) {
      expect(para(key).text).not.toMatch(/PHNOM PENH|0000246|OF 005/);
    }
    expect(para('5').text).toContain("group's first goal will be to arrest three or four recruiters");
    expect(para('10').text).toContain("visited the O'Chrov district office of the MOSAVY Poipet Transition Center");
    expect(para('10').text).toContain('the center can house about 10 children at a time');
    expect(para('14').text).toContain('a husband and wife pair of recruiters in 2003; however');
    expect(para('19').text).toContain('seemed to be crossing the border illegally');
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
