import { ASK_LIMITS } from '../../src/answer/limits.js';
import { copyButton, passageCard } from './card.js';
import { answerLink, ConversationStore, type SavedConversation } from './conversations.js';
import { announce, h, markedSentences, replace } from './dom.js';
import type { AckMessage, Answer, DoneMessage, ErrorMessage, Filters, Passage, ServerMessage } from './protocol.js';
import type { ReconnectingSocket } from './socket.js';

type Phase = 'queued' | 'sent' | 'acked' | 'done' | 'error';

interface Turn {
  id: string;
  /** Creation order; survives retries, which change the id. */
  seq: number;
  question: string;
  phase: Phase;
  root: HTMLElement;
  answer: HTMLElement;
  status: HTMLElement;
  meta: HTMLElement;
  body: HTMLElement;
  streamed: Array<{ rank: number; el: HTMLElement }>;
  failTimer: number | undefined;
}

/** How long a question typed while offline waits for the connection before it is shown as failed. */
const QUEUE_TIMEOUT_MS = 30_000;

const FILTER_NAMES: Record<keyof Filters, string> = {
  origin: 'origin',
  after: 'after',
  before: 'before',
  classification: 'classification',
  tag: 'tag',
  cable: 'cable',
};

/** The server decides the band (cut where it is right as often as it says); the page only names it. */
export function confidenceLevel(answer: Pick<Answer, 'band'>): string {
  return answer.band === 'unrated' ? 'Unrated' : answer.band.charAt(0).toUpperCase() + answer.band.slice(1);
}

const BAND_TITLES: Record<Answer['band'], string> = {
  high: 'High: on held-out test questions, answers in this band had the right first passage at least 85% of the time',
  medium: 'Medium: on held-out test questions, answers in this band had the right first passage about half to two thirds of the time: check the cited paragraph',
  low: 'Low: answers in this band were right less than 40% of the time',
  unrated: 'This embedding model has no fitted confidence: the answer is ranked, but not rated',
};

let sequence = 0;
function newRequestId(): string {
  sequence += 1;
  return `q${Date.now().toString(36)}-${sequence}`;
}

export class Chat {
  private readonly turns = new Map<string, Turn>();
  /** The turn whose streaming the reader was following (at the bottom of the page when its cards came in). */
  private following: string | null = null;

  /** The conversation on screen as kept in this browser; null until its first answer. */
  private saved: SavedConversation | null = null;

  constructor(
    private readonly list: HTMLElement,
    private readonly intro: HTMLElement,
    private readonly socket: ReconnectingSocket,
    private readonly isVisible: () => boolean,
    private readonly store: ConversationStore = new ConversationStore(),
    /** Called when the kept conversations change (the side list redraws). */
    private readonly onSaved: () => void = () => {},
  ) {}

  /** The conversation on screen, as kept (null before its first answer). */
  get current(): SavedConversation | null {
    // As kept now: the side list may have renamed it.
    if (this.saved) this.saved = this.store.get(this.saved.id) ?? this.saved;
    return this.saved;
  }

  /** Shows a kept conversation as it was; the server gets its questions as history with the next ask. */
  restore(conversation: SavedConversation): void {
    this.reset(false);
    for (const t of conversation.turns) {
      const turn = this.createTurn(t.question);
      this.list.appendChild(turn.root);
      turn.phase = 'done';
      this.showDone(turn, t.answer, t.elapsedMs);
    }
    this.saved = conversation;
    this.store.setOpen(conversation.id);
  }

  ask(rawQuestion: string): boolean {
    const question = rawQuestion.trim();
    if (question === '') return false;
    const turn = this.createTurn(question);
    this.stickToBottom(() => this.list.appendChild(turn.root), true);
    this.dispatch(turn);
    return true;
  }

  /** Called after each hello: anything typed while offline goes out now, in order. */
  onReady(reconnected: boolean): void {
    // Every ask carries the conversation so far, so a reconnect (or a restarted server) loses nothing.
    void reconnected;
    // In the order they appear on screen, which is the order follow-ups were written in.
    const queued = [...this.turns.values()].filter((t) => t.phase === 'queued').sort((a, b) => a.seq - b.seq);
    for (const turn of queued) this.dispatch(turn);
  }

