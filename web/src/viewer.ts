import { copyButton } from './card.js';
import { h, highlighted, isPlainClick, quotation } from './dom.js';
import { cableHref, navigate } from './router.js';
import type { CableDocument, CableParagraph, Span } from './protocol.js';

/** Each paragraph's plain text, to restore it after its sentences were marked. */
const paraText = new WeakMap<Element, string>();

type Loaded = { ok: true; cable: CableDocument } | { ok: false; status: number; message: string };

/**
 * The cable viewer at /cable/:ref. Cables are cached for the page's life: going back and forth
 * between chat and viewer should not refetch or lose the scroll position.
 */
export class Viewer {
  private readonly cache = new Map<string, CableDocument>();
  private shownRef: string | null = null;
  private token = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly backLink: () => HTMLElement,
  ) {}

  async show(ref: string, key: string | null, spans: Span[] | null): Promise<void> {
    document.title = `${ref} — cablechat`;
    if (this.shownRef === ref && this.root.getAttribute('data-state') === 'ready') {
      this.cite(key, spans);
      return;
    }
    const token = ++this.token;
    this.shownRef = ref;
    this.root.setAttribute('data-state', 'loading');
    this.root.replaceChildren(this.backLink(), h('p', { class: 'viewer-message', role: 'status' }, `Loading ${ref}…`));
    const loaded = await this.load(ref);
    // A later navigation has taken over while this one was loading.
    if (token !== this.token) return;
    if (!loaded.ok) {
      this.shownRef = null;
      this.root.setAttribute('data-state', loaded.status === 404 ? 'missing' : 'error');
      this.root.replaceChildren(
        this.backLink(),
        h(
          'div',
          { class: 'viewer-message viewer-error', role: 'alert' },
          h('h2', {}, loaded.status === 404 ? 'Cable not found' : 'Could not load the cable'),
          h('p', {}, loaded.status === 404 ? `There is no cable “${ref}” in this index.` : loaded.message),
        ),
      );
      return;
    }
    this.root.replaceChildren(this.backLink(), renderCable(loaded.cable));
    void this.offerRemoval(loaded.cable.ref, token);
    this.root.setAttribute('data-state', 'ready');
    this.cite(key, spans);
  }

  /**
   * Where the server lets this browser change the index (uploads are on), a button takes the cable out; it
   * asks first, waits for the removal to commit, and goes to the archive.
   */
  private async offerRemoval(ref: string, token: number): Promise<void> {
    const state = (await fetch('/api/uploads').then((r) => r.json()).catch(() => ({ enabled: false }))) as { enabled: boolean };
    if (!state.enabled || token !== this.token) return;
    const said = h('span', { class: 'remove-said', role: 'status' });
    const button = h('button', { type: 'button', class: 'button-secondary remove-cable' }, 'Remove from the index');
    button.addEventListener('click', async () => {
      if (!window.confirm(`Remove ${ref} from the index? Its paragraphs will no longer be searched or cited.`)) return;
      button.disabled = true;
      const job = (await (await fetch(`/api/cables/${encodeURIComponent(ref)}`, { method: 'DELETE' })).json()) as { id: string };
      for (;;) {
        await new Promise((r) => setTimeout(r, 300));
        const jobs = ((await (await fetch('/api/uploads')).json()) as { jobs: { id: string; state: string; message?: string }[] }).jobs;
        const now = jobs.find((j) => j.id === job.id);
        if (now && (now.state === 'done' || now.state === 'failed')) {
          said.textContent = now.message ?? now.state;
          this.cache.delete(ref);
          if (now.state === 'done') navigate('/archive');
          else button.disabled = false;
          return;
        }
      }
    });
    this.root.querySelector('.cable-header')?.append(h('div', { class: 'cable-actions' }, button, said));
  }

  /** Marks the cited paragraph (and the quoted sentences, when we came from a card) and brings it into view. */
  private cite(key: string | null, spans: Span[] | null): void {
    for (const el of this.root.querySelectorAll('.para.cited')) {
      el.classList.remove('cited');
      const text = el.querySelector('.para-text');
      const original = paraText.get(el);
      if (text !== null && original !== undefined) text.replaceChildren(original);
    }
    this.root.querySelector('.viewer-missing-para')?.remove();
    if (key === null) {
      window.scrollTo({ top: 0 });
      this.root.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
      return;
    }
    const para = document.getElementById(`p${key}`);
    if (para === null || !this.root.contains(para)) {
      const notice = h('p', { class: 'viewer-message viewer-missing-para', role: 'alert' }, `This cable has no paragraph ¶${key}.`);
      this.root.querySelector('.cable')?.prepend(notice);
      window.scrollTo({ top: 0 });
      return;
    }
    para.classList.add('cited');
    const original = paraText.get(para) ?? '';
    if (spans !== null && spans.length > 0) para.querySelector('.para-text')?.replaceChildren(highlighted(original, spans));
    para.scrollIntoView({ block: 'center' });
    // Focus moves with the view, so keyboard and screen-reader users start at the cited paragraph.
    para.focus({ preventScroll: true });
  }

  private async load(ref: string): Promise<Loaded> {
    const cached = this.cache.get(ref);
    if (cached !== undefined) return { ok: true, cable: cached };
    try {
      const response = await fetch(`/api/cables/${encodeURIComponent(ref)}`, { headers: { accept: 'application/json' } });
      if (!response.ok) {
        const body: unknown = await response.json().catch(() => null);
        const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
        return { ok: false, status: response.status, message: typeof error === 'string' ? error : `HTTP ${response.status}` };
      }
      const cable = (await response.json()) as CableDocument;
      if (!Array.isArray(cable.paragraphs)) return { ok: false, status: 500, message: 'The server sent an unexpected answer.' };
      this.cache.set(ref, cable);
      return { ok: true, cable };
    } catch {
      return { ok: false, status: 0, message: 'The server could not be reached. Try again when the connection is back.' };
    }
  }
}

