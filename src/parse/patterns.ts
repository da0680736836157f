/**
 * Recognisers for the fixed furniture of a State Department cable: routing lines, the
 * classification line, E.O./TAGS/SUBJECT lines, portion markings. Kept in one place so the
 * header, zoning and paragraph code agree on what counts as "not the author's prose".
 */

/** Spaced or unspaced classification word as it opens the classification line. */
const CLASS_WORD =
  String.raw`(?:UNCLAS(?:SIFIED)?|C\s?O\s?N\s?F\s?I\s?D\s?E\s?N\s?T\s?I\s?A\s?L|S\s?E\s?C\s?R\s?E\s?T|TOP\s+SECRET)`;

/**
 * The classification line that ends the routing header, e.g.
 * "UNCLAS SECTION 01 OF 05 PHNOM PENH 000246", "C O N F I D E N T I A L BERLIN 001273",
 * "C o n f i d e n t i a l section 01 of 04 ankara 000348".
 */
export const CLASSIFICATION_LINE = new RegExp(
  String.raw`^(${CLASS_WORD})(?:\s+SECTION\s+(\d+)\s+OF\s+(\d+))?\s+([A-Z][A-Z .'-]*?)\s+(\d{3,6})\s*$`,
  'i',
);

/** Same, but allowed to be glued to the end of the previous routing line by the converter. */
export const GLUED_CLASSIFICATION_LINE = new RegExp(
  String.raw`^(.*?[A-Za-z0-9.,)])(${CLASS_WORD}(?:\s+SECTION\s+\d+\s+OF\s+\d+)?\s+[A-Z][A-Z .'-]*?\s+\d{3,6}\s*)$`,
  'i',
);

/** A line that is only a classification banner (page tops/bottoms, trailers). */
export const CLASSIFICATION_ONLY =
  /^(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|TOP SECRET|C O N F I D E N T I A L|S E C R E T)(?:\s*\/\/\s*[A-Z ]+|\s+PTQ\d+|\s+NOFORN)*\s*$/i;

/** Date-time group, e.g. "P 131052Z APR 09" or "R 130458Z AUG 79". */
export const DTG_LINE = /^(?:[ZOPR]{1,2})\s+(\d{2})(\d{4})Z\s+([A-Z]{3})\s+(\d{2})\b/i;
/** Bare date-time group as printed in partial extracts: "291359Z Nov 00". */
export const BARE_DTG = /^(\d{2})(\d{4})Z\s+([A-Za-z]{3})\s+(\d{2})\b/;

/** The viewer's "Wednesday, 29 November 2000, 13:59" stamp. */
export const WEEKDAY_STAMP =
  /(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}/;

export const EO_LINE = /^(?:E\.?\s?O\.?|EO)\s*1\d{4}\b/i;
export const TAGS_LINE = /^TAGS\b\s*:?\s*/i;
export const SUBJECT_LINE = /^SUBJ(?:ECT)?\s*:\s*/i;
export const REF_LINE = /^(?:REF|REFS|REFTEL|REFTELS|REFERENCE|REFERENCES)\b\s*[:.]?/i;
export const CLASSIFIED_BY = /^(?:\([A-Z/]{1,6}\)\s*)?(?:CLASSIFIED\s+BY|DERIVED\s+FROM)\b/i;

/** Lines of the raw routing header (before the classification line). */
const ROUTING: RegExp[] = [
  /^VZCZC/,
  /^(?:ZZ|OO|PP|RR|[ZOPR])\s+R[A-Z]{3,}/,
  /^DE\s+R[A-Z]{3,}/,
  /^ZN[RY]\s/,
  DTG_LINE,
  BARE_DTG,
  /^FM\s+\S/,
  /^TO\s+\S/,
  /^INFO\s+\S/,
  /^R[A-Z]{3,}[A-Z0-9]*\/\S/, // RUEHC/SECSTATE WASHDC ...
  /^(?:AMEMBASSY|AMCONSUL|SECSTATE|USMISSION)\s/,
  /^ACTION\s+[A-Z]+-\d\d/,
  /^(?:INFO\s+)?LOG-\d\d/,
  /^[A-Z]{2,6}-\d\d(?:\s+[A-Z]{1,6}-\d\d)+/, // continuation of the ACTION/INFO office list
  /^-{10,}[A-Z0-9]+\s+\d{6}Z/,
  /^(?:R[A-Z]{5,7}\s*){2,}$/, // bare routing indicators continuing a precedence line
  /^BT$/,
  /^NNNN$/i,
];

