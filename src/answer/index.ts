/**
 * Answering: turn ranked paragraphs into what a user reads — passages with the answering sentences
 * marked, near-duplicates folded together, a confidence, and an honest "no paragraph answers this".
 */
import { citationOf } from '../chunk/index.js';
import type { Answer, Filters, Passage, Span } from '../domain.js';
import type { Ranked, Retriever } from '../retrieve/index.js';
import { analyse } from '../retrieve/rerank.js';
import { isStopWord, words } from '../retrieve/text.js';
import { confidenceOf } from './confidence.js';
import { describeFilters, extractFilters, filterProblem } from './filters.js';

export { extractFilters } from './filters.js';

export interface AskRequest {
  question: string;
  /** Earlier questions in this conversation, oldest first. */
  history?: string[];
  k?: number;
  filters?: Filters;
}

/**
 * When to say "no paragraph answers this". Our features cannot tell an on-topic question the cables leave
 * unanswered from one they answer in other words: every threshold rule on them, and rules on the kind of answer
 * asked for (a number, a date, a name next to what the question names), refused too many answerable questions
 * for the unanswerable ones they caught (measured in docs/decisions.md). So the tool abstains only when the
 * best paragraph shares almost nothing with the question. Honest limits: README, Known limits.
 */
export function nothingAnswers(f: Ranked['features']): boolean {
  // A follow-up answered next to where the previous answer was ("And what share went of their own
  // accord?") often shares no words with its paragraph: the conversation, not the wording, places it.
  return f.sentenceCoverage < 0.15 && f.coverage < 0.2 && f.contextCoverage < 0.5 && f.previousParagraph === 0;
}
const CLOSEST_SHOWN = 2;

export async function answer(retriever: Retriever, req: AskRequest): Promise<Answer> {
  const typed = extractFilters(req.question);
  const filters: Filters = { ...(req.filters ?? {}), ...typed.filters };
  const question = typed.question;
  const k = req.k ?? 5;
  const base = { question: req.question, filters };
  const problem = filterProblem(filters);
  if (problem) return { ...base, searched: question, passages: [], closest: [], abstained: true, confidence: 0, note: problem };
  if (!question) {
    return { ...base, searched: '', passages: [], closest: [], abstained: true, confidence: 0, note: 'Only filters were given: add a question to search for.' };
  }
  const { context, previous, answerNames } = await conversation(retriever, question, req.history ?? [], filters);
  const result = await retriever.search({ question, context, previous, k: k * 3 + 2, filters });
  // Say what the search leaned on, so the user can tell a follow-up was read as one, and how.
  const leaned = answerNames?.length ? `; names from its answer: ${answerNames.join(', ')}` : '';
  const searched = context.length ? `${question} (following up: ${context.at(-1)}${leaned})` : question;
  if (result.allowed === 0) {
    return { ...base, searched, passages: [], closest: [], abstained: true, confidence: 0, note: `No indexed cable matches ${describeFilters(filters)}.` };
  }
  const ranked = collapse(result.ranked);
  // The lead over the next passage that is not a twin of the first, as the model was fitted (scripts/tune.ts).
  const confidence = ranked[0] ? confidenceOf(ranked[0].features, ranked[0].score - (ranked[1]?.score ?? ranked[0].score)) : 0;
  const passages = ranked.slice(0, k).map((r) => toPassage(r));
  if (!ranked[0] || nothingAnswers(ranked[0].features)) {
    return {
      ...base,
      searched,
      passages: [],
      closest: passages.slice(0, CLOSEST_SHOWN),
      abstained: true,
      confidence,
      note: 'No cable paragraph answers this. The closest paragraphs are shown, but they do not answer the question.',
    };
  }
  return { ...base, searched, passages, closest: [], abstained: false, confidence };
}

/**
 * A question is read as a follow-up when it leans on an earlier turn: it opens with a connective
 * ("And…", "What about…"), refers back ("them", "that work") without naming much of its own, or names
 * nothing at all.
 */
export function followUpContext(question: string, history: string[]): string[] {
  if (!history.length) return [];
  const q = question.trim();
  // Not "why": most why-questions stand alone ("Why did IOM scale back its services around Poipet?").
  const opens = /^(and|but|also|so|then|what about|how about|and what|what else|who else)\b/i.test(q);
  const refersBack = /\b(they|them|their|those|these|that|this|it|its|he|him|his|she|her|there|then|such|the same|the latter|the former)\b/i.test(q);
  const qNames = names(q);
  const named = qNames.length;
  const short = words(q).length <= 7;
  // In a conversation, a question that names nothing, not even a year ("What time did the crew finally
  // leave?"), is about what was being discussed.
  const namesNothing = named === 0 && !/\d/.test(q) && words(q).length <= 12;
  // A short question that names only what the previous turn named ("How did the FARC answer?") continues it.
  const before = new Set(words(history.at(-1)!).map((w) => w.word));
  const namesOnlyEarlier = short && named > 0 && qNames.every((n) => before.has(n));
  return opens || (refersBack && (short || named === 0)) || namesNothing || namesOnlyEarlier ? history.slice(-1) : [];
}

