/**
 * The five-line header that the corpus converter puts on top of each cable:
 *
 *   09PHNOMPENH246
 *   CAMBODIA BORDER CROSSING VISITS HIGHLIGHT TIP        (subject, or the ref id when none)
 *   Mon Apr 13 00:00:00 +0200 2009
 *   UNCLASSIFIED//FOR OFFICIAL USE ONLY
 *   Embassy Phnom Penh
 *
 * Raw cables (straight from a release, no converter) have no such header; then every field
 * comes from the routing lines instead (see routing.ts).
 */

export interface FiveLineHeader {
  ref: string;
  /** Line 2 as printed, unless it merely repeats the ref id (see subject.ts for cleaning). */
  subject: string | null;
  date: string | null;
  classification: string | null;
  origin: string | null;
}

export const REF_ID = /^\d{2}[A-Z][A-Z-]*\d+$/;
const HEADER_DATE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) \d{2}:\d{2}:\d{2} [+-]\d{4} (\d{4})$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Month abbreviation (any case) → 1..12, or null. */
export function monthNumber(abbrev: string): number | null {
  const i = MONTHS.indexOf(abbrev.slice(0, 3).toUpperCase());
  return i < 0 ? null : i + 1;
}

export function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * "Mon Apr 13 00:00:00 +0200 2009" → "2009-04-13". The printed calendar date is the cable's
 * date; converting the timestamp to UTC would move it to the 12th.
 */
function parseHeaderDate(line: string): string | null {
  const m = HEADER_DATE.exec(line.trim());
  if (!m || !m[1] || !m[2] || !m[3]) return null;
  const month = monthNumber(m[1]);
  return month === null ? null : isoDate(Number(m[3]), month, Number(m[2]));
}

/** Returns the header when the first five lines have its shape, else null. */
export function readFiveLineHeader(lines: readonly string[]): FiveLineHeader | null {
  const [ref, line2, dateLine, classification, origin] = lines.map((l) => l.trim());
  if (!ref || !REF_ID.test(ref) || dateLine === undefined) return null;
  const date = parseHeaderDate(dateLine);
  if (date === null) return null;
  return {
    ref,
    // The converter fills line 2 with the ref id when the cable has no SUBJECT line.
    subject: line2 && line2 !== ref ? line2 : null,
    date,
    classification: classification || null,
    origin: origin || null,
  };
}
