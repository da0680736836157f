/**
 * The cable parser: one cable file → one `Cable` (see ../domain.ts); and for the release's
 * download layouts (cables.csv, the HTML tree) and mixed inputs, readCables (see sources.ts).
 * Kept deliberately small; everything else in this folder is internal.
 */
export { CableParseError } from './errors.js';
export { decodeCable, decodeCableBytes, type CableEncoding, type DecodedCable } from './decode.js';
export { checkCableFileSize, MAX_CABLE_FILE_BYTES, MAX_LINE_CHARS, readCableText, type CableText } from './input.js';
export { parseCable } from './cable.js';
export { parseCableFile } from './file.js';
export {
  describeSourceError,
  readCables,
  sourceKind,
  SNIFF_BYTES,
  type CableSource,
  type SourceError,
  type SourceItem,
  type SourceKind,
} from './sources.js';
export { readCsvCables } from './csv.js';
export { parseHtmlCable } from './html.js';
export { refIdsOnRefLines } from './refs.js';

/**
 * Bumped whenever parsing output changes for some input. The index stores it with each file's hash, so a
 * new parser re-reads every cable on the next ingest (re-embedding only paragraphs whose text changed).
 */
export const PARSER_VERSION = 4;