/** Capitalised words after the first: the names a question brings in. */
function names(q: string): string[] {
  return words(q).filter((w) => /^[A-Z]/.test(q.slice(w.start, w.end)) && w.start > 0).map((w) => w.word);
}

/**
 * What a follow-up leans on: the earlier question's terms, and the paragraph the earlier question was
 * answered with (found again here, so the API, the CLI and the eval need only the questions of a
 * conversation, not its answers). One extra search, for follow-ups only.
 *
 * The names in that answer's marked sentence join the context too: after "Who did the German guests defer
 * to?" the user read "Perthes", and "What sanctions does he think would work?" is about Perthes, whom no
 * question named (measured on tune follow-ups: corpus 7/12 → 8/12, seed unchanged at 15/16).
 */
export async function conversation(
  retriever: Retriever,
  question: string,
  history: string[],
  filters?: Filters,
): Promise<{ context: string[]; previous?: { ref: string; ord: number }; answerNames?: string[] }> {
  const context = followUpContext(question, history);
  if (!context.length) return { context };
  const earlier = extractFilters(history.at(-1)!);
  const res = await retriever.search({
    question: earlier.question,
    context: followUpContext(earlier.question, history.slice(0, -1)),
    k: 1,
    filters: { ...(filters ?? {}), ...earlier.filters },
  });
  const top = res.ranked[0];
  if (!top) return { context };
  const best = top.features.best[0];
  const answerNames = best ? namesIn(top.paragraph.text.slice(best.span.start, best.span.end), [...history, question], top.paragraph.text) : [];
  return {
    context: answerNames.length ? [answerNames.join(' '), ...context] : context,
    previous: { ref: top.paragraph.ref, ord: top.paragraph.ord },
    answerNames,
  };
}

const CALENDAR = /^(january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/;

/**
 * Capitalised words of a cable sentence that the conversation has not named yet (none in all-caps cables).
 * A word that opens a sentence is capitalised whatever it is ("Although", "Despite", "Summary"), so there it
 * counts as a name only if `paragraph` also capitalises it in mid-sentence ("… Ron Dunne reported …").
 */
export function namesIn(sentence: string, questions: string[], paragraph = sentence): string[] {
  const letters = sentence.replace(/[^A-Za-z]/g, '');
  if (letters.replace(/[^A-Z]/g, '').length > letters.length / 2) return [];
  const known = new Set(words(questions.join(' ')).map((w) => w.word));
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

/** What a user sees of one ranked paragraph (also used by the eval to score single retrieval stages). */
export function toPassage(r: Folded): Passage {
  return {
    citation: citationOf(r.paragraph.ref, r.paragraph),
    cable: r.cable,
    heading: r.paragraph.heading,
    marking: r.paragraph.marking,
    text: r.paragraph.text,
    score: Number(r.score.toFixed(4)),
    highlights: highlights(r),
    ...(r.alsoIn?.length ? { alsoIn: r.alsoIn.map((p) => citationOf(p.ref, p)) } : {}),
  };
}

/** The best sentence, plus a runner-up that scores nearly as well (answers often span two sentences). */
function highlights(r: Ranked): Span[] {
  const [top, second] = r.features.best;
  if (!top) return [];
  const out = [top.span];
  if (second && second.score >= 0.9 * top.score && second.score > 0) out.push(second.span);
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Summary paragraphs repeat facts told in full later. When two results from one cable have nearly the same
 * best sentence, show the one that tells more (the longer paragraph) and cite the other with it.
 */
type Folded = Ranked & { alsoIn?: { ref: string; key: string; number: number | null }[] };

export function collapse(ranked: Ranked[]): Folded[] {
  const out: Folded[] = [];
  for (const r of ranked) {
    const i = out.findIndex((o) => o.paragraph.ref === r.paragraph.ref && sameFact(o, r));
    if (i < 0) {
      out.push({ ...r });
      continue;
    }
    const twin = out[i]!;
    const [kept, folded] = r.paragraph.text.length > twin.paragraph.text.length ? [r, twin] : [twin, r];
    // The folded pair keeps the better rank and score, whichever paragraph is shown.
    out[i] = { ...kept, score: twin.score, alsoIn: [...(twin.alsoIn ?? []), { ref: folded.paragraph.ref, key: folded.paragraph.key, number: folded.paragraph.number }] };
  }
  return out;
}

function sentenceStems(text: string, start: number): Set<string> {
  return analyse(text).sentences.find((s) => s.span.start === start)?.stems ?? new Set();
}

function sameFact(a: Ranked, b: Ranked): boolean {
  const sa = a.features.best[0];
  const sb = b.features.best[0];
  if (!sa || !sb) return false;
  const A = sentenceStems(a.paragraph.text, sa.span.start);
  const B = sentenceStems(b.paragraph.text, sb.span.start);
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / Math.min(A.size, B.size) >= 0.7 && inter >= 6;
}
