/**
 * The collapse stage. Summary paragraphs repeat facts told in full later: when two results from one cable
 * have nearly the same best sentence, the one that tells more (the longer paragraph) is shown, the other cited
 * with it.
 */
import type { Candidate } from '../retrieve/index.js';

export type Folded = Candidate & { alsoIn?: { ref: string; key: string; number: number | null }[] };

/** Best sentences this alike (shared stems over the shorter one's, and at least this many shared) are one fact. */
const SAME_SHARE = 0.7;
const SAME_MIN = 6;

export function collapse(ranked: readonly Candidate[]): Folded[] {
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

function sameFact(a: Candidate, b: Candidate): boolean {
  const sa = a.best[0];
  const sb = b.best[0];
  if (!sa || !sb) return false;
  const A = sa.stems;
  const B = sb.stems;
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / Math.min(A.size, B.size) >= SAME_SHARE && inter >= SAME_MIN;
}
