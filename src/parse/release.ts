/**
 * What the release's two download layouts (cables.csv rows, the HTML tree's pages) have in common:
 * a cable comes as routing header + body, with its ref, date, classification and origin printed
 * beside the text rather than in it. Both are turned into a Cable here, by the same parser the
 * txt layout goes through, so that one cable gives the same paragraphs whichever way it came.
 */

import type { Cable } from '../domain.js';
import { parseCableDetailed } from './cable.js';
import { isoDate } from './header.js';

export interface ReleasedCable {
  ref: string;
  /** Already read into ISO form ("2009-04-13"), or null when the source's field is missing or unreadable. */
  date: string | null;
  classification: string | null;
  origin: string | null;
  /** The routing header (VZCZC…, FM/TO/INFO), possibly empty. */
  routing: string;
  body: string;
  /** Referenced cables, when the source lists them (the CSV's sixth column). */
  references?: string[];
}

/**
 * Routing header + body → Cable. The fields the source prints beside the text win over what the
 * routing lines say (a user filters on the release's own date and classification).
 *
 * The two parts are joined with a line end, which is what two fields are. The txt layout's
 * converter glued them ("STATE GRNCUNCLASSIFIED BUENOS AIRES 2481"); the parser undoes that
 * glue (glued.ts), and the three-way agreement test shows both give the same paragraphs.
 *
 * Throws CableParseError (named with `fileName`) when the text holds no cable.
 */
export function parseReleasedCable(r: ReleasedCable, fileName: string): Cable {
  const text = r.routing.trim() === '' ? r.body : `${r.routing}\n${r.body}`;
  const { cable } = parseCableDetailed(text, fileName, {
    ref: r.ref,
    date: r.date,
    classification: emptyToNull(r.classification),
    origin: emptyToNull(r.origin),
  });
  return r.references === undefined ? cable : { ...cable, references: r.references };
}

function emptyToNull(s: string | null): string | null {
  const t = s?.trim() ?? '';
  return t === '' ? null : t;
}

/**
 * "12/28/1966 18:06" (the CSV's created column) or "1966-12-28 18:06" (the HTML table's) →
 * "1966-12-28". Only the calendar date is kept, as the txt layout's header keeps it: converting
 * the time to another zone would move some cables to the next or previous day.
 */
export function releaseDate(s: string): string | null {
  const t = s.trim();
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(t);
  if (us) return isoDate(Number(us[3]), Number(us[1]), Number(us[2]));
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(t);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  return null;
}
