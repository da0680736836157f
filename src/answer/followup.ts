/**
 * The follow-up stage: whether a question leans on the turn before it, and if so what it leans on — that
 * question, the paragraph its answer cited first, and the names the user read in that answer.
 */
import type { Filters } from '../domain.js';
import type { Corpus, QueryAnalysis } from '../retrieve/index.js';
import { isStopWord, words } from '../retrieve/text.js';
import type { Conversation } from './conversation.js';
import { unknownWords } from './decide.js';

export interface FollowUp {
  /** What the search leans on: names from the previous answer (if any), then the previous question as asked. */
  context: string[];
  /** The paragraph the previous answer cited first. */
  previous?: { ref: string; ord: number };
  /** Names from the previous answer's marked sentence that no question of the conversation has named. */
  names?: string[];
}

/**
 * A question is read as a follow-up when it leans on the turn before: it opens with a connective ("And…",
 * "What about…"), refers back ("them", "that work") without naming much of its own, names nothing at all, or
 * names only what the turn before named. Returns the turn it leans on, or null.
 */
export function leansOn(q: QueryAnalysis, before: QueryAnalysis | undefined): QueryAnalysis | null {
  if (!before) return null;
  const text = q.text;
  // Not "why": most why-questions stand alone ("Why did IOM scale back its services around Poipet?").
  const opens = /^(and|but|also|so|then|what about|how about|and what|what else|who else)\b/i.test(text);
  const refersBack = /\b(they|them|their|those|these|that|this|it|its|he|him|his|she|her|there|then|such|the same|the latter|the former)\b/i.test(text);
  const named = q.names.length;
  const short = q.words.length <= 7;
  // In a conversation, a question that names nothing, not even a year ("What time did the crew finally
  // leave?"), is about what was being discussed.
  const namesNothing = named === 0 && !q.hasDigit && q.words.length <= 12;
  // A short question that names only what the previous turn named ("How did the FARC answer?") continues it.
  const namesOnlyEarlier = short && named > 0 && q.names.every((n) => before.mentioned.has(n));
  return opens || (refersBack && (short || named === 0)) || namesNothing || namesOnlyEarlier ? before : null;
}

/**
 * What a follow-up leans on. The names in the previous answer's marked sentence join the context: after "Who
 * did the German guests defer to?" the user read "Perthes", and "What sanctions does he think would work?" is
 * about Perthes, whom no question named.
 */
export async function followUp(corpus: Corpus, question: QueryAnalysis, conversation: Conversation, filters: Filters): Promise<FollowUp> {
  const turns = conversation.turns;
  const last = turns.at(-1);
  if (!last || last.refused || !leansOn(question, last.analysis)) return { context: [] };
  // Words the archive does not know ("asdfghjkl", "And Bhutan?") tie a question to nothing: it stands alone,
  // and is refused as such.
  if (unknownWords(corpus, question, true).length) return { context: [] };
  const top = await conversation.lastTop(corpus, filters);
  // After a refusal there is no answer to follow up on: the question stands alone.
  if (!top) return { context: [] };
  const context = [last.raw];
  const best = top.best[0];
  const known = new Set([...turns.flatMap((t) => [...t.analysis.mentioned]), ...question.words.map((w) => w.word)]);
  const names = best ? namesIn(top.paragraph.text.slice(best.span.start, best.span.end), known, top.paragraph.text) : [];
  return {
    context: names.length ? [names.join(' '), ...context] : context,
    previous: { ref: top.paragraph.ref, ord: top.paragraph.ord },
    names,
  };
}

const CALENDAR = /^(january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/;

/**
 * Capitalised words of a cable sentence that the conversation has not named yet (`known`: its words, lower-
 * cased); none in all-caps cables. A word that opens a sentence is capitalised whatever it is ("Although",
 * "Despite", "Summary"), so there it counts as a name only if `paragraph` also capitalises it in mid-sentence
 * ("… Ron Dunne reported …").
 */
export function namesIn(sentence: string, known: ReadonlySet<string>, paragraph = sentence): string[] {
  const letters = sentence.replace(/[^A-Za-z]/g, '');
  if (letters.replace(/[^A-Z]/g, '').length > letters.length / 2) return [];
  // Only a capital that opens a sentence needs the paragraph read, so that is read once, and only then.
  let midCapitals: Set<string> | undefined;
  const capitalisedMidSentence = (word: string) =>
    (midCapitals ??= new Set(
      words(paragraph)
        .filter((w) => /^[A-Z][a-z]/.test(paragraph.slice(w.start, w.end)) && !opensSentence(paragraph, w.start))
        .map((w) => w.word),
    )).has(word);
  const found: string[] = [];
  let end = -1;
  for (const w of words(sentence)) {
    const raw = sentence.slice(w.start, w.end);
    if (!/^[A-Z][a-z]/.test(raw) || isStopWord(w.word) || known.has(w.word) || CALENDAR.test(w.word)) continue;
    if (opensSentence(sentence, w.start) && !capitalisedMidSentence(w.word)) continue;
    const name = raw.replace(/['’]s$/, '');
    // Words next to each other are one name ("Oum Sath"), as the user reads it.
    if (end >= 0 && sentence.slice(end, w.start) === ' ') found[found.length - 1] += ` ${name}`;
    else found.push(name);
    end = w.end;
  }
  return [...new Set(found)];
}

/** Whether `at` starts a sentence of `text`: only spaces since its start or since ". ! ? : ; \" “ (". */
function opensSentence(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return i < 0 || '.!?:;"“('.includes(text[i]!);
}
