/**
 * The archive page (/archive): the indexed cables, newest first, narrowed by search (reference id or subject)
 * and by facets with counts (origin, year, classification, TAGS); each cable opens in the viewer. The page's
 * state is its URL, so a narrowed list can be shared.
 */
import { h, isPlainClick } from './dom.js';
import type { CableMeta } from './protocol.js';
import { cableHref, navigate } from './router.js';

type Facet = 'origin' | 'year' | 'classification' | 'tag';
type Facets = Record<Facet, { value: string; count: number }[]>;
interface Listing {
  total: number;
  items: (CableMeta & { paragraphs: number })[];
}

const FACETS: [Facet, string, number][] = [
  ['origin', 'Origin', 12],
  ['year', 'Year', 40],
  ['classification', 'Classification', 8],
  ['tag', 'TAGS', 16],
];
const PAGE = 50;

export class ArchiveView {
  private token = 0;

  constructor(private readonly root: HTMLElement) {}

  async show(): Promise<void> {
    document.title = 'Archive — cablechat';
    const token = ++this.token;
    const params = new URLSearchParams(location.search);
    const where = Object.fromEntries(['q', ...FACETS.map(([f]) => f)].flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])));
    this.root.setAttribute('data-state', 'loading');
    try {
      const [facets, listing] = await Promise.all([get<Facets>('/api/facets'), get<Listing>(`/api/cables?${new URLSearchParams({ ...where, limit: String(PAGE) })}`)]);
      if (token !== this.token) return;
      this.render(where, facets, listing);
      this.root.setAttribute('data-state', 'ready');
    } catch (error) {
      if (token !== this.token) return;
      this.root.replaceChildren(h('p', { class: 'viewer-message viewer-error', role: 'alert' }, `The archive could not be loaded: ${(error as Error).message}`));
      this.root.setAttribute('data-state', 'error');
    }
  }

  private render(where: Record<string, string>, facets: Facets, listing: Listing): void {
    const go = (next: Record<string, string>) => navigate(`/archive${Object.keys(next).length ? `?${new URLSearchParams(next)}` : ''}`);
    const search = h('input', { type: 'search', id: 'archive-search', placeholder: 'Reference id or subject words', value: where.q ?? '', 'aria-label': 'Search cables by reference id or subject' });
    const form = h('form', { class: 'archive-search', role: 'search' }, search, h('button', { type: 'submit' }, 'Search'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const { q: _q, ...rest } = where;
      go(search.value.trim() ? { ...rest, q: search.value.trim() } : rest);
    });
    const chips = Object.entries(where).map(([k, v]) => {
      const chip = h('button', { type: 'button', class: 'filter-chip archive-chip', 'aria-label': `Remove ${k} ${v}` }, `${k === 'q' ? 'search' : k}: ${v} ×`);
      chip.addEventListener('click', () => {
        const { [k]: _gone, ...rest } = where;
        go(rest);
      });
      return chip;
    });
    const facetGroups = FACETS.map(([facet, label, shown]) =>
      h(
        'section',
        { class: 'facet', 'data-facet': facet },
        h('h2', {}, label),
        h(
          'ul',
          {},
          ...facets[facet].slice(0, shown).map(({ value, count }) => {
            const button = h('button', { type: 'button', class: 'facet-value', 'aria-pressed': String(where[facet] === value) }, h('span', {}, value), h('span', { class: 'facet-count' }, count.toLocaleString('en')));
            button.addEventListener('click', () => go(where[facet] === value ? omit(where, facet) : { ...where, [facet]: value }));
            return h('li', {}, button);
          }),
        ),
      ),
    );
    const list = h('ol', { class: 'archive-list' }, ...listing.items.map(cableRow));
    const more = h('button', { type: 'button', class: 'button-secondary archive-more' }, 'Show more');
    let offset = listing.items.length;
    more.hidden = offset >= listing.total;
    more.addEventListener('click', async () => {
      const next = await get<Listing>(`/api/cables?${new URLSearchParams({ ...where, offset: String(offset), limit: String(PAGE) })}`);
      list.append(...next.items.map(cableRow));
      offset += next.items.length;
      more.hidden = offset >= next.total;
    });
    this.root.replaceChildren(
      ...[
      h('h1', {}, 'Archive'),
      h('p', { class: 'archive-count', role: 'status' }, `${listing.total.toLocaleString('en')} cable${listing.total === 1 ? '' : 's'} ${Object.keys(where).length ? (listing.total === 1 ? 'matches' : 'match') : 'indexed'}`),
      form,
      chips.length ? h('div', { class: 'archive-chips' }, ...chips) : null,
      h('div', { class: 'archive-body' }, h('div', { class: 'facets' }, ...facetGroups), h('div', { class: 'archive-results' }, list, more)),
      ].filter((x) => x !== null),
    );
  }
}

function cableRow(c: CableMeta & { paragraphs: number }): HTMLElement {
  const link = h('a', { class: 'archive-ref', href: cableHref(c.ref) }, c.ref);
  link.addEventListener('click', (event) => {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    navigate(cableHref(c.ref), { view: 'cable', ref: c.ref, key: '', spans: [], fromChat: true });
  });
  const meta = [c.date, c.origin, c.classification, `${c.paragraphs} paragraph${c.paragraphs === 1 ? '' : 's'}`].filter(Boolean).join(' · ');
  return h('li', { class: 'archive-item' }, link, h('span', { class: 'archive-subject' }, c.subject ?? ''), h('span', { class: 'archive-meta' }, meta));
}

function omit(o: Record<string, string>, key: string): Record<string, string> {
  const { [key]: _gone, ...rest } = o;
  return rest;
}

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`);
  return (await res.json()) as T;
}
