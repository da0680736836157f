import './styles.css';
import { ASK_LIMITS } from '../../src/answer/limits.js';
import { Chat } from './chat.js';
import { announce, h, isPlainClick } from './dom.js';
import { ConversationStore, toMarkdown } from './conversations.js';
import { ArchiveView } from './archive.js';
import { PROTOCOL_VERSION } from './protocol.js';
import { currentRoute, navigate, onRouteChange, routeState } from './router.js';
import { ReconnectingSocket, type ConnectionState } from './socket.js';
import { Viewer } from './viewer.js';

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html lacks #${id}`);
  return el as T;
}

const chatView = byId<HTMLElement>('chat-view');
const viewerRoot = byId<HTMLElement>('viewer');
const messages = byId<HTMLElement>('messages');
const intro = byId<HTMLElement>('intro');
const form = byId<HTMLFormElement>('composer');
const input = byId<HTMLTextAreaElement>('question');
const status = byId<HTMLElement>('status');
const statusText = byId<HTMLElement>('status-text');
const retryNow = byId<HTMLButtonElement>('retry-now');
const newConversation = byId<HTMLButtonElement>('new-conversation');
const composerProblem = byId<HTMLElement>('composer-problem');

// We restore the chat's scroll position ourselves when returning from the viewer.
history.scrollRestoration = 'manual';

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
let retryAt: number | null = null;
let countdown: number | undefined;
let connectedOnce = false;

const socket = new ReconnectingSocket(wsUrl, {
  onMessage: (message) => (message.type === 'upload' ? archive.onUpload(message.job) : chat.handle(message)),
  onState: (state, at) => {
    retryAt = at;
    showStatus(state);
  },
  onReady: (hello, reconnected) => {
    status.title = `${hello.cables} cables, ${hello.paragraphs} paragraphs indexed · embedder ${hello.embedder}`;
    if (hello.protocol !== PROTOCOL_VERSION) {
      statusText.textContent = `Connected (protocol ${hello.protocol}, expected ${PROTOCOL_VERSION})`;
    }
    if (reconnected) announce('Connection restored');
    connectedOnce = true;
    chat.onReady(reconnected);
  },
  onLost: () => {
    announce('Connection lost, reconnecting');
    chat.onLost();
  },
});

const store = new ConversationStore();
const chat = new Chat(messages, intro, socket, () => !chatView.hidden, store, () => renderConversations());

// --- conversations kept in this browser -----------------------------------------------------

const panel = byId<HTMLElement>('conversations');
const panelToggle = byId<HTMLButtonElement>('conversations-toggle');
const conversationList = byId<HTMLElement>('conversation-list');

function renderConversations(): void {
  const openId = chat.current?.id ?? null;
  const items = store.list().map((c) => {
    const open = h('button', { type: 'button', class: 'conversation-open', 'aria-current': c.id === openId ? 'true' : null }, c.title);
    open.addEventListener('click', () => {
      chat.restore(c);
      renderConversations();
      if (window.innerWidth < 900) setPanel(false);
    });
    const rename = h('button', { type: 'button', class: 'link-button', 'aria-label': `Rename "${c.title}"` }, 'Rename');
    rename.addEventListener('click', () => {
      const title = window.prompt('Name this conversation', c.title);
      if (title !== null) store.rename(c.id, title);
      renderConversations();
    });
    const remove = h('button', { type: 'button', class: 'link-button', 'aria-label': `Delete "${c.title}"` }, 'Delete');
    remove.addEventListener('click', () => {
      if (!window.confirm(`Delete "${c.title}" from this browser?`)) return;
      store.remove(c.id);
      if (c.id === chat.current?.id) chat.reset();
      renderConversations();
    });
    const when = h('span', { class: 'conversation-when' }, `${new Date(c.updated).toLocaleString()} · ${c.turns.length} question${c.turns.length === 1 ? '' : 's'}`);
    return h('li', { class: 'conversation-item' }, open, when, h('span', { class: 'conversation-actions' }, rename, remove));
  });
  conversationList.replaceChildren(...(items.length ? items : [h('li', { class: 'conversation-empty' }, 'No conversations yet.')]));
}

function setPanel(open: boolean): void {
  panel.hidden = !open;
  panelToggle.setAttribute('aria-expanded', String(open));
  document.body.classList.toggle('with-panel', open);
  if (open) renderConversations();
}
panelToggle.addEventListener('click', () => setPanel(panel.hidden));