function renderCable(cable: CableDocument): HTMLElement {
  const facts: Array<[string, string | null]> = [
    ['Reference', cable.ref],
    ['Date', cable.date],
    ['Classification', cable.classification],
    ['Origin', cable.origin],
    ['Tags', cable.tags.length > 0 ? cable.tags.join(' ') : null],
    ['Signature', cable.signature],
  ];
  // Cited cables link to the viewer when this index holds them; the others are named, unlinked.
  const refList = (refs: { ref: string; indexed: boolean }[]) =>
    h('dd', { class: 'cable-refs' }, ...refs.flatMap((r, i) => [i > 0 ? ' ' : null, r.indexed ? refLink(r.ref) : h('span', { class: 'ref-absent', title: 'Not in this index' }, r.ref)]));
  const links: HTMLElement[] = [];
  if (cable.cites?.length) links.push(h('div', { class: 'cites' }, h('dt', {}, 'Cites'), refList(cable.cites)));
  if (cable.citedBy?.length) links.push(h('div', { class: 'cited-by' }, h('dt', {}, 'Cited by'), refList(cable.citedBy.map((ref) => ({ ref, indexed: true })))));
  const header = h(
    'header',
    { class: 'cable-header' },
    h('p', { class: 'cable-ref' }, cable.ref),
    h('h2', { class: 'cable-subject', tabindex: '-1' }, cable.subject ?? cable.ref),
    h(
      'dl',
      { class: 'cable-facts' },
      ...facts
        .filter((f): f is [string, string] => f[1] !== null && f[1] !== '')
        .map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
      ...links,
    ),
  );
  const body = h('div', { class: 'cable-body' });
  let heading: string | null = null;
  for (const para of cable.paragraphs) {
    if (para.heading !== null && para.heading !== heading) body.appendChild(h('h3', { class: 'cable-heading' }, para.heading));
    heading = para.heading;
    body.appendChild(renderParagraph(para));
  }
  return h('article', { class: 'cable', 'aria-label': `Cable ${cable.ref}` }, header, body);
}

function refLink(ref: string): HTMLAnchorElement {
  const a = h('a', { class: 'ref-link', href: cableHref(ref) }, ref);
  a.addEventListener('click', (event) => {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    navigate(cableHref(ref), { view: 'cable', ref, key: '', spans: [], fromChat: true });
  });
  return a;
}

function renderParagraph(para: CableParagraph): HTMLElement {
  // A cable that prints no numbers gets no "¶": its paragraphs are counted, and the label says so.
  const number = para.citation.counted ? `Paragraph ${para.key} (unnumbered)` : para.key === '0' ? 'Preamble' : `¶${para.number ?? para.key}`;
  const el: HTMLElement = h(
    'section',
    { class: 'para', id: `p${para.key}`, 'data-key': para.key, tabindex: '-1', 'aria-label': para.citation.label },
    h(
      'div',
      { class: 'para-head' },
      h('a', { class: 'para-num', href: `#p${encodeURIComponent(para.key)}`, title: `Link to ${para.citation.label}` }, number),
      para.marking !== null ? h('span', { class: 'marking', title: 'Portion marking' }, `(${para.marking})`) : null,
      copyButton('Copy', () => quotation(para.text, currentSpans(el), para.citation.label), `Copy quote from ${para.citation.label}`),
    ),
    h('p', { class: 'para-text' }, para.text),
  );
  paraText.set(el, para.text);
  return el;
}

/** The sentences currently marked in a paragraph, so "Copy" quotes what the reader sees highlighted. */
function currentSpans(para: HTMLElement): Span[] {
  const spans: Span[] = [];
  let at = 0;
  for (const node of para.querySelector('.para-text')?.childNodes ?? []) {
    const length = node.textContent?.length ?? 0;
    if (node.nodeName === 'MARK') spans.push({ start: at, end: at + length });
    at += length;
  }
  return spans;
}
