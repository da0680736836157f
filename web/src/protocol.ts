// Wire types of protocol v1 (docs/protocol.md). Domain types are shared with the server so that
// a change there breaks the web build instead of silently breaking the page.
import type { Answer, CableDocument, CableMeta, CableParagraph, Citation, Filters, Passage, Span, UploadJob } from '../../src/domain.js';

export type { Answer, CableDocument, CableMeta, CableParagraph, Citation, Filters, Passage, Span, UploadJob };

export const PROTOCOL_VERSION = 1;

export type ClientMessage =
  | { type: 'ask'; id: string; question: string; k?: number; filters?: Filters; history?: string[] }
  | { type: 'reset'; id?: string };

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  embedder: string;
  cables: number;
  paragraphs: number;
}
export interface AckMessage {
  type: 'ack';
  id: string;
  question: string;
  searched: string;
  filters: Filters;
}
export interface PassageMessage {
  type: 'passage';
  id: string;
  rank: number;
  passage: Passage;
}
export interface DoneMessage {
  type: 'done';
  id: string;
  answer: Answer;
  elapsed_ms: number;
}
export interface ResetMessage {
  type: 'reset';
  id?: string | null;
}
export interface ErrorMessage {
  type: 'error';
  id: string | null;
  code: string;
  message: string;
}

export interface UploadMessage {
  type: 'upload';
  job: UploadJob;
}

export type ServerMessage = HelloMessage | AckMessage | PassageMessage | DoneMessage | ResetMessage | ErrorMessage | UploadMessage;

const SERVER_TYPES = new Set(['hello', 'ack', 'passage', 'done', 'reset', 'error', 'upload']);

/** Parses one frame; anything that is not a known server message is dropped rather than trusted. */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !SERVER_TYPES.has(type)) return null;
  return value as ServerMessage;
}
