import type { Answer, Passage } from '../domain.js';

/**
 * Text from cables and file names made safe to print on a terminal. A cable is data from elsewhere: an
 * escape sequence in it could retitle the window, clear the screen, forge lines, or write the clipboard
 * (OSC 52). C0 and C1 control characters, DEL and the bidirectional overrides are shown as visible
 * stand-ins ("\x1b" as "␛", C1 and bidi as "\u009b"), so nothing in the text acts on the terminal but the
 * reader still sees that something was there. Newlines and tabs are kept where the text has lines
 * (`multiline`); in a one-line field (a file name, a reason) they are shown too, so none can forge a line.
 */
export function printable(text: string, multiline = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    if (multiline && (c === '\n' || c === '\t')) return c;
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * One JSON value on one line. JSON.stringify escapes C0 controls but passes C1 controls (U+009B is a
 * CSI to some terminals), bidi overrides and U+2028/9 through raw; escaped here, it is the same JSON.
 */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Terminal rendering of an answer: citation first (what users copy), answering sentences marked. */
export function formatAnswer(a: Answer, color: boolean): string {
  const mark = (s: string) => (color ? `\x1b[1;33m${s}\x1b[0m` : `»${s}«`);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
  const out: string[] = [];
  if (a.abstained) {
    const note = a.note ?? '';
    out.push(printable(note.startsWith('No cable paragraph') ? note : `No cable paragraph answers this. ${note}`.trim(), true));
    if (a.closest.length) out.push('', dim('Closest, but not an answer:'));
    for (const p of a.closest) out.push(passage(p, mark, dim));
  } else {
    const rated = a.band === 'unrated' ? 'confidence not rated' : `${a.band} confidence (${(a.confidence * 100).toFixed(0)}%)`;
    out.push(dim(`${rated}${a.searched !== a.question ? ` — searched: ${printable(a.searched)}` : ''}`));
    for (const p of a.passages) out.push(passage(p, mark, dim));
  }
  return `${out.join('\n')}\n`;
}

function passage(p: Passage, mark: (s: string) => string, dim: (s: string) => string): string {
  let text = '';
  let at = 0;
  // Made printable piece by piece, so the highlight offsets still point into the cable's own text.
  for (const h of p.highlights) {
    text += printable(p.text.slice(at, h.start), true) + mark(printable(p.text.slice(h.start, h.end), true));
    at = h.end;
  }
  text += printable(p.text.slice(at), true);
  const also = p.alsoIn?.length ? ` (also ${p.alsoIn.map((c) => c.label).join(', ')})` : '';
  const meta = [p.cable.subject, p.cable.date, p.cable.origin, p.cable.classification].filter(Boolean).join(' · ');
  // No raw score: it means nothing outside one answer (the answer's confidence is printed once, above).
  return `\n${printable(p.citation.label + also)}\n${dim(printable(meta))}${p.heading ? `\n${dim(printable(p.heading))}` : ''}\n${text}`;
}