export function isRoutingLine(line: string): boolean {
  return ROUTING.some((re) => re.test(line));
}

/** Handling caveats and distribution instructions that precede the text. */
const CAVEAT = /^(?:(?:SIPDIS|SENSITIVE|NOFORN|EXDIS|NODIS|LIMDIS|STADIS)[\s,]*)+$/i;
const CORRECTED = /^(?:C O R R E C T|CORRECTED COPY|CORRECTION)/i;

/**
 * Lines that never carry the author's prose anywhere before the first paragraph: routing,
 * the classification line, caveats, E.O., TAGS, date stamps, bare numbers, HTML leftovers,
 * and the "DRAFTED:/CLEARED:" fields of database exports.
 */
export function isFrontMatterJunk(line: string): boolean {
  return (
    /^(?:CX[A-Z]+|ACTION|INFO|DISSEMINATION|CHARGE|APPROVED|DRAFTED|CLEARED|CAPTIONS|TELEGRAM)\s*:/.test(line) ||
    CAVEAT.test(line) ||
    CORRECTED.test(line) ||
    EO_LINE.test(line) ||
    TAGS_LINE.test(line) ||
    WEEKDAY_STAMP.test(line) ||
    /^\d+$/.test(line) ||
    /^<\/?[a-z]+[^>]*>?$|^>$/i.test(line) ||
    CLASSIFICATION_LINE.test(line) ||
    CLASSIFICATION_ONLY.test(line) ||
    isRoutingLine(line)
  );
}

/**
 * "STATE FOR EAP/MLS", "NSC FOR AHARRIMAN", "PASS TO USAID": addressee instructions. Upper-case,
 * short and unpunctuated, which is what keeps a shouting 1970s sentence from matching.
 */
export function isDistributionLine(line: string): boolean {
  return (
    line.length <= 90 &&
    line === line.toUpperCase() &&
    !/[.!?]$/.test(line) &&
    /^(?:[A-Z][A-Z0-9/&.,()-]*\s+){0,6}(?:FOR|PASS(?:\s+TO)?)\s+\S/.test(line)
  );
}

/** First tokens that make a parenthesised prefix a portion marking: (C), (S/NF), (SBU), (U//FOUO)... */
const MARKING_HEAD = /^(?:U|C|S|TS|SBU|FOUO|NF|CONFIDENTIAL|SECRET|UNCLASSIFIED|UNCLAS|U\/\/FOUO)$/i;

/**
 * Reads a portion marking at the start of `rest`. Returns the marking without parentheses
 * (upper-cased, spaces collapsed) and the text after it, or null when there is none.
 * Tolerates the converter's "C)" with the opening parenthesis lost.
 */
export function readMarking(rest: string): { marking: string; after: string } | null {
  const m = /^\(\s*([A-Za-z][^()]{0,70}?)\s*\)\s*/.exec(rest) ?? /^([USC]|SBU|S\/NF|C\/NF)\)\s+/.exec(rest);
  if (!m || m[1] === undefined) return null;
  const inner = m[1].replace(/\s+/g, ' ').trim();
  const head = inner.split(/[\s/\-,]+/)[0] ?? '';
  if (!MARKING_HEAD.test(head)) return null;
  return { marking: inner.toUpperCase(), after: rest.slice(m[0].length) };
}

/** A run of dashes (or em-dashes, underscores, spaced dashes) used to underline or box a heading. */
export function isRuleLine(line: string): boolean {
  return /^(?:[-—–_=*]\s?){3,}$/.test(line.trim());
}

/**
 * True when a line ends where a sentence ends, closing quotes and brackets allowed after the
 * stop ("... End comment.)"). A quote after a comma ('"extreme left,"') does not end one.
 */
export function endsSentence(line: string): boolean {
  return /[.!?;][)"\]”’']*\s*$/.test(line);
}