byId<HTMLButtonElement>('export-conversation').addEventListener('click', () => {
  const c = chat.current;
  if (!c) return announce('Nothing to export yet: ask a question first.');
  const url = URL.createObjectURL(new Blob([toMarkdown(c, location.origin)], { type: 'text/markdown' }));
  const a = h('a', { href: url, download: `${c.title.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60) || 'conversation'}.md` });
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

// A shared answer link (?ask=…&after=…) asks its questions again, in a new conversation; otherwise the
// conversation open before a reload (or a visit to a cable page) comes back.
{
  const params = new URLSearchParams(location.search);
  const asked = params.get('ask');
  if (asked) {
    for (const q of [...params.getAll('after'), asked]) chat.ask(q);
    history.replaceState(history.state, '', '/');
  } else {
    const open = store.openId();
    const kept = open ? store.get(open) : undefined;
    if (kept) chat.restore(kept);
  }
}

function showStatus(state: ConnectionState): void {
  status.setAttribute('data-state', state);
  retryNow.hidden = state !== 'closed';
  window.clearInterval(countdown);
  if (state === 'open') statusText.textContent = 'Connected';
  else if (state === 'connecting') statusText.textContent = connectedOnce ? 'Reconnecting…' : 'Connecting…';
  else {
    const tick = (): void => {
      const seconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
      statusText.textContent = `Disconnected · retrying in ${seconds} s`;
    };
    tick();
    countdown = window.setInterval(tick, 1000);
  }
}

// --- composer -------------------------------------------------------------------------------

function autosize(): void {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
}

/** A question over the limit is not cut to fit (that would ask something else): the user is told instead. */
function tooLong(): boolean {
  const n = input.value.trim().length;
  const over = n > ASK_LIMITS.questionChars;
  composerProblem.hidden = !over;
  composerProblem.textContent = over ? `This question is ${n.toLocaleString('en')} characters long; the limit is ${ASK_LIMITS.questionChars.toLocaleString('en')}. Shorten it to send it.` : '';
  input.setAttribute('aria-invalid', String(over));
  return over;
}

function submit(): void {
  if (tooLong()) return;
  if (chat.ask(input.value)) {
    input.value = '';
    autosize();
  }
  input.focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  submit();
});
input.addEventListener('keydown', (event) => {
  // isComposing: Enter also confirms an IME candidate and must not send half-typed text.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});
input.addEventListener('input', () => {
  autosize();
  if (!composerProblem.hidden) tooLong();
});

// Example questions come from the loaded index (GET /api/examples): each was asked once and answered there.
void (async () => {
  try {
    const res = await fetch('/api/examples');
    if (!res.ok) return;
    const { questions } = (await res.json()) as { questions: string[] };
    const list = byId<HTMLElement>('examples');
    for (const q of questions) {
      const button = h('button', { type: 'button', 'data-example': q }, q);
      button.addEventListener('click', () => chat.ask(q));
      list.appendChild(h('li', {}, button));
    }
    byId<HTMLElement>('examples-label').hidden = questions.length === 0;
  } catch {
    // No examples is a fine welcome screen too.
  }
})();

// Filter examples in the help line insert themselves, which is quicker than typing quotes on a phone.
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-insert]')) {
  button.addEventListener('click', () => {
    const token = button.getAttribute('data-insert') ?? '';
    const before = input.value.slice(0, input.selectionStart);
    const after = input.value.slice(input.selectionEnd);
    const lead = before === '' || before.endsWith(' ') ? '' : ' ';
    input.value = `${before}${lead}${token} ${after}`;
    const caret = before.length + lead.length + token.length + 1;
    input.focus();
    input.setSelectionRange(caret, caret);
    autosize();
  });
}

// The filter examples name this index's own origins, years, tags, classifications and newest cable.
void (async () => {
  try {
    const [facets, newest] = await Promise.all([
      fetch('/api/facets').then((r) => r.json() as Promise<Record<'origin' | 'year' | 'classification' | 'tag', { value: string }[]>>),
      fetch('/api/cables?limit=1').then((r) => r.json() as Promise<{ items: { ref: string }[] }>),
    ]);
    const years = facets.year.map((y) => y.value).sort();
    const examples: Record<string, string | undefined> = {
      origin: facets.origin[0] && `origin:"${facets.origin[0].value}"`,
      after: years[0] && `after:${years[0]}-01`,
      before: years.at(-1) && `before:${years.at(-1)}-12`,
      tag: facets.tag[0] && `tag:${facets.tag[0].value}`,
      classification: facets.classification[0] && `classification:${/\s/.test(facets.classification[0].value) ? `"${facets.classification[0].value.toLowerCase()}"` : facets.classification[0].value.toLowerCase()}`,
      cable: newest.items[0] && `cable:${newest.items[0].ref}`,
    };
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-insert]')) {
      const key = (button.getAttribute('data-insert') ?? '').split(':')[0]!;
      const example = examples[key];
      if (example) (button.setAttribute('data-insert', example), (button.textContent = example));
      else button.hidden = true;
    }
  } catch {
    // The built-in examples stay.
  }
})();

