/**
 * The 2010 release's HTML tree (`cable/YYYY/MM/REF.html`): one viewer page per cable. The page
 * holds a table (Reference ID, Created, Released, Classification, Origin) and then two <pre>
 * blocks, the routing header and the body, with line ends written as "&#x000A;" and links
 * around paragraph marks, TAGS and some references.
 *
 * Only the viewer's own markup is undone: its links are dropped (their text kept) and entities
 * decoded. Everything else inside <pre> is the cable's own text, which the release printed
 * unescaped: "R&D;" and "<br>" on these pages are in the CSV of the same cables too, so they are
 * kept as text (the parser drops the tags, as it does for the txt layout) and an "&" that starts
 * no entity a browser knows stays an "&".
 */

import type { Cable } from '../domain.js';
import { CableParseError } from './errors.js';
import { REF_ID } from './header.js';
import { parseReleasedCable, releaseDate } from './release.js';

const NOT_A_CABLE_PAGE = 'give the cable pages of the release (cable/YYYY/MM/REF.html), or remove this file from the input';

export function parseHtmlCable(html: string, fileName: string): Cable {
  const table = findCableTable(html);
  if (!table) {
    const what = /<html[\s>]|<!DOCTYPE\s+html/i.test(html) ? 'an HTML page' : 'not even an HTML page';
    throw new CableParseError(
      fileName,
      `not a cable page: ${what} without the cable table (Reference ID, Created, Classification, Origin)`,
      NOT_A_CABLE_PAGE,
    );
  }
  const meta = readTable(table.html);
  const ref = meta.get('reference id') ?? '';
  if (!REF_ID.test(ref)) {
    throw new CableParseError(
      fileName,
      ref ? `the page's Reference ID "${ref}" is not a cable id like 09PHNOMPENH246` : "the page's table has no Reference ID",
      NOT_A_CABLE_PAGE,
    );
  }
  const pres = [...html.slice(table.end).matchAll(/<pre\b[^>]*>([\s\S]*?)<\/pre\s*>/gi)].map((m) => preText(m[1] ?? ''));
  if (pres.length === 0) {
    throw new CableParseError(fileName, `the page for ${ref} has no <pre> block with the cable's text`, NOT_A_CABLE_PAGE);
  }
  // The routing header comes first; a page with one block has only the body.
  const [routing, body] = pres.length >= 2 ? [pres[0]!, pres[1]!] : ['', pres[0]!];
  const created = meta.get('created');
  return parseReleasedCable(
    {
      ref,
      date: created ? releaseDate(created) : null,
      classification: meta.get('classification') ?? null,
      origin: meta.get('origin') ?? null,
      routing,
      body,
    },
    fileName,
  );
}

/** The first <table> whose header cells include "Reference ID". */
function findCableTable(html: string): { html: string; end: number } | null {
  for (const m of html.matchAll(/<table\b[^>]*>([\s\S]*?)<\/table\s*>/gi)) {
    const inner = m[1] ?? '';
    if (/<th\b[^>]*>\s*Reference\s+ID\s*<\/th>/i.test(inner)) return { html: inner, end: (m.index ?? 0) + m[0].length };
  }
  return null;
}

