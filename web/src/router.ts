import type { Span } from './protocol.js';

/** What a citation click leaves in history.state, so the viewer can mark the quoted sentences. */
export interface CableRouteState {
  view: 'cable';
  ref: string;
  key: string;
  spans: Span[];
  /** Set when the entry was pushed from the chat, so "Back to chat" can be a real history.back(). */
  fromChat: boolean;
}

/** `spans`: the marked sentences a shared link carries (`#p10~812-905`), when it carries any. */
export type Route = { view: 'chat' } | { view: 'archive' } | { view: 'cable'; ref: string; key: string | null; spans: Span[] | null };

/** A link to a paragraph; with spans, the link itself carries the marked sentences, so a shared copy shows them. */
export function cableHref(ref: string, key?: string | null, spans?: readonly Span[]): string {
  const path = `/cable/${encodeURIComponent(ref)}`;
  if (key === undefined || key === null) return path;
  const marked = spans?.length ? `~${spans.map((s) => `${s.start}-${s.end}`).join(',')}` : '';
  return `${path}#p${encodeURIComponent(key)}${marked}`;
}

export function currentRoute(): Route {
  if (/^\/archive\/?$/.test(location.pathname)) return { view: 'archive' };
  const match = /^\/cable\/([^/]+)\/?$/.exec(location.pathname);
  if (match?.[1] === undefined) return { view: 'chat' };
  const ref = safeDecode(match[1]);
  const hash = location.hash.startsWith('#p') ? safeDecode(location.hash.slice(2)) : '';
  const [key = '', marked] = hash.split('~');
  const spans = marked
    ? marked.split(',').flatMap((part) => {
        const m = /^(\d+)-(\d+)$/.exec(part);
        return m && Number(m[1]) < Number(m[2]) ? [{ start: Number(m[1]), end: Number(m[2]) }] : [];
      })
    : null;
  return { view: 'cable', ref, key: key === '' ? null : key, spans: spans?.length ? spans : null };
}

export function routeState(): CableRouteState | null {
  const state: unknown = history.state;
  if (typeof state !== 'object' || state === null) return null;
  const s = state as Partial<CableRouteState>;
  if (s.view !== 'cable' || typeof s.ref !== 'string' || typeof s.key !== 'string' || !Array.isArray(s.spans)) {
    return null;
  }
  return { view: 'cable', ref: s.ref, key: s.key, spans: s.spans, fromChat: s.fromChat === true };
}

const listeners: Array<() => void> = [];

export function onRouteChange(listener: () => void): void {
  listeners.push(listener);
}

export function navigate(url: string, state: CableRouteState | null = null): void {
  history.pushState(state, '', url);
  for (const listener of listeners) listener();
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
