/**
 * What text the model is given. Older cables (1,295-cable corpus: 37 of them; most of anything before the
 * mid-2000s) are typed in capitals, and the bundled model reads shouted text badly: "Which Spanish minister said
 * Spain was not planning to expel any more Libyans?" scored 0.195 against the all-caps paragraph that answers
 * it and 0.717 against the same paragraph in sentence case (an unrelated all-caps paragraph: 0.258 / 0.399).
 */

/**
 * Bumped whenever embeddingText changes, so an index re-reads its cables on the next ingest; vectors are
 * stored by the text embedded, so only text that now reads differently is embedded again.
 */
export const EMBED_INPUT_VERSION = 1;

/** Text mostly in capitals, put in sentence case; any other text unchanged. */
export function embeddingText(text: string): string {
  const letters = text.replace(/[^A-Za-z]/g, '');
  // A few acronyms do not make a paragraph shouted; 20 letters keeps "USG/GOC" alone as it is.
  if (letters.length < 20 || letters.replace(/[^A-Z]/g, '').length < 0.7 * letters.length) return text;
  return text.toLowerCase().replace(/(^|[.!?]["')\]]?\s+)(\p{Ll})/gu, (_, before: string, c: string) => before + c.toUpperCase());
}
