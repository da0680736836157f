/**
 * Synthetic archives for the scale benchmark: cables.csv files of any size made from the real corpus.
 *
 * Each synthetic cable takes a real cable's front matter (routing, TAGS, SUBJECT) and as many numbered
 * paragraphs as that cable has, drawn from the whole corpus's paragraphs, so text, lengths and layout are
 * real while the combinations are new. It gets a new reference id, date, origin and classification. Every
 * paragraph carries a short unique tag, so no two segments share a text: an archive of N paragraphs costs
 * what N real, distinct paragraphs cost (no vector is re-used by accident).
 */
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

const PARAGRAPH_START = /^\s*(?:¶\s*|PARA\s+)?\d{1,3}\s*\.\s+/;

interface Template {
  front: string;
  paragraphs: number;
  origin: string;
  classification: string;
}

function loadCorpus(corpusDir: string): { templates: Template[]; pool: string[] } {
  const templates: Template[] = [];
  const pool: string[] = [];
  for (const name of readdirSync(corpusDir).filter((f) => f.endsWith('.txt')).sort()) {
    const lines = readFileSync(join(corpusDir, name), 'utf8').replace(/\r\n?/g, '\n').split('\n');
    const [, , , classification = 'UNCLASSIFIED', origin = 'Embassy Somewhere'] = lines;
    const body = lines.slice(5);
    const starts = body.map((l, i) => (PARAGRAPH_START.test(l) ? i : -1)).filter((i) => i >= 0);
    if (starts.length < 2) continue;
    for (let k = 0; k < starts.length; k++) {
      const text = body
        .slice(starts[k], starts[k + 1] ?? body.length)
        .join('\n')
        .replace(PARAGRAPH_START, '')
        .trim();
      if (text.length > 40 && text.length < 6000) pool.push(text);
    }
    templates.push({ front: body.slice(0, starts[0]).join('\n'), paragraphs: starts.length, origin, classification });
  }
  return { templates, pool };
}

const CITIES = ['ABUJA', 'ACCRA', 'ALGIERS', 'AMMAN', 'ANKARA', 'ASTANA', 'BAKU', 'BAMAKO', 'BERN', 'BISHKEK', 'DAKAR', 'DHAKA', 'DOHA', 'HARARE', 'KIGALI', 'LIMA', 'LUSAKA', 'MAPUTO', 'MINSK', 'MUSCAT', 'NIAMEY', 'OSLO', 'QUITO', 'RIGA', 'SANAA', 'SOFIA', 'TBILISI', 'TUNIS', 'VILNIUS', 'YEREVAN'];
const CLASSES = ['UNCLASSIFIED', 'UNCLASSIFIED//FOR OFFICIAL USE ONLY', 'CONFIDENTIAL', 'CONFIDENTIAL//NOFORN', 'SECRET', 'SECRET//NOFORN'];

/** Writes `file` with about `paragraphs` paragraphs; returns the cables and paragraphs written. */
export async function writeSyntheticCsv(corpusDir: string, file: string, paragraphs: number, seed = 1): Promise<{ cables: number; paragraphs: number; bytes: number }> {
  const { templates, pool } = loadCorpus(corpusDir);
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const out = createWriteStream(file);
  const q = (x: string) => `"${x.replace(/"/g, '""')}"`;
  let written = 0;
  let cables = 0;
  let bytes = 0;
  while (written < paragraphs) {
    const t = pick(templates);
    const city = pick(CITIES);
    const year = 1990 + Math.floor(rnd() * 21);
    const ref = `${String(year % 100).padStart(2, '0')}${city}${100000 + cables}`;
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    const created = `${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}/${year} ${String(Math.floor(rnd() * 24)).padStart(2, '0')}:00`;
    const count = Math.min(t.paragraphs, paragraphs - written);
    const body = [t.front];
    for (let k = 1; k <= count; k++) body.push(`¶${k}. ${pick(pool)} [${ref}-${k}]`, '');
    const routing = `FM AMEMBASSY ${city}\nTO SECSTATE WASHDC`;
    const row = [String(cables + 1), created, ref, `Embassy ${city[0]}${city.slice(1).toLowerCase()}`, pick(CLASSES), '', routing, body.join('\n')].map(q).join(',') + '\n';
    bytes += Buffer.byteLength(row);
    if (!out.write(row)) await once(out, 'drain');
    written += count;
    cables++;
  }
  out.end();
  await once(out, 'finish');
  return { cables, paragraphs: written, bytes };
}