  /** The socket dropped: whatever was in flight on it will never be answered. */
  onLost(): void {
    for (const turn of this.turns.values()) {
      if (turn.phase === 'sent' || turn.phase === 'acked') {
        this.fail(turn, 'Connection lost before the answer was complete.', true);
      }
    }
  }

  reset(announceIt = true): void {
    if (this.socket.isReady) this.socket.send({ type: 'reset', id: newRequestId() });
    for (const turn of this.turns.values()) window.clearTimeout(turn.failTimer);
    this.turns.clear();
    this.list.replaceChildren();
    this.intro.hidden = false;
    this.saved = null;
    this.store.setOpen(null);
    if (announceIt) announce('New conversation');
  }

  handle(message: ServerMessage): void {
    if (message.type === 'hello' || message.type === 'reset' || message.type === 'upload') return;
    if (message.type === 'error' && message.id === null) {
      this.systemLine(`Server error (${message.code}): ${message.message}`, 'error');
      return;
    }
    const turn = message.id === null ? undefined : this.turns.get(message.id);
    // Unknown ids belong to a conversation that was reset or to an earlier retry.
    if (turn === undefined || turn.phase === 'done' || turn.phase === 'error') return;
    try {
      switch (message.type) {
        case 'ack':
          return this.onAck(turn, message);
        case 'passage':
          return this.onPassage(turn, message.rank, message.passage);
        case 'done':
          return this.onDone(turn, message);
        case 'error':
          return this.onError(turn, message);
      }
    } catch (error) {
      // A malformed message must end this one question visibly, not leave it spinning forever.
      console.error('cablechat: cannot display', message, error);
      this.fail(turn, 'The server sent an answer this page cannot display.', true);
    }
  }

  private createTurn(question: string): Turn {
    const id = newRequestId();
    const status = h('p', { class: 'answer-status' });
    const meta = h('div', { class: 'answer-meta' });
    const body = h('div', { class: 'answer-body' });
    const answer = h(
      'section',
      { class: 'answer', 'data-state': 'streaming', 'data-request-id': id, 'aria-label': `Answer to: ${question}` },
      status,
      meta,
      body,
    );
    const root = h('div', { class: 'turn' }, h('div', { class: 'question', 'aria-label': 'Your question' }, question), answer);
    this.intro.hidden = true;
    const turn: Turn = { id, seq: sequence, question, phase: 'queued', root, answer, status, meta, body, streamed: [], failTimer: undefined };
    this.turns.set(id, turn);
    return turn;
  }

  /** Sends now when connected, otherwise waits (visibly) for the next hello. */
  private dispatch(turn: Turn): void {
    window.clearTimeout(turn.failTimer);
    if (this.socket.send({ type: 'ask', id: turn.id, question: turn.question, history: this.historyBefore(turn) })) {
      turn.phase = 'sent';
      this.setStatus(turn, 'Sent, waiting for the server…', true);
      return;
    }
    turn.phase = 'queued';
    this.setStatus(turn, 'Not connected. Will send when the connection is back…', true);
    turn.failTimer = window.setTimeout(() => {
      if (turn.phase === 'queued') this.fail(turn, 'Not sent: the server could not be reached.', true);
    }, QUEUE_TIMEOUT_MS);
  }

  /**
   * The questions before this one on screen, answered or still on their way (not failed ones): a follow-up
   * typed before the previous answer arrives is read with it. The server answers one socket's questions in
   * order, so the turn before has its answer by the time this one is searched.
   */
  private historyBefore(turn: Turn): string[] {
    const earlier = [...this.turns.values()].filter((t) => t.seq < turn.seq && t.phase !== 'error').sort((a, b) => a.seq - b.seq);
    return earlier.map((t) => t.question).slice(-ASK_LIMITS.historyItems);
  }

  private retry(turn: Turn): void {
    // A fresh id, so late messages for the failed attempt can never land in the new one.
    this.turns.delete(turn.id);
    turn.id = newRequestId();
    turn.answer.setAttribute('data-request-id', turn.id);
    turn.answer.setAttribute('data-state', 'streaming');
    turn.meta.replaceChildren();
    turn.body.replaceChildren();
    turn.streamed = [];
    this.turns.set(turn.id, turn);
    this.dispatch(turn);
  }

