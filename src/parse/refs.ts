/** Cited cables as the REF lines of a cable's preamble write them. */
/**
 * Reference ids on a preamble's REF lines, as the cables write them: "08PHNOMPENH123", "99 PRETORIA 12315",
 * "STATE 89241" or "Abu Dhabi 1384" (no year: the citing cable's own), made into ids ("08STATE89241"); ids print
 * serials without leading zeros ("MADRID 05480" is 86MADRID5480).
 */
const MONTH = /JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER/;

export function refIdsOnRefLines(preamble: string, year: string | null): string[] {
  const out: string[] = [];
  for (const m of preamble.matchAll(/\bREF(?:S|TEL|TELS)?\b\s*:?([\s\S]{0,600}?)(?=\bCLASSIFIED BY\b|\bSUBJECT\b|\bSUMMARY\b|¶|\n\s*\n|\b1\.\s|$)/gi)) {
    const block = m[1] ?? '';
    for (const c of block.matchAll(/\b(\d{2})([A-Z][A-Z-]*?)(\d{1,6})\b/g)) out.push(`${c[1]}${c[2]}${Number(c[3])}`);
    for (const c of block.matchAll(/(?:\b(\d{2})\s+)?\b([A-Za-z]{3}[A-Za-z .'-]{0,22}?)\s+(\d{1,6})\b/g)) {
      const post = c[2]!.replace(/[^A-Za-z]/g, '').toUpperCase();
      const yy = c[1] ?? year;
      if (yy && !/^(REF|AND|THE|PARA|PARAS|DATED|FROM)$/.test(post) && !MONTH.test(post)) out.push(`${yy}${post}${Number(c[3])}`);
    }
  }
  return out;
}

