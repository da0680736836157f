/**
 * Filters given with a question: checked before anything is searched, and described back to the user.
 * (Typed ones are read out of the question with it: retrieve/query.ts.)
 */
import type { Filters } from '../domain.js';

/** Date filter values must be ISO prefixes; anything else would silently match nothing. */
export function filterProblem(f: Filters): string | null {
  // `origin:"Phnom Penh` without its closing quote is read as origin `"Phnom`, which would match nothing.
  for (const [k, v] of Object.entries(f)) {
    if (typeof v === 'string' && v.startsWith('"')) return `${k}:${v} opens a quote that is not closed: write ${k}:${v}…" with the closing quote (e.g. origin:"Phnom Penh")`;
  }
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