  private onAck(turn: Turn, message: AckMessage): void {
    turn.phase = 'acked';
    this.setStatus(turn, 'Searching…', true);
    this.renderMeta(turn, message.question, message.searched, message.filters);
  }

  private onPassage(turn: Turn, rank: number, passage: Passage): void {
    if (turn.phase === 'sent') turn.phase = 'acked';
    let list = turn.body.querySelector<HTMLElement>('.passages');
    if (list === null) {
      list = h('div', { class: 'passages' });
      turn.body.appendChild(list);
    }
    const card = passageCard(passage, rank);
    const next = turn.streamed.find((s) => s.rank > rank);
    // Streamed cards do not pull the page down: the answer's top is where the reader is taken when it is done.
    if (this.isVisible() && window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160) this.following = turn.id;
    list.insertBefore(card, next?.el ?? null);
    turn.streamed.push({ rank, el: card });
    turn.streamed.sort((a, b) => a.rank - b.rank);
    const n = turn.streamed.length;
    this.setStatus(turn, `Found ${n} passage${n === 1 ? '' : 's'}, ranking…`, true);
  }

  private onDone(turn: Turn, message: DoneMessage): void {
    const { answer } = message;
    turn.phase = 'done';
    // Streamed cards are replaced by the final list: `done` is authoritative. Keep keyboard focus on
    // the same citation if the user had already tabbed into a card.
    const active = document.activeElement;
    const focused = active !== null && turn.body.contains(active) ? (active.closest('.passage')?.getAttribute('data-citation') ?? null) : null;
    // A reader who was following the conversation is taken to the top of the answer (the question, the answer
    // line and the first card), not left at the bottom of its last card.
    const following = this.isVisible() && window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
    this.showDone(turn, answer, message.elapsed_ms);
    if (following || this.following === turn.id) turn.root.scrollIntoView({ block: 'start' });
    this.keep(turn.question, answer, message.elapsed_ms);
    if (focused !== null) {
      for (const link of turn.body.querySelectorAll<HTMLElement>('.passage .citation')) {
        if (link.getAttribute('data-citation') === focused) link.focus();
      }
    }
    announce(spokenSummary(answer));
  }

  private showDone(turn: Turn, answer: Answer, elapsedMs: number): void {
    this.renderMeta(turn, answer.question, answer.searched, answer.filters);
    const history = this.historyBefore(turn);
    turn.body.replaceChildren(...this.renderAnswer(answer, turn.id), feedbackBar(answer, history));
    turn.status.replaceChildren(h('span', { class: 'elapsed' }, summaryLine(answer, elapsedMs)));
    turn.status.classList.remove('busy');
    turn.answer.setAttribute('data-state', 'done');
  }

  /** Keeps the answered turn with its conversation in this browser. */
  private keep(question: string, answer: Answer, elapsedMs: number): void {
    const now = Date.now();
    this.saved ??= { id: `c${now.toString(36)}${Math.random().toString(36).slice(2, 6)}`, title: question.slice(0, 80), updated: now, turns: [] };
    this.saved = { ...this.saved, updated: now, turns: [...this.saved.turns, { question, answer, elapsedMs }] };
    this.store.save(this.saved);
    this.store.setOpen(this.saved.id);
    this.onSaved();
  }

  private onError(turn: Turn, message: ErrorMessage): void {
    // An internal failure, a timeout or a busy server may pass; a rejected request would only be rejected again.
    this.fail(turn, `${message.message} (${message.code})`, message.code === 'internal' || message.code === 'timeout' || message.code === 'busy');
  }

  private fail(turn: Turn, text: string, retryable: boolean): void {
    window.clearTimeout(turn.failTimer);
    turn.phase = 'error';
    turn.answer.setAttribute('data-state', 'error');
    turn.status.classList.remove('busy');
    turn.status.replaceChildren();
    const retry = retryable ? h('button', { type: 'button', class: 'retry' }, 'Retry') : null;
    retry?.addEventListener('click', () => this.retry(turn));
    this.stickToBottom(() => turn.body.replaceChildren(h('p', { class: 'error-line', role: 'alert' }, h('strong', {}, 'Error: '), text, ' ', retry)));
    announce(`Error: ${text}`);
  }

