/**
 * The archive page (/archive): the indexed cables, newest first, narrowed by search (reference id or subject)
 * and by facets with counts (origin, year, classification, TAGS); each cable opens in the viewer. The page's
 * state is its URL, so a narrowed list can be shared.
 */
import { h, isPlainClick } from './dom.js';
import type { CableMeta, UploadJob } from './protocol.js';
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
  /** Rows of the uploads panel by job id, kept across renders so progress lands where it is shown. */
  private readonly jobRows = new Map<string, HTMLElement>();
  private readonly jobList = h('ul', { class: 'upload-jobs', 'aria-live': 'polite' });

  constructor(private readonly root: HTMLElement) {}

  /** Progress of an upload (from the chat socket): its row moves; when cables land, the list shows them. */
  onUpload(job: UploadJob): void {
    let row = this.jobRows.get(job.id);
    const was = row?.getAttribute('data-state');
    if (!row) {
      row = h('li', { class: 'upload-job' });
      this.jobRows.set(job.id, row);
      this.jobList.prepend(row);
    }
    const share = job.total > 0 ? job.done / job.total : job.state === 'done' ? 1 : 0;
    const status = job.state === 'queued' ? 'waiting' : job.state === 'running' ? `${Math.round(share * 100)}%` : (job.message ?? job.state);
    row.setAttribute('data-state', job.state);
    row.replaceChildren(
      h('span', { class: 'upload-name' }, job.file),
      h('progress', { max: '1', value: String(job.state === 'done' ? 1 : share), 'aria-label': `Indexing ${job.file}` }),
      h('span', { class: 'upload-status' }, status),
    );
    // Cables just added: the list and counts are shown again (once, when the upload finishes).
    if (job.state === 'done' && was !== undefined && was !== 'done' && !this.root.hidden) void this.show();
  }

  private uploadPanel(): HTMLElement {
    const input = h('input', { type: 'file', multiple: true, id: 'upload-input', accept: '.txt,.csv,.html,.htm,text/plain,text/csv,text/html' });
    const said = h('p', { class: 'upload-said', role: 'status' });
    const send = async (files: FileList | File[]) => {
      for (const file of files) {
        const res = await fetch('/api/uploads', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) }, body: file });
        const reply = (await res.json().catch(() => ({}))) as UploadJob & { error?: string };
        if (!res.ok) said.textContent = `${file.name}: ${reply.error ?? `HTTP ${res.status}`}`;
        else this.onUpload(reply);
      }
    };
    input.addEventListener('change', () => void send(input.files ?? []));
    const zone = h('label', { class: 'upload-zone', for: 'upload-input' }, 'Drop cable files here (txt, HTML pages, or a cables.csv), or click to choose them.', input);
    zone.addEventListener('dragover', (e) => (e.preventDefault(), zone.classList.add('over')));
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      if (e.dataTransfer?.files.length) void send(e.dataTransfer.files);
    });
    return h('section', { class: 'uploads', 'aria-label': 'Add cables' }, h('h2', {}, 'Add cables'), zone, said, this.jobList);
  }

  async show(): Promise<void> {
    document.title = 'Archive — cablechat';
    const token = ++this.token;
    const params = new URLSearchParams(location.search);
    const where = Object.fromEntries(['q', ...FACETS.map(([f]) => f)].flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])));
    this.root.setAttribute('data-state', 'loading');
    try {
      const [facets, listing, uploads] = await Promise.all([
        get<Facets>('/api/facets'),
        get<Listing>(`/api/cables?${new URLSearchParams({ ...where, limit: String(PAGE) })}`),
        get<{ enabled: boolean; jobs: UploadJob[] }>('/api/uploads'),
      ]);
      if (token !== this.token) return;
      this.render(where, facets, listing);
      if (uploads.enabled) {
        for (const job of uploads.jobs) if (!this.jobRows.has(job.id)) this.onUpload(job);
        this.root.appendChild(this.uploadPanel());
      }
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
