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
 * This module runs both repairs (glued.ts, furniture.ts, sections.ts) and hands back trimmed
 * lines. Removing a banner must not split the paragraph it interrupted, so the blank lines
 * around removed furniture are dropped too, unless the text before it had visibly finished a
 * sentence.
 */

import { removeInlineBanners, removeOldPageMarks, stripBoilerplate } from './furniture.js';
import { splitGluedHeaderLines, splitRunOnHeading, splitRunOnParagraphs } from './glued.js';
import { CLASSIFICATION_ONLY, WEEKDAY_STAMP, endsSentence } from './patterns.js';
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
