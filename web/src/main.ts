import './styles.css';
import { ASK_LIMITS } from '../../src/answer/limits.js';
import { Chat } from './chat.js';
import { announce, h, isPlainClick } from './dom.js';
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
  onMessage: (message) => chat.handle(message),
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

const chat = new Chat(messages, intro, socket, () => !chatView.hidden);

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

newConversation.addEventListener('click', () => {
  chat.reset();
  input.focus();
});
retryNow.addEventListener('click', () => socket.retryNow());

// --- routing --------------------------------------------------------------------------------

let chatScrollY = 0;
let returnFocus: HTMLElement | null = null;

const viewer = new Viewer(viewerRoot, () => {
  const back = h('a', { class: 'back-link', href: '/' }, '← Back to chat');
  back.addEventListener('click', (event) => {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    // From a citation click a real "back" keeps history tidy; on a direct load there is nothing to go back to.
    if (routeState()?.fromChat === true) history.back();
    else navigate('/');
  });
  return h('nav', { class: 'viewer-nav', 'aria-label': 'Viewer' }, back);
});

function render(): void {
  const route = currentRoute();
  if (route.view === 'cable') {
    if (!chatView.hidden) {
      chatScrollY = window.scrollY;
      returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    }
    chatView.hidden = true;
    newConversation.hidden = true;
    viewerRoot.hidden = false;
    const state = routeState();
    const spans = state !== null && state.ref === route.ref && state.key === route.key ? state.spans : null;
    void viewer.show(route.ref, route.key, spans);
    return;
  }
  document.title = 'cablechat';
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