  private setStatus(turn: Turn, text: string, busy: boolean): void {
    turn.status.classList.toggle('busy', busy);
    replace(turn.status, busy ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, text);
  }

  private renderMeta(turn: Turn, question: string, searchedRaw: string, filtersRaw: Filters): void {
    const filters = filtersRaw ?? {};
    const searched = searchedRaw ?? '';
    const chips = (Object.keys(FILTER_NAMES) as Array<keyof Filters>)
      .filter((name) => typeof filters[name] === 'string' && filters[name] !== '')
      .map((name) => h('span', { class: 'filter-chip' }, `${FILTER_NAMES[name]} ${filters[name] ?? ''}`));
    // Showing the searched form lets the user check how a follow-up was resolved.
    const showSearched = searched.trim() !== '' && searched.trim() !== question.trim();
    replace(
      turn.meta,
      chips.length > 0 ? h('p', { class: 'filters' }, h('span', { class: 'filters-label' }, 'Filtered:'), ...chips) : null,
      showSearched ? h('p', { class: 'searched' }, 'Searched as: ', h('q', {}, searched)) : null,
    );
  }

  private renderAnswer(answer: Answer, turnId: string): HTMLElement[] {
    // An abstention's note repeats the title ("No cable paragraph answers this: none gives a number…");
    // show only what it adds: the reason.
    const noteText = answer.abstained ? (answer.note ?? '').replace(/^No cable paragraph answers this(: |\. ?)?/, '') : (answer.note ?? '');
    const note = noteText !== '' ? h('p', { class: 'answer-note' }, noteText.charAt(0).toUpperCase() + noteText.slice(1)) : null;
    if (answer.abstained) {
      const blocks: HTMLElement[] = [
        h('div', { class: 'abstained', role: 'note' }, h('p', { class: 'abstained-title' }, 'No cable paragraph answers this.'), note),
      ];
      const closest = answer.closest ?? [];
      if (closest.length > 0) {
        blocks.push(
          h(
            'section',
            { class: 'closest', 'aria-label': 'Closest, but not an answer' },
            h('h3', { class: 'closest-title' }, 'Closest, but not an answer'),
            h('p', { class: 'closest-hint' }, 'The nearest paragraphs found. They do not answer the question; shown so you can check.'),
            h('div', { class: 'passages' }, ...closest.map((p, i) => passageCard(p, i + 1, true))),
          ),
        );
      }
      return blocks;
    }
    if (answer.passages.length === 0) {
      return [h('div', { class: 'no-passages' }, h('p', {}, 'No passages found.'), note)];
    }
    const level = confidenceLevel(answer);
    const confidence = h(
      'span',
      { class: `confidence confidence-${answer.band}`, title: BAND_TITLES[answer.band] },
      answer.band === 'unrated' ? 'Confidence not rated' : `${level} confidence`,
    );
    const cardId = (rank: number) => `${turnId}-p${rank}`;
    return [
      answerLine(answer, cardId),
      h('div', { class: 'answer-summary' }, confidence, note),
      h(
        'div',
        { class: 'passages' },
        ...answer.passages.map((p, i) => {
          const card = passageCard(p, i + 1, false, cardId(i + 1));
          // The cable's subject, date and origin once per run of cards from one cable: the citation names it.
          if (i > 0 && answer.passages[i - 1]!.citation.ref === p.citation.ref) card.classList.add('same-cable');
          return card;
        }),
      ),
    ];
  }

  private systemLine(text: string, kind: 'notice' | 'error'): void {
    this.stickToBottom(() => this.list.appendChild(h('p', { class: `system-line ${kind}`, role: kind === 'error' ? 'alert' : null }, text)));
  }

  /**
   * Follows new content only when the reader is already at the bottom, so streaming never pulls the
   * page away from something being read.
   */
  private stickToBottom(mutate: () => void, force = false): void {
    const visible = this.isVisible();
    const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
    mutate();
    if (visible && (force || atBottom)) window.scrollTo({ top: document.documentElement.scrollHeight });
  }
}

