/**
 * Example questions for the chat's welcome screen, drawn from the loaded index so that they are about cables
 * the user has and get an answer: questions made from section headings of the newest cables, each asked once
 * and kept only when the answer cites its own cable and is not refused. Computed on first request and again
 * when the index changes.
 */
import type { Cablechat } from '../cablechat.js';

/** Cables looked at, and questions tried, at most: a few asks on a first visit, not a scan of the archive. */
const CABLES_READ = 30;
const TRIES = 12;

export class ExampleQuestions {
  private cached: { key: string; questions: Promise<string[]> } | null = null;

  constructor(private readonly chat: Cablechat) {}

  get(want = 3): Promise<string[]> {
    const s = this.chat.stats();
    const key = `${s.cables}:${s.paragraphs}`;
    if (this.cached?.key !== key) this.cached = { key, questions: this.find(want) };
    return this.cached.questions;
  }

  private async find(want: number): Promise<string[]> {
    const out: string[] = [];
    let tries = 0;
    const { total, items } = this.chat.listCables(0, CABLES_READ);
    const perCable = total < want ? want : PER_CABLE;
    for (const summary of items) {
      const cable = this.chat.cable(summary.ref);
      if (!cable) continue;
      const headings = [...new Set(cable.paragraphs.map((p) => p.heading).filter((h): h is string => typeof h === 'string' && usable(h)))];
      const topics = headings.length ? headings : cable.subject && usable(cable.subject) ? [cable.subject] : [];
      // At most two from one cable where there are others, so that the examples show more than one cable.
      for (const topic of topics.slice(0, perCable)) {
        if (out.length >= want || tries >= TRIES) return out;
        const question = `What did ${cable.origin ?? 'the cable'} report on "${titleCase(topic)}"?`;
        tries++;
        const a = await this.chat.ask({ question, k: 1 });
        if (!a.abstained && a.band !== 'low' && a.passages[0]?.citation.ref === cable.ref) out.push(question);
      }
    }
    return out;
  }
}

const PER_CABLE = 2;

/** A heading worth asking about: a few words, not a marking, a number or a whole sentence. */
function usable(text: string): boolean {
  const words = text.trim().split(/\s+/);
  return words.length >= 2 && words.length <= 8 && /[a-z]/i.test(text) && !/^(summary|comment|background)\b/i.test(text);
}

/** "CAMBODIA BORDER CROSSING" → "Cambodia Border Crossing"; mixed-case text stays as written. */
function titleCase(text: string): string {
  const t = text.trim().replace(/[.:]+$/, '');
  return t === t.toUpperCase() ? t.toLowerCase().replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase()) : t;
}
