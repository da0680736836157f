import type { Answer, Passage } from '../domain.js';

/** Terminal rendering of an answer: citation first (what users copy), answering sentences marked. */
export function formatAnswer(a: Answer, color: boolean): string {
  const mark = (s: string) => (color ? `\x1b[1;33m${s}\x1b[0m` : `»${s}«`);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
  const out: string[] = [];
  if (a.abstained) {
    out.push(`No cable paragraph answers this. ${a.note && !a.note.startsWith('No cable paragraph') ? a.note : ''}`.trim());
    if (a.closest.length) out.push('', dim('Closest, but not an answer:'));
    for (const p of a.closest) out.push(passage(p, mark, dim));
  } else {
    out.push(dim(`confidence ${(a.confidence * 100).toFixed(0)}%${a.searched !== a.question ? ` — searched: ${a.searched}` : ''}`));
    for (const p of a.passages) out.push(passage(p, mark, dim));
  }
  return `${out.join('\n')}\n`;
}

function passage(p: Passage, mark: (s: string) => string, dim: (s: string) => string): string {
  let text = '';
  let at = 0;
  for (const h of p.highlights) {
    text += p.text.slice(at, h.start) + mark(p.text.slice(h.start, h.end));
    at = h.end;
  }
  text += p.text.slice(at);
  const also = p.alsoIn?.length ? ` (also ${p.alsoIn.map((c) => c.label).join(', ')})` : '';
  const meta = [p.cable.subject, p.cable.date, p.cable.origin, p.cable.classification].filter(Boolean).join(' · ');
  // No raw score: it means nothing outside one answer (the answer's confidence is printed once, above).
  return `\n${p.citation.label}${also}\n${dim(meta)}${p.heading ? `\n${dim(p.heading)}` : ''}\n${text}`;
}
