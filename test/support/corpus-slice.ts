/**
 * A slice of the shared cablegate-2010 corpus (read from ../shared, never copied into the project): the 49
 * cables eval/dev.jsonl asks about plus every 20th cable as distractors, 110 cables in all. Small enough to
 * index in about a minute on two cores, large enough that finding the right cable is part of the task.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadQa } from '../../src/eval/index.js';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/cablegate-2010/', import.meta.url));
export const DEV_QA = fileURLToPath(new URL('../../eval/dev.jsonl', import.meta.url));
export const SEED_QA = fileURLToPath(new URL('../../eval/seed.jsonl', import.meta.url));
export const OFFTOPIC_QA = fileURLToPath(new URL('../../eval/offtopic.jsonl', import.meta.url));
export const haveCorpus = existsSync(CORPUS_DIR);

export function corpusSlice(): string[] {
  const refs = new Set(loadQa(DEV_QA).flatMap((q) => (q.unanswerable === true ? [] : [q.cable.toUpperCase()])));
  const files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.txt')).sort();
  return files.filter((f, i) => refs.has(f.replace(/\.txt$/, '').toUpperCase()) || i % 20 === 0).map((f) => join(CORPUS_DIR, f));
}
