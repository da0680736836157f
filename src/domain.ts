/**
 * The domain vocabulary shared by every stage of the pipeline
 * (parse → chunk → embed → index → retrieve → answer → serve).
 * Only types live here, so any module can import them without pulling in code.
 */

/** One cable, as parsed from one file. */
export interface Cable {
  /** Reference id, e.g. "09PHNOMPENH246". Unique key of a cable in an index. */
  ref: string;
  subject: string | null;
  /** ISO 8601 date ("2009-04-13") or null when the file gives none. */
  date: string | null;
  /** Overall classification as printed, e.g. "UNCLASSIFIED//FOR OFFICIAL USE ONLY", "SECRET". */
  classification: string | null;
  /** Sending post, e.g. "Embassy Phnom Penh". */
  origin: string | null;
  /** TAGS line split into items, e.g. ["PGOV", "PHUM", "KTIP"]. */
  tags: string[];
  /** Signature line (usually the ambassador's surname), when present. */
  signature: string | null;
  /** Paragraphs in document order; the preamble (SUBJECT/REF/summary before ¶1), if any, comes first. */
  paragraphs: Paragraph[];
  /**
   * Reference ids of the cables this one cites, as the source lists them (the release CSV's
   * referenced-cables column). Absent when the source has no such list (txt files, HTML pages);
   * an empty list means the source says it cites none.
   */
  references?: string[];
}

export interface Paragraph {
  /**
   * Printed number (`¶14` → 14); null for the un-numbered preamble chunk, and for every paragraph of a cable
   * that prints no numbers (those are keyed by position, 1..n: see Citation.counted).
   */
  number: number | null;
  /**
   * Stable key of this paragraph inside its cable, used in citations:
   * "14" for ¶14, "0" for the preamble, "14.2" for a second paragraph printed with the same number.
   */
  key: string;
  /** Section heading the paragraph falls under (the dash-underlined line above it), or null. */
  heading: string | null;
  /** Portion marking without parentheses, e.g. "SBU", "C", "S/NF"; null when unmarked. */
  marking: string | null;
  /** Clean text: banners removed, wrapped lines joined with single spaces, marking and number stripped. */
  text: string;
}

/** Where a passage comes from: enough to find it in the printed cable. */
export interface Citation {
  ref: string;
  /** Paragraph key (see Paragraph.key). */
  key: string;
  /**
   * Human form, e.g. "09PHNOMPENH246 ¶14" (preamble: "09PHNOMPENH246 ¶0"); for a cable that prints no
   * paragraph numbers, "75STATE1234 paragraph 3 (unnumbered)": a reader must count, not look for "3.".
   */
  label: string;
  /** URL-safe form, e.g. "09PHNOMPENH246/14". */
  slug: string;
  /** Present (true) when the cable prints no paragraph numbers and `key` is the paragraph's position. */
  counted?: true;
}

/** Cable metadata shown with every passage. */
export type CableMeta = Omit<Cable, 'paragraphs'>;

/** A character range [start, end) into a paragraph's text. */
export interface Span {
  start: number;
  end: number;
}

/** One retrieved paragraph, with how it scored. */
export interface Passage {
  citation: Citation;
  cable: CableMeta;
  heading: string | null;
  marking: string | null;
  text: string;
  /** Final ranking score (higher is better; comparable only within one result list). */
  score: number;
  /** Sentences that answer the question, as offsets into `text`. */
  highlights: Span[];
  /** Other citations collapsed into this one because they say nearly the same thing. */
  alsoIn?: Citation[];
}

/** How an upload (or a removal) of cables through the server is going (src/serve/uploads.ts). */
export interface UploadJob {
  id: string;
  file: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** Paragraphs embedded so far, of all in the file (0/0 until planned). */
  done: number;
  total: number;
  /** When done: cables and paragraphs added, and why files or rows were rejected; when failed: why. */
  message?: string;
  cables?: number;
}

/** "unrated": the embedder has no fitted trust model (its answers carry no confidence). */
export type ConfidenceBand = 'high' | 'medium' | 'low' | 'unrated';

/** What the user gets back for one question. */
export interface Answer {
  question: string;
  /** The question as searched, after follow-up resolution and filter extraction. */
  searched: string;
  /** Passages that answer, best first; empty when abstained. */
  passages: Passage[];
  /** True when no indexed paragraph answers the question. */
  abstained: boolean;
  /** When abstained: the closest passages, explicitly not answers. */
  closest: Passage[];
  /** 0..1: how sure we are that passages[0] answers the question (0 when unrated). */
  confidence: number;
  /** How the confidence reads: cut where each band is right as often as it says (README, Trust). */
  band: ConfidenceBand;
  filters: Filters;
  /** Human note, e.g. "No cable matches origin:\"Lagos\"". */
  note?: string;
}

/** Restrictions on which paragraphs may answer. All present fields must hold. */
export interface Filters {
  /** Case-insensitive substring of Cable.origin. */
  origin?: string;
  /** Inclusive lower bound, ISO date or prefix ("2008-01"). */
  after?: string;
  /** Inclusive upper bound, ISO date or prefix ("2009-12"). */
  before?: string;
  /** Case-insensitive substring of Cable.classification. */
  classification?: string;
  /** Cable must carry this TAG (case-insensitive). */
  tag?: string;
  /** A single cable ref. */
  cable?: string;
}

/** One paragraph of a cable as the viewer shows it, with its citation. */
export interface CableParagraph {
  key: string;
  number: number | null;
  heading: string | null;
  marking: string | null;
  text: string;
  citation: Citation;
}

/** A whole cable: its metadata and every paragraph in order. */
export type CableDocument = CableMeta & {
  paragraphs: CableParagraph[];
  /** Cables this one cites (the source's list, or the ids on its REF lines), and whether each is indexed. */
  cites: { ref: string; indexed: boolean }[];
  /** Indexed cables that cite this one. */
  citedBy: string[];
};

/** A cable in a listing: its metadata and how many paragraphs it has. */
export type CableSummary = CableMeta & { paragraphs: number };