/** How many passages the answer line quotes: the first, and the next one when it answers from elsewhere. */
const QUOTED = 2;

/**
 * The answer in the cables' own words: the marked sentences of the first passages, verbatim, each followed by
 * a marker that jumps to its card. Nothing here is written by the tool.
 */
function answerLine(answer: Answer, cardId: (rank: number) => string): HTMLElement {
  const quotes: HTMLElement[] = [];
  const seen = new Set<string>();
  answer.passages.slice(0, QUOTED).forEach((p, i) => {
    const sentences = markedSentences(p.text, p.highlights);
    const text = sentences.join(' … ');
    if (text === '' || seen.has(text)) return;
    seen.add(text);
    const rank = i + 1;
    const marker = h('a', { class: 'marker', href: `#${cardId(rank)}`, 'aria-label': `Passage ${rank}, ${p.citation.label}`, title: p.citation.label }, `[${rank}]`);
    marker.addEventListener('click', (event) => {
      event.preventDefault();
      const card = document.getElementById(cardId(rank));
      card?.scrollIntoView({ block: 'start', behavior: 'smooth' });
      card?.focus({ preventScroll: true });
    });
    quotes.push(h('p', { class: 'answer-quote' }, h('q', {}, text), ' ', marker));
  });
  return h('div', { class: 'answer-line', role: 'group', 'aria-label': 'Answer, quoted from the cables' }, ...quotes);
}

/**
 * Thumbs up or down on this answer, kept with the index (POST /api/feedback): the question, the conversation
 * before it, what was shown, and the verdict, for a maintainer to turn into eval questions.
 */
function feedbackBar(answer: Answer, history: string[]): HTMLElement {
  const said = h('span', { class: 'feedback-said', role: 'status' });
  const send = async (verdict: 'up' | 'down', button: HTMLButtonElement) => {
    for (const b of bar.querySelectorAll('button')) b.disabled = true;
    const first = answer.passages[0];
    const body = {
      question: answer.question,
      history,
      citations: answer.passages.map((p) => p.citation.label),
      quote: first ? markedSentences(first.text, first.highlights).join(' … ') : '',
      refused: answer.abstained,
      verdict,
    };
    try {
      const res = await fetch('/api/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const reply = (await res.json().catch(() => ({}))) as { error?: string };
      if (!res.ok) throw new Error(reply.error ?? `HTTP ${res.status}`);
      button.setAttribute('aria-pressed', 'true');
      said.textContent = 'Thanks: kept with the index for the maintainers.';
    } catch (error) {
      for (const b of bar.querySelectorAll('button')) b.disabled = false;
      said.textContent = `Not saved: ${(error as Error).message}`;
    }
  };
  const up = h('button', { type: 'button', class: 'thumb', 'data-verdict': 'up', 'aria-pressed': 'false', title: 'This answer helped' }, '👍 Helpful');
  const down = h('button', { type: 'button', class: 'thumb', 'data-verdict': 'down', 'aria-pressed': 'false', title: 'This answer was wrong or missed the point' }, '👎 Not helpful');
  up.addEventListener('click', () => void send('up', up));
  down.addEventListener('click', () => void send('down', down));
  const link = copyButton('Copy link', () => answerLink(location.origin, answer.question, history), 'Copy a link that asks this question again');
  const bar = h('div', { class: 'feedback', role: 'group', 'aria-label': 'Was this answer helpful?' }, up, down, link, said);
  return bar;
}

function summaryLine(answer: Answer, elapsedMs: number): string {
  const seconds = Number.isFinite(elapsedMs) ? ` · ${(elapsedMs / 1000).toFixed(1)} s` : '';
  if (answer.abstained) return `No answer${seconds}`;
  const n = answer.passages.length;
  return `${n} passage${n === 1 ? '' : 's'}${seconds}`;
}

function spokenSummary(answer: Answer): string {
  if (answer.abstained) return 'No cable paragraph answers this.';
  const first = answer.passages[0];
  if (first === undefined) return 'No passages found.';
  const n = answer.passages.length;
  return `Answer: ${n} passage${n === 1 ? '' : 's'}, first ${first.citation.label}, ${answer.band === 'unrated' ? 'confidence not rated' : `${answer.band} confidence`}`;
}
