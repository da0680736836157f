/**
 * The cable parser: one cable file → one `Cable` (see ../domain.ts). Kept deliberately small;
 * everything else in this folder is internal.
 */
export { CableParseError } from './errors.js';
export { decodeCableBytes } from './decode.js';
export { parseCable } from './cable.js';
export { parseCableFile } from './file.js';