/** Header cells → the data cells of the first row under them, by lower-cased header. */
function readTable(table: string): Map<string, string> {
  const cells = (tag: string) =>
    [...table.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}\\s*>`, 'gi'))].map((m) => cellText(m[1] ?? ''));
  const heads = cells('th').map((h) => h.toLowerCase());
  const data = cells('td');
  const out = new Map<string, string>();
  heads.forEach((h, i) => {
    const v = data[i];
    if (v !== undefined && v !== '') out.set(h, v);
  });
  return out;
}

function cellText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** A <pre> block's text: the viewer's links dropped with their text kept, entities decoded. */
function preText(html: string): string {
  return decodeEntities(html.replace(/<a\b[^>]*>/gi, '').replace(/<\/a\s*>/gi, ''));
}

/**
 * Named entities of HTML 4 that a text page can hold (markup-significant ones, Latin-1, and the
 * typographic ones Word-made text carries). An "&name;" outside this list is left as written.
 */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0',
  iexcl: '¡', cent: '¢', pound: '£', curren: '¤', yen: '¥', brvbar: '¦', sect: '§', uml: '¨', copy: '©',
  ordf: 'ª', laquo: '«', not: '¬', shy: '\u00AD', reg: '®', macr: '¯', deg: '°', plusmn: '±', sup2: '²',
  sup3: '³', acute: '´', micro: 'µ', para: '¶', middot: '·', cedil: '¸', sup1: '¹', ordm: 'º', raquo: '»',
  frac14: '¼', frac12: '½', frac34: '¾', iquest: '¿', Agrave: 'À', Aacute: 'Á', Acirc: 'Â', Atilde: 'Ã',
  Auml: 'Ä', Aring: 'Å', AElig: 'Æ', Ccedil: 'Ç', Egrave: 'È', Eacute: 'É', Ecirc: 'Ê', Euml: 'Ë',
  Igrave: 'Ì', Iacute: 'Í', Icirc: 'Î', Iuml: 'Ï', ETH: 'Ð', Ntilde: 'Ñ', Ograve: 'Ò', Oacute: 'Ó',
  Ocirc: 'Ô', Otilde: 'Õ', Ouml: 'Ö', times: '×', Oslash: 'Ø', Ugrave: 'Ù', Uacute: 'Ú', Ucirc: 'Û',
  Uuml: 'Ü', Yacute: 'Ý', THORN: 'Þ', szlig: 'ß', agrave: 'à', aacute: 'á', acirc: 'â', atilde: 'ã',
  auml: 'ä', aring: 'å', aelig: 'æ', ccedil: 'ç', egrave: 'è', eacute: 'é', ecirc: 'ê', euml: 'ë',
  igrave: 'ì', iacute: 'í', icirc: 'î', iuml: 'ï', eth: 'ð', ntilde: 'ñ', ograve: 'ò', oacute: 'ó',
  ocirc: 'ô', otilde: 'õ', ouml: 'ö', divide: '÷', oslash: 'ø', ugrave: 'ù', uacute: 'ú', ucirc: 'û',
  uuml: 'ü', yacute: 'ý', thorn: 'þ', yuml: 'ÿ',
  ndash: '–', mdash: '—', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„',
  hellip: '…', bull: '•', dagger: '†', Dagger: '‡', permil: '‰', lsaquo: '‹', rsaquo: '›', euro: '€',
  trade: '™', OElig: 'Œ', oelig: 'œ', Scaron: 'Š', scaron: 'š', Yuml: 'Ÿ', circ: 'ˆ', tilde: '˜',
};

/**
 * Names a browser decodes even without the ";" (HTML5's legacy named references): in page text
 * "&pounding on the table" shows as "£ing on the table". The txt and CSV copies of these cables
 * were made from what the pages show (08ASTANA338 reads "Hollingsworth £ing on the table8" in
 * both), so the pages are read the same way.
 */
const LEGACY = new Set(
  (
    'AElig AMP Aacute Acirc Agrave Aring Atilde Auml COPY Ccedil ETH Eacute Ecirc Egrave Euml GT Iacute Icirc ' +
    'Igrave Iuml LT Ntilde Oacute Ocirc Ograve Oslash Otilde Ouml QUOT REG THORN Uacute Ucirc Ugrave Uuml Yacute ' +
    'aacute acirc acute aelig agrave amp aring atilde auml brvbar ccedil cedil cent copy curren deg divide eacute ' +
    'ecirc egrave eth euml frac12 frac14 frac34 gt iacute icirc iexcl igrave iquest iuml laquo lt macr micro ' +
    'middot nbsp not ntilde oacute ocirc ograve ordf ordm oslash otilde ouml para plusmn pound quot raquo reg ' +
    'sect shy sup1 sup2 sup3 szlig thorn times uacute ucirc ugrave uml uuml yacute yen yuml'
  ).split(' '),
);
const UPPER_LEGACY: Record<string, string> = { AMP: '&', COPY: '©', GT: '>', LT: '<', QUOT: '"', REG: '®' };
const LONGEST_LEGACY = Math.max(...[...LEGACY].map((n) => n.length));

/** What a browser shows for numeric references to 0x80–0x9F: the Windows-1252 characters. */
const C1_AS_1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/**
 * Entities as a browser reads them in page text: "&name;" for the names above, the legacy names
 * also without ";" (longest first), decimal and hex references with or without ";" ("&#x000A;"
 * is a line end). Anything else after an "&" ("R&D;", "&processes8;") stays as written.
 */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#(\d{1,8});?|#[xX]([0-9A-Fa-f]{1,8});?|([A-Za-z][A-Za-z0-9]*)(;?))/g, (whole, dec?: string, hex?: string, name?: string, semi?: string) => {
    if (name === undefined) return numeric(dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16));
    if (semi === ';' && Object.hasOwn(NAMED, name)) return NAMED[name]!;
    for (let n = Math.min(name.length, LONGEST_LEGACY); n >= 2; n--) {
      const prefix = name.slice(0, n);
      if (LEGACY.has(prefix)) return (UPPER_LEGACY[prefix] ?? NAMED[prefix]!) + whole.slice(1 + n);
    }
    return whole;
  });
}

function numeric(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return C1_AS_1252.charAt(code - 0x80);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
  return String.fromCodePoint(code);
}
