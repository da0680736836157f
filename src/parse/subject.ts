/**
 * Choosing the cable's subject between the converter's header line 2 and the body's SUBJECT line.
 *
 * Line 2 is an upper-cased copy of only the first line of the SUBJECT, so a subject wrapped over
 * two lines ("... HIGHLIGHT TIP" / "CHALLENGES, STRATEGIES") is cut short there; the body line is
 * complete but sometimes oddly cased ("Subject: turkish p.m. Erdogan goes to washington").
 */

import { readMarking } from './patterns.js';

/** Longer than any real subject in the corpus; line 2 that long is a run of body text. */
const MAX_SUBJECT = 150;

/**
 * Cuts what the converter glued onto a subject ("... IMPLICATIONS Classified By: ...",
 * "... PROCESSING  REF: MOSCOW 00079") and drops a leading portion marking "(C)".
 */
function cleanSubject(raw: string | null): string | null {
  if (raw === null) return null;
  let s = raw.replace(/\s+/g, ' ').trim();
  const cut = /\s(?:Classified\s+By|Derived\s+From|REF|REFS|REFTEL|REFTELS)\s*:/i.exec(s);
  if (cut) s = s.slice(0, cut.index).trim();
  const marking = readMarking(s);
  if (marking) s = marking.after.trim();
  s = s.replace(/\s*\.\.\.$/, '...');
  if (!s || s.length >= MAX_SUBJECT) return null;
  return s;
}

function comparable(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]+/g, ' ').trim();
}

export function chooseSubject(fromHeader: string | null, fromBody: string | null): string | null {
  const header = cleanSubject(fromHeader);
  const body = cleanSubject(fromBody);
  if (header === null) return body;
  if (body === null) return header;
  const h = comparable(header);
  const b = comparable(body);
  // The body line wins only when it completes the header's truncated copy.
  if (b.length > h.length && b.startsWith(h)) return body;
  return header;
}
