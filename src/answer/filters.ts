/**
 * Filters typed into the question, e.g. `tag:KTIP origin:"Phnom Penh" after:2008-01 who was removed?`.
 * They are taken out of the question before it is searched, and merged with filters sent by the API
 * (typed ones win, since the user typed them last).
 */
import type { Filters } from '../domain.js';

const KEYS = ['origin', 'after', 'before', 'classification', 'tag', 'cable'] as const;
const RE = new RegExp(`\\b(${KEYS.join('|')}):(?:"([^"]*)"|(\\S+))`, 'gi');

export function extractFilters(question: string): { question: string; filters: Filters } {
  const filters: Filters = {};
  const rest = question.replace(RE, (_m, key: string, quoted: string | undefined, bare: string | undefined) => {
    const value = (quoted ?? bare ?? '').trim();
    if (value) filters[key.toLowerCase() as (typeof KEYS)[number]] = value;
    return ' ';
  });
  return { question: rest.replace(/\s+/g, ' ').trim(), filters };
}

/** Date filter values must be ISO prefixes; anything else would silently match nothing. */
export function filterProblem(f: Filters): string | null {
  for (const k of ['after', 'before'] as const) {
    const v = f[k];
    if (v !== undefined && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) return `${k}:${v} is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD (e.g. ${k}:2008-01)`;
  }
  return null;
}

export function describeFilters(f: Filters): string {
  return Object.entries(f)
    .map(([k, v]) => `${k}:${/\s/.test(String(v)) ? `"${v}"` : v}`)
    .join(' ');
}