// On a phone the filter examples wait behind one button, and the box asks in fewer words.
const filtersToggle = byId<HTMLButtonElement>('filters-toggle');
const filterHelp = byId<HTMLElement>('filter-help');
filtersToggle.addEventListener('click', () => {
  const open = filterHelp.classList.toggle('open');
  filtersToggle.setAttribute('aria-expanded', String(open));
});
const phone = window.matchMedia('(max-width: 600px)');
const placeholder = () => (input.placeholder = phone.matches ? 'Ask the cables…' : 'Ask a question about the cables…');
placeholder();
phone.addEventListener('change', placeholder);

newConversation.addEventListener('click', () => {
  chat.reset();
  renderConversations();
  input.focus();
});
retryNow.addEventListener('click', () => socket.retryNow());

// --- routing --------------------------------------------------------------------------------

let chatScrollY = 0;
let returnFocus: HTMLElement | null = null;

/** Where the viewer was opened from, for its way back. */
let listView: 'chat' | 'archive' = 'chat';

const viewer = new Viewer(viewerRoot, () => {
  const home = listView === 'archive' ? '/archive' : '/';
  const back = h('a', { class: 'back-link', href: home }, listView === 'archive' ? '← Back to the archive' : '← Back to chat');
  back.addEventListener('click', (event) => {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    // From a citation click a real "back" keeps history tidy; on a direct load there is nothing to go back to.
    if (routeState()?.fromChat === true) history.back();
    else navigate(home);
  });
  return h('nav', { class: 'viewer-nav', 'aria-label': 'Viewer' }, back);
});

const archiveRoot = byId<HTMLElement>('archive-view');
const archive = new ArchiveView(archiveRoot);
byId<HTMLAnchorElement>('archive-link').addEventListener('click', (event) => {
  if (!isPlainClick(event)) return;
  event.preventDefault();
  navigate('/archive');
});

function render(): void {
  const route = currentRoute();
  archiveRoot.hidden = route.view !== 'archive';
  if (route.view === 'archive') {
    listView = 'archive';
    if (!chatView.hidden) chatScrollY = window.scrollY;
    chatView.hidden = true;
    viewerRoot.hidden = true;
    newConversation.hidden = true;
    void archive.show();
    return;
  }
  if (route.view === 'cable') {
    if (!chatView.hidden) {
      chatScrollY = window.scrollY;
      returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    }
    chatView.hidden = true;
    newConversation.hidden = true;
    viewerRoot.hidden = false;
    const state = routeState();
    const spans = state !== null && state.ref === route.ref && state.key === route.key ? state.spans : route.spans;
    void viewer.show(route.ref, route.key, spans);
    return;
  }
  document.title = 'cablechat';
  listView = 'chat';
  const wasHidden = chatView.hidden;
  viewerRoot.hidden = true;
  chatView.hidden = false;
  newConversation.hidden = false;
  if (wasHidden) {
    window.scrollTo({ top: chatScrollY });
    if (returnFocus !== null && document.contains(returnFocus)) returnFocus.focus({ preventScroll: true });
    else input.focus({ preventScroll: true });
  }
}

onRouteChange(render);
window.addEventListener('popstate', render);

byId<HTMLAnchorElement>('home').addEventListener('click', (event) => {
  if (!isPlainClick(event)) return;
  event.preventDefault();
  if (currentRoute().view !== 'chat') navigate('/');
});

chatView.hidden = false;
render();
socket.start();
