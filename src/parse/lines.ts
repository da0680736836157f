/**
 * Line-level clean-up of a cable body, before any structure is read from it.
 *
 * The release converters left two kinds of damage that every later step would otherwise have
 * to know about:
 *  - things glued together that were separate lines in the telegram (the classification line
 *    glued to the last routing address, "E.o. ... Tags: ... Subject: ..." on one line, the next
 *    paragraph "2. (C)" run on after the previous sentence, a heading run on after a paragraph);
 *  - furniture printed inside the prose (page banners "PHNOM PENH 00000246  004 OF 005", SIPDIS
 *    tokens, "partial extract" notices, classified-website plugs, page classification lines).
 *
 * This module undoes both and hands back trimmed lines. Removing a banner must not split the
 * paragraph it interrupted, so the blank lines around removed furniture are dropped too, unless
 * the text before it had visibly finished a sentence.
 */

import {
  CLASSIFICATION_LINE,
  CLASSIFICATION_ONLY,
  EO_LINE,
  GLUED_CLASSIFICATION_LINE,
  REF_LINE,
  SUBJECT_LINE,
  WEEKDAY_STAMP,
  endsSentence,
  readMarking,
} from './patterns.js';
import { readNumberedLine } from './numbering.js';
import { markRepeatedSectionHeaders } from './sections.js';

export interface Line {
  text: string;
  /**
   * True when this line was cut out of the middle of a printed line because a numbered,
   * marked paragraph ("... end. 2. (C) Next ...") had been run on there.
   */
  midline: boolean;
}

/** Table markup left by the HTML viewer pages ("<br>", "</td></tr>"). */
const HTML_TAG = /<\/?(?:br|td|tr|table|tbody|p|div|span|pre|strong|b|i|em|u|font)\b[^>]*>/gi;

const PARTIAL_EXTRACT =
  /This record is a partial extract of the original cable\.\s*The full text of the original cable is not available\.?/g;

export interface CleanOptions {
  /** Post part of the ref id ("PHNOMPENH" for 09PHNOMPENH246), to recognise page banners. */
  post: string | null;
}

export function cleanBody(raw: readonly string[], options: CleanOptions): Line[] {
  let lines = raw
    .join('\n')
    .replace(PARTIAL_EXTRACT, '\n')
    .replace(new RegExp(`(\\S)(${WEEKDAY_STAMP.source})`, 'g'), '$1\n$2')
    .split('\n');
  lines = splitGluedHeaderLines(lines);
  lines = lines.flatMap(splitRunOnHeading);

  const out: Array<{ text: string; midline: boolean; furniture: boolean }> = [];
  let inPlug = false;
  for (const original of lines) {
    const wasBlank = original.trim() === '';
    let text = removeOldPageMarks(removeInlineBanners(original, options.post));
    text = text.replace(/\bSIPDIS\b/gi, ' ').replace(HTML_TAG, ' ');
    const plug = stripBoilerplate(text, inPlug);
    if (!wasBlank) inPlug = plug.isPlug;
    const { keep, tail } = plug;
    text = keep.replace(/\s+$/, '').replace(/^\s+/, '');
    const furniture = !wasBlank && (text === '' || CLASSIFICATION_ONLY.test(text));
    if (furniture) {
      out.push({ text: '', midline: false, furniture: true });
    } else {
      splitRunOnParagraphs(text).forEach((piece, i) => out.push({ text: piece, midline: i > 0, furniture: false }));
    }
    if (tail) out.push({ text: tail, midline: false, furniture: false });
  }
  markRepeatedSectionHeaders(out);
  return closeGaps(out);
}

/**
 * Removing furniture leaves the blank lines that framed it. When the text before it stops
 * mid-sentence the paragraph continues after it, so those blanks go; otherwise one blank stays
 * so that a heading or a new paragraph after a page break is still seen as such.
 */
function closeGaps(lines: Array<{ text: string; midline: boolean; furniture: boolean }>): Line[] {
  const result: Line[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.text !== '' || (!line.furniture && !runHasFurniture(lines, i))) {
      result.push({ text: line.text, midline: line.midline });
      i++;
      continue;
    }
    let j = i;
    let hadBlank = false;
    while (j < lines.length && lines[j]!.text === '') {
      if (!lines[j]!.furniture) hadBlank = true;
      j++;
    }
    const before = result.length > 0 ? result[result.length - 1]!.text : '';
    if (hadBlank && (before === '' || endsSentence(before))) result.push({ text: '', midline: false });
    i = j;
  }
  return result;
}

function runHasFurniture(lines: ReadonlyArray<{ text: string; furniture: boolean }>, from: number): boolean {
  for (let j = from; j < lines.length && lines[j]!.text === ''; j++) if (lines[j]!.furniture) return true;
  return false;
}

