/** The highlight stage: which sentences of a passage the user sees marked as the answer. */
import type { Span } from '../domain.js';
import type { Candidate } from '../retrieve/index.js';

/** A runner-up is marked too when it scores this close to the best: answers often span two sentences. */
const RUNNER_UP = 0.9;

export function highlight(c: Pick<Candidate, 'best'>): Span[] {
  const [top, second] = c.best;
  if (!top) return [];
  const out = [top.span];
  if (second && second.score >= RUNNER_UP * top.score && second.score > 0) out.push(second.span);
  return out.sort((a, b) => a.start - b.start);
}
