/**
 * Furniture printed inside the prose: page banners, old telegram page tops, and posts' plugs
 * for their classified web sites. Each function returns the line without it.
 */

import { readNumberedLine } from './numbering.js';

/**
 * Page banners: "PHNOM PENH 00000246  004 OF 005", "MADRID 00002281 001.2 OF 002", alone on a
 * line or, in one-line-per-paragraph files, in mid-sentence. The post name in front of the
 * 8-digit serial is matched against the ref's post so that a capitalised word of prose before
 * it is not eaten with it.
 */
export function removeInlineBanners(line: string, post: string | null): string {
  return line.replace(
    /((?:[A-Z][A-Za-z.'()-]*\s+){0,4})\d{8}\s+\d{3}(?:\.\d)?\s+[Oo][Ff]\s+(?:\d{3}|\d{1,2}\.\.\.)/g,
    (_match, words: string) => {
      const kept = words.trim() === '' ? [] : words.trim().split(/\s+/);
      const eaten = postWordCount(kept, post);
      return `${kept.slice(0, kept.length - eaten).join(' ')} `;
    },
  );
}

/** How many trailing words of `words` spell (a prefix of) the post name. */
function postWordCount(words: string[], post: string | null): number {
  const squash = (ws: string[]) => ws.join('').toUpperCase().replace(/[^A-Z]/g, '');
  if (post) {
    for (let k = Math.min(words.length, 4); k >= 1; k--) {
      const spelled = squash(words.slice(words.length - k));
      if (spelled.length >= 3 && (post.startsWith(spelled) || spelled.startsWith(post))) return k;
    }
  }
  // Unknown post: take the upper-case words directly in front (post names are printed in caps).
  let k = 0;
  while (k < words.length && k < 3 && /^[A-Z.'-]+$/.test(words[words.length - 1 - k]!)) k++;
  return k;
}

/** 1990s telegram page tops: "PAGE 02 HARARE 06677 01 OF 03 291400Z", "PAGE 03 RUEHFRA0170 S E C R E T". */
export function removeOldPageMarks(line: string): string {
  if (/^\s*PAGE \d{2}\s+RUEH\w+\s/.test(line)) return '';
  return line.replace(/^\s*PAGE \d{2}\s+.*?\d{2} OF \d{2}\s+\d{6}Z\s*/, '').replace(/^ACTION\s+[A-Z]+-\d\d\s*$/, '');
}

/**
 * Posts' plugs for their classified web sites ("Please visit Paris' Classified Website at:"
 * and the URL on the next line). They are appended to the last paragraph and say nothing. A
 * signature the converter ran onto the URL line is handed back separately. A URL alone on a
 * line is only dropped right after a plug: elsewhere it is part of a paragraph
 * ("A word version of this document will be posted at www.state.sgov.gov/demarche.").
 */
export function stripBoilerplate(line: string, afterPlug: boolean): { keep: string; tail: string | null; isPlug: boolean } {
  const t = line.trim();
  // In one-line-per-paragraph files the plug is run onto the last paragraph: cut it off there.
  const runOn = /(?:^|\s)(?:Please\s+)?[Vv]isit\s[^.]{0,60}?[Cc]lassified\s+[Ww]eb\s?[Ss]ite\b.*$/.exec(t);
  const before = runOn ? t.slice(0, runOn.index).trim() : '';
  if (runOn && before !== '') {
    const numbered = readNumberedLine(before);
    // "¶15. (U) Visit Embassy Kiev's classified website at:" is a paragraph of its own; leave it be.
    if (numbered && numbered.rest.trim() === '') return { keep: line, tail: null, isPlug: false };
    return { keep: before, tail: signatureAfterUrl(runOn[0]), isPlug: true };
  }
  if (readNumberedLine(t) !== null) return { keep: line, tail: null, isPlug: false };
  const opensPlug =
    /classified\s+web\s?site/i.test(t) ||
    /^(?:Please\s+)?visit\b.{0,80}\b(?:at|site|blog|forum|portal):?$/i.test(t) ||
    /^For more reporting from .{1,40} visit:?$/i.test(t);
  const continuesPlug =
    afterPlug &&
    (/^(?:https?:\/\/|www\.|\(?www\.|gov\.gov\/)/i.test(t) ||
      /(?:sgov|intelink)\.gov/i.test(t) ||
      /^You can also access this site/i.test(t) ||
      /^Classified SIPRNET (?:web)?site\.?$/i.test(t) ||
      /SIPRNET home page/i.test(t));
  if (!opensPlug && !continuesPlug) return { keep: line, tail: null, isPlug: false };
  return { keep: '', tail: signatureAfterUrl(t), isPlug: true };
}

/** "... index. cfm Tuttle": the signature the converter ran onto the plug's URL. */
function signatureAfterUrl(text: string): string | null {
  const m = /(?:(?:\.gov|\.cfm|cfm)\S*(?:\s\S+)*?|\*{3,}|[Ww]ebsite\.?)\s+\/?\s*([A-Z][A-Za-z'-]+)$/.exec(text.trim());
  return m && m[1] && !/[/_:]/.test(m[1]) ? m[1] : null;
}
