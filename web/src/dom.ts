// Every piece of cable text reaches the page through text nodes built here; nothing uses innerHTML,
// so markup inside a cable is shown, never interpreted.
import type { Span } from './protocol.js';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

/** createElement with attributes (`class`, `data-*`, aria, …) and text/node children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** replaceChildren that skips empty slots, like h(). */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/**
 * Sorted, clipped, non-overlapping spans. Offsets come from the server and the text may have been
 * re-normalised since, so out-of-range or inverted spans are dropped instead of throwing.
 */
export function normalizeSpans(spans: readonly Span[] | undefined, length: number): Span[] {
  const valid = (spans ?? [])
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end))
    .map((s) => ({ start: Math.max(0, s.start), end: Math.min(length, s.end) }))
    .filter((s) => s.start < s.end)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of valid) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Text with each span wrapped in <mark>, as a fragment of text nodes. */
export function highlighted(text: string, spans: readonly Span[] | undefined, markClass?: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const span of normalizeSpans(spans, text.length)) {
    if (span.start > at) append(fragment, text.slice(at, span.start));
    append(fragment, h('mark', { class: markClass }, text.slice(span.start, span.end)));
    at = span.end;
  }
  if (at < text.length) append(fragment, text.slice(at));
  return fragment;
}

/**
 * The paragraph with its answering sentences marked and everything else in `.rest` spans, each led by an
 * ellipsis: a card folds to its answer by hiding the rest (CSS), and one click shows the whole paragraph.
 */
export function foldable(text: string, spans: readonly Span[] | undefined): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const rest = (part: string) =>
    part.trim() === ''
      ? part
      : h('span', { class: 'rest' }, h('span', { class: 'ellipsis', 'aria-hidden': 'true' }, ' … '), h('span', { class: 'rest-text' }, part));
  let at = 0;
  for (const span of normalizeSpans(spans, text.length)) {
    if (span.start > at) append(fragment, rest(text.slice(at, span.start)));
    append(fragment, h('mark', {}, text.slice(span.start, span.end)));
    at = span.end;
  }
  if (at < text.length) append(fragment, rest(text.slice(at)));
  return fragment;
}

/** The marked sentences of a paragraph, verbatim, in order (what the answer line quotes). */
export function markedSentences(text: string, spans: readonly Span[] | undefined): string[] {
  return normalizeSpans(spans, text.length).map((s) => text.slice(s.start, s.end).trim()).filter((t) => t !== '');
}

/** `"<quoted sentence(s)>" — LABEL`; the whole paragraph is quoted when nothing is highlighted. */
export function quotation(text: string, spans: readonly Span[] | undefined, label: string): string {
  const parts = normalizeSpans(spans, text.length).map((s) => text.slice(s.start, s.end).trim());
  const quoted = parts.length > 0 ? parts.join(' … ') : text.trim();
  return `"${quoted}" — ${label}`;
}

/** Clipboard API where allowed (secure contexts), else the old selection + execCommand route. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard !== undefined && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied or not focused: fall through to the legacy path.
  }
  const area = h('textarea', { readonly: true, 'aria-hidden': 'true', class: 'clipboard-proxy' });
  area.value = text;
  const previous = document.activeElement;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (previous instanceof HTMLElement) previous.focus();
  return ok;
}

/** Polite screen-reader announcement; re-setting the text makes repeated messages audible again. */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (region === null) return;
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/** A plain click meant for us, not a new tab/window request. */
export function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}