/**
 * Before the SUBJECT line: put the classification line back on its own line, and split lines
 * like "E.o. 12958: ... Tags: ... Subject: ..." (partial extracts) or "DEPARTMENT FOR WHA E.O.
 * 12958: ... TAGS: ..." into one line per item.
 */
function splitGluedHeaderLines(lines: string[]): string[] {
  const out: string[] = [];
  let inFront = true;
  for (const line of lines) {
    const t = line.trim();
    if (REF_LINE.test(t)) {
      // "REF: ASUNCION 396 Classified By: AMBASSADOR ..." — two front-matter items on one line.
      out.push(...t.split(/\s+(?=Classified\s+By\s*:)/i));
      continue;
    }
    if (!inFront) {
      out.push(line);
      continue;
    }
    const m = CLASSIFICATION_LINE.test(t) ? null : GLUED_CLASSIFICATION_LINE.exec(t);
    const pieces = m && m[1] && m[2] ? [m[1], m[2]] : [t];
    for (const piece of pieces) {
      const items = piece.split(/\s+(?=(?:E\.\s?O\.\s?1\d{4}|EO\s1\d{4}|TAGS\s*:|SUBJ(?:ECT)?\s*:))/i);
      for (const item of items) {
        if (SUBJECT_LINE.test(item)) {
          inFront = false;
          out.push(...item.split(/\s+(?=(?:Classified\s+By|REF|REFS|REFTEL|REFTELS)\s*:)/i));
        } else if (EO_LINE.test(item)) {
          out.push(...item.split(/\s+(?=TAGS\b\s*:?\s*[A-Za-z]{2})/i));
        } else {
          out.push(item);
        }
      }
    }
  }
  return out;
}

const DASHES = String.raw`[-—–]{5,}[-—– ]*`;
/** "... sentence. ----- Combined with Operational Cooperation -----" */
const BOXED_RUN_ON = new RegExp(String.raw`^(.*?[^-—–\s])?\s*${DASHES}\s+(\S.{1,88}?)\s+${DASHES}$`);
/** "... sentence. Seeking Commercial Advice ————————" */
const UNDERLINED_RUN_ON = new RegExp(String.raw`^(.*[.!?")”])\s+([A-Z][^.!?]{1,88}?)\s+${DASHES}$`);
/**
 * Any other line ending in a rule: "Comment -------", "Comment-------", "¶11. (C) -----" (top
 * of a boxed heading), "END NOTE. -----" (a separator). The rule goes on its own line; whether
 * it underlines a heading is decided with the lines around it (headings.ts).
 */
const TRAILING_RULE = new RegExp(String.raw`^([^-—–\s].*?)\s*${DASHES}$`);

/** Headings whose underline the converter joined onto the heading or onto the paragraph before. */
function splitRunOnHeading(line: string): string[] {
  const t = line.trim();
  const rule = '-----';
  let m = BOXED_RUN_ON.exec(t);
  if (m && m[2]) return m[1] ? [m[1], rule, m[2], rule] : [rule, m[2], rule];
  m = UNDERLINED_RUN_ON.exec(t);
  if (m && m[1] && m[2] && m[1].length > 90) return [m[1], m[2], rule];
  m = TRAILING_RULE.exec(t);
  if (m && m[1]) return [m[1], rule];
  return [line];
}

/**
 * Page banners: "PHNOM PENH 00000246  004 OF 005", "MADRID 00002281 001.2 OF 002", alone on a
 * line or, in one-line-per-paragraph files, in mid-sentence. The post name in front of the
 * 8-digit serial is matched against the ref's post so that a capitalised word of prose before
 * it is not eaten with it.
 */
function removeInlineBanners(line: string, post: string | null): string {
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
function removeOldPageMarks(line: string): string {
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
function stripBoilerplate(line: string, afterPlug: boolean): { keep: string; tail: string | null; isPlug: boolean } {
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

/**
 * "... he said. 2. (C) Next paragraph ..." — a numbered paragraph run onto the end of the
 * previous one. Split only where a sentence has ended and the number is followed by a genuine
 * portion marking; whether the number really continues the sequence is decided later.
 */
function splitRunOnParagraphs(text: string): string[] {
  const pieces: string[] = [];
  const re = /([.!?")\]”’])\s+(\d{1,2})\s?\.\s?(?=\()/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index + m[1]!.length;
    const after = text.slice(at).trimStart().replace(/^\d{1,2}\s?\.\s?/, '');
    const marking = readMarking(after);
    // "... REASON: 1.4(D) 1. (C)" with nothing after: a stray copy of the next line's start.
    if (!marking || marking.after.trim() === '') continue;
    pieces.push(text.slice(start, at).trim());
    start = at;
  }
  pieces.push(text.slice(start).trim());
  return pieces.filter((p, i) => p !== '' || i === 0);
}
