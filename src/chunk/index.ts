/**
 * Chunking: one chunk per paragraph (the unit a user cites), and inside it the segments the embedder sees.
 *
 * Segments exist because embedding models have an input limit and silently truncate beyond it: a
 * paragraph longer than the limit must still be findable by its last sentence. Segments are runs of whole
 * sentences packed up to a word budget; dense scores of segments are projected back onto their paragraph.
 */
import type { Cable, Citation, Paragraph, Span } from '../domain.js';
import { splitSentences, wordCount } from './sentences.js';

export { splitSentences, wordCount } from './sentences.js';

export interface Chunk {
  citation: Citation;
  paragraph: Paragraph;
  /** Position of the paragraph in its cable (0-based), to keep document order. */
  ord: number;
  /** Embedding units: spans of `paragraph.text`, in order, covering every sentence. */
  segments: Span[];
}

/** Paragraph keys are "14", "0" (preamble) or "14.2" (second paragraph printed as ¶14). */
export function citationFor(ref: string, key: string, counted = false): Citation {
  // A "¶3" the cable never printed would send a reader looking for a "3." that is not there.
  if (counted) return { ref, key, label: `${ref} paragraph ${key} (unnumbered)`, slug: `${ref}/${key}`, counted: true };
  return { ref, key, label: `${ref} ¶${key}`, slug: `${ref}/${key}` };
}

/** The citation of a stored or parsed paragraph: counted when it has a key but no printed number. */
export function citationOf(ref: string, p: { key: string; number: number | null }): Citation {
  return citationFor(ref, p.key, p.number === null && p.key !== '0');
}

/**
 * Parse a citation in any of its forms ("09PHNOMPENH246 ¶14", "09PHNOMPENH246/14",
 * "75STATE1234 paragraph 3 (unnumbered)"); null when it is none of them.
 */
export function parseCitation(text: string): Citation | null {
  const m = /^\s*([0-9]{2}[A-Z][A-Z0-9-]*?[0-9]+)\s*(?:¶\s*|\/)([0-9]+(?:\.[0-9]+)?)\s*$/.exec(text);
  if (m) return citationFor(m[1]!, m[2]!);
  const c = /^\s*([0-9]{2}[A-Z][A-Z0-9-]*?[0-9]+)\s+paragraph\s+([0-9]+)\s+\(unnumbered\)\s*$/.exec(text);
  return c ? citationFor(c[1]!, c[2]!, true) : null;
}

/**
 * Default word budget per segment (USE-lite's own limit). Shorter segments were measured and not taken: at 40
 * words the seed cable's tune questions gained (dense hit@5 0.86 → 0.92) but over the 1,295-cable corpus
 * dense search lost (hit@5 0.47 → 0.40: more, shorter segments give more chance matches in unrelated
 * cables), and ingest embedded 66,877 segments instead of 23,528, taking 1.75× as long.
 */
export const SEGMENT_WORDS = 120;

/**
 * Bumped whenever sentence splitting or segment packing changes, so an index built by an older chunker
 * re-cuts its cables on the next ingest (vectors are stored by segment text, so only segments whose text
 * changed are embedded again). 2: run-in talking points (". -- Convey …") are sentences of their own.
 */
export const CHUNKER_VERSION = 2;

export interface ChunkOptions {
  /** Word budget per segment; keep well under the embedder's `maxWords`. */
  segmentWords: number;
}

export function chunkCable(cable: Cable, opts: ChunkOptions): Chunk[] {
  return cable.paragraphs.map((paragraph, ord) => ({
    citation: citationOf(cable.ref, paragraph),
    paragraph,
    ord,
    segments: segmentText(paragraph.text, opts.segmentWords),
  }));
}

/** Pack whole sentences into spans of at most `budget` words; a longer sentence is cut into word windows. */
export function segmentText(text: string, budget: number): Span[] {
  const out: Span[] = [];
  let cur: Span | null = null;
  let curWords = 0;
  for (const s of splitSentences(text)) {
    const n = wordCount(text.slice(s.start, s.end));
    if (n > budget) {
      if (cur) out.push(cur);
      cur = null;
      curWords = 0;
      out.push(...wordWindows(text, s, budget));
      continue;
    }
    if (cur && curWords + n <= budget) {
      cur = { start: cur.start, end: s.end };
      curWords += n;
    } else {
      if (cur) out.push(cur);
      cur = { ...s };
      curWords = n;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Overlapping windows so a fact straddling a cut is whole in at least one window. */
function wordWindows(text: string, span: Span, budget: number): Span[] {
  const words: Span[] = [];
  const re = /\S+/g;
  const slice = text.slice(span.start, span.end);
  for (let m = re.exec(slice); m; m = re.exec(slice)) {
    words.push({ start: span.start + m.index, end: span.start + m.index + m[0].length });
  }
  const step = Math.max(1, Math.floor(budget * 0.75));
  const out: Span[] = [];
  for (let i = 0; i < words.length; i += step) {
    const last = Math.min(words.length, i + budget) - 1;
    out.push({ start: words[i]!.start, end: words[last]!.end });
    if (last === words.length - 1) break;
  }
  return out;
}
