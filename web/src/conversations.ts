/**
 * Conversations kept in this browser (localStorage): each question with the answer it got, so a reload, a
 * shared cable link or "Back to chat" reopens the conversation, and the server is sent its history again.
 * Nothing leaves the machine: the server keeps no conversations.
 */
import { markedSentences } from './dom.js';
import type { Answer } from './protocol.js';

export interface SavedTurn {
  question: string;
  answer: Answer;
  elapsedMs: number;
}

export interface SavedConversation {
  id: string;
  title: string;
  updated: number;
  turns: SavedTurn[];
}

const KEY = 'cablechat.conversations.v1';
const OPEN = 'cablechat.open.v1';
/** Oldest conversations go first beyond this: localStorage holds about 5 MB, and an answer is about 10 KB. */
const KEPT = 40;

export class ConversationStore {
  list(): SavedConversation[] {
    try {
      const all = JSON.parse(localStorage.getItem(KEY) ?? '[]') as SavedConversation[];
      return Array.isArray(all) ? all.sort((a, b) => b.updated - a.updated) : [];
    } catch {
      return [];
    }
  }

  get(id: string): SavedConversation | undefined {
    return this.list().find((c) => c.id === id);
  }

  save(conversation: SavedConversation): void {
    const rest = this.list().filter((c) => c.id !== conversation.id);
    let all = [conversation, ...rest].slice(0, KEPT);
    // A full store drops the oldest conversations until this one fits.
    for (;;) {
      try {
        localStorage.setItem(KEY, JSON.stringify(all));
        return;
      } catch {
        if (all.length <= 1) return;
        all = all.slice(0, -1);
      }
    }
  }

  rename(id: string, title: string): void {
    const c = this.get(id);
    if (c) this.save({ ...c, title: title.trim() || c.title });
  }

  remove(id: string): void {
    localStorage.setItem(KEY, JSON.stringify(this.list().filter((c) => c.id !== id)));
    if (this.openId() === id) localStorage.removeItem(OPEN);
  }

  openId(): string | null {
    return localStorage.getItem(OPEN);
  }

  setOpen(id: string | null): void {
    if (id === null) localStorage.removeItem(OPEN);
    else localStorage.setItem(OPEN, id);
  }
}

/** A permalink to a paragraph in the viewer, with this origin. */
const permalink = (origin: string, ref: string, key: string) => `${origin}/cable/${encodeURIComponent(ref)}#p${encodeURIComponent(key)}`;

/** The conversation as Markdown: questions, the quoted answer lines with their markers, the citations as links. */
export function toMarkdown(c: SavedConversation, origin: string): string {
  const out = [`# ${c.title}`, '', `Exported from cablechat on ${new Date().toISOString().slice(0, 10)}. Every quote is verbatim from the cited cable paragraph.`, ''];
  for (const { question, answer } of c.turns) {
    out.push(`## ${question}`, '');
    if (answer.abstained) {
      out.push(`> ${answer.note ?? 'No cable paragraph answers this.'}`, '');
      continue;
    }
    answer.passages.slice(0, 2).forEach((p, i) => {
      const quote = markedSentences(p.text, p.highlights).join(' … ');
      if (quote) out.push(`> “${quote}” [${i + 1}]`, '');
    });
    if (answer.band !== 'unrated') out.push(`Confidence: ${answer.band}.`, '');
    answer.passages.forEach((p, i) => out.push(`${i + 1}. [${p.citation.label}](${permalink(origin, p.citation.ref, p.citation.key)}) — ${p.cable.subject ?? p.cable.ref}, ${p.cable.date ?? ''}`));
    out.push('');
  }
  return out.join('\n');
}

/** A link that asks this question again (with the questions before it), for sharing one answer. */
export function answerLink(origin: string, question: string, history: string[]): string {
  const params = new URLSearchParams();
  for (const h of history) params.append('after', h);
  params.set('ask', question);
  return `${origin}/?${params.toString()}`;
}
