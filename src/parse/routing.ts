/**
 * Cable metadata read from the telegram's own front matter (routing lines, classification
 * line, TAGS line). This is the only source for raw cables without the converter's five-line
 * header, and the only source of TAGS for every cable.
 */

import { isoDate, monthNumber } from './header.js';
import { BARE_DTG, CLASSIFICATION_LINE, DTG_LINE, TAGS_LINE, SUBJECT_LINE } from './patterns.js';

export interface RoutingMeta {
  /** "09PHNOMPENH246", from the classification line's post and serial plus the DTG's year. */
  ref: string | null;
  date: string | null;
  classification: string | null;
  origin: string | null;
  tags: string[];
}

export function readRouting(lines: readonly string[]): RoutingMeta {
  const dtg = findDtg(lines);
  const classLine = findClassificationLine(lines);
  return {
    ref: classLine && dtg ? `${dtg.yy}${classLine.post.replace(/[^A-Z]/g, '')}${Number(classLine.serial)}` : null,
    date: dtg ? dtg.iso : null,
    classification: classLine ? classification(classLine.word, lines) : null,
    origin: findOrigin(lines),
    tags: findTags(lines),
  };
}

interface Dtg {
  iso: string | null;
  yy: string;
}

/** "P 131052Z APR 09" → 2009-04-13. Two-digit years below 50 are 20xx (the corpus spans 1966–2010). */
function findDtg(lines: readonly string[]): Dtg | null {
  for (const line of lines) {
    const m = DTG_LINE.exec(line) ?? BARE_DTG.exec(line);
    if (!m || !m[1] || !m[3] || !m[4]) continue;
    const month = monthNumber(m[3]);
    if (month === null) continue;
    const yy = Number(m[4]);
    const year = yy < 50 ? 2000 + yy : 1900 + yy;
    return { iso: isoDate(year, month, Number(m[1])), yy: m[4] };
  }
  return null;
}

interface ClassLine {
  word: string;
  post: string;
  serial: string;
}

function findClassificationLine(lines: readonly string[]): ClassLine | null {
  for (const line of lines) {
    const m = CLASSIFICATION_LINE.exec(line);
    if (m && m[1] && m[4] && m[5]) return { word: m[1], post: m[4].toUpperCase(), serial: m[5] };
  }
  return null;
}

/**
 * "UNCLAS" + a SENSITIVE caveat is what the converter's header calls
 * "UNCLASSIFIED//FOR OFFICIAL USE ONLY"; a NOFORN caveat becomes "//NOFORN". Mirroring that
 * keeps headerless and headed copies of one cable filterable the same way.
 */
function classification(word: string, lines: readonly string[]): string {
  const squashed = word.replace(/\s+/g, '').toUpperCase();
  const base = squashed.startsWith('UNCLAS') ? 'UNCLASSIFIED' : squashed === 'TOPSECRET' ? 'TOP SECRET' : squashed;
  const caveats = lines.map((l) => l.trim().toUpperCase());
  if (base === 'UNCLASSIFIED' && caveats.some((l) => /^SENSITIVE\b/.test(l))) {
    return 'UNCLASSIFIED//FOR OFFICIAL USE ONLY';
  }
  if (base !== 'UNCLASSIFIED' && caveats.some((l) => /^NOFORN\b/.test(l))) return `${base}//NOFORN`;
  return base;
}

const SENDERS: Array<[RegExp, (place: string) => string]> = [
  [/^AMEMBASSY\s+(.+)$/, (p) => `Embassy ${titleCase(p)}`],
  [/^AMCONSUL\s+(.+)$/, (p) => `Consulate ${titleCase(p)}`],
  [/^SECSTATE\s+WASHDC$/, () => 'Secretary of State'],
  [/^USMISSION\s+UNVIE(?:\s+VIENNA)?$/, () => 'UNVIE'],
  [/^USMISSION\s+(.+)$/, (p) => `Mission ${titleCase(p)}`],
  [/^USEU\s+BRUSSELS$/, () => 'USEU Brussels'],
  [/^USINT\s+(.+)$/, (p) => `US Interests Section ${titleCase(p)}`],
  [/^(?:IRAN\s+)?RPO\s+(.+)$/, (p) => `Iran RPO ${titleCase(p)}`],
];

/** "FM AMEMBASSY PHNOM PENH" → "Embassy Phnom Penh", in the header's own wording. */
function findOrigin(lines: readonly string[]): string | null {
  for (const line of lines) {
    const m = /^FM\s+(.+?)\s*$/.exec(line);
    if (!m || !m[1]) continue;
    const sender = m[1].replace(/\s+\d+$/, '').replace(/\s+/g, ' ');
    for (const [re, name] of SENDERS) {
      const s = re.exec(sender);
      if (s) return name(s[1] ?? '');
    }
    return titleCase(sender);
  }
  return null;
}

/** Mission acronyms stay upper-case; place names are title-cased the way the header prints them. */
function titleCase(place: string): string {
  return place
    .split(' ')
    .map((w) => (/^(?:US[A-Z]+|UN[A-Z]+|OSCE|NATO|RPO)$/.test(w) ? w : w.charAt(0) + w.slice(1).toLowerCase()))
    .join(' ');
}

/**
 * "TAGS: PGOV PHUM" and "TAGS PREL, PGOV, PTER" → items. A long TAGS line wraps onto lines that
 * hold nothing but more tags ("EAIR, ABLD, SA, UK, YM"); those are read too.
 */
function findTags(lines: readonly string[]): string[] {
  const at = lines.findIndex((l) => TAGS_LINE.test(l) && /^TAGS\b\s*:?\s*[A-Za-z]{2}/i.test(l));
  if (at < 0) return [];
  let text = lines[at]!.replace(TAGS_LINE, '');
  for (let i = at + 1; i < lines.length; i++) {
    const next = lines[i]!.trim();
    if (!/^[A-Z]{2,6}(?:[\s,]+[A-Z]{2,6})*[\s,]*$/.test(next) || SUBJECT_LINE.test(next)) break;
    if (/^(?:NOFORN|EXDIS|NODIS|LIMDIS|STADIS)\b/.test(next)) break;
    text += ` ${next}`;
  }
  const tags: string[] = [];
  for (const token of text.split(/[\s,;]+/)) {
    const tag = token.replace(/[^A-Za-z0-9-]/g, '').toUpperCase();
    if (tag.length >= 2 && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}
