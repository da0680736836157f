/** Thumbs up/down kept with the index, and turned into draft eval questions for a maintainer. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/serve/index.js';
import { loadQa } from '../../src/eval/index.js';
import { HARBOUR, SHELTER, TOPICS } from '../support/tiny-archive.js';
import { tinyArchive, topicEmbedder } from '../support/topic-embedder.js';

const ROOT = join(import.meta.dirname, '..', '..');
let archive: Awaited<ReturnType<typeof tinyArchive>>;
let app: FastifyInstance;
let file: string;
beforeAll(async () => {
  archive = await tinyArchive([SHELTER, HARBOUR], topicEmbedder(TOPICS));
  file = join(archive.dir, 'feedback.jsonl');
  app = await buildServer({ chat: archive.chat, feedbackFile: file });
});
afterAll(async () => {
  await app?.close();
  await archive?.dispose();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/feedback', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

describe('feedback', () => {
  it('appends each verdict to feedback.jsonl in the index folder, with what was shown', async () => {
    const up = await post({ question: 'When did the Poipet shelter open?', citations: ['09PHNOMPENH1 ¶2'], quote: 'It opened in March 2008 next to the border checkpoint.', verdict: 'up' });
    expect(up.statusCode).toBe(200);
    const down = await post({ question: 'Who funds new boats?', history: ['When did the Poipet shelter open?'], citations: ['10LAGOS2 ¶1'], verdict: 'down' });
    expect(down.statusCode).toBe(200);
    const refusedUp = await post({ question: "Who won Bhutan's election?", refused: true, verdict: 'up' });
    expect(refusedUp.statusCode).toBe(200);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatchObject({ question: 'Who funds new boats?', history: ['When did the Poipet shelter open?'], citations: ['10LAGOS2 ¶1'], verdict: 'down' });
    expect(Date.parse(lines[0].time)).not.toBeNaN();
  });

  it('refuses a malformed verdict, naming the field, and keeps nothing of it', async () => {
    const before = readFileSync(file, 'utf8');
    const bad = await post({ question: 'x', verdict: 'meh' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/Field "verdict"/);
    expect((await post({ question: 'x', verdict: 'up', extra: 1 })).statusCode).toBe(400);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it("takes nothing from another site's page", async () => {
    const foreign = await post({ question: 'x', verdict: 'up' }, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
  });

  it('becomes draft eval questions a maintainer can check and add', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'feedback-to-eval.ts'), file], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const drafts = join(mkdtempSync(join(tmpdir(), 'cablechat-fb-')), 'drafts.jsonl');
    writeFileSync(drafts, out);
    const items = loadQa(drafts);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ question: 'When did the Poipet shelter open?', cable: '09PHNOMPENH1', paragraphs: [2], answer: 'It opened in March 2008 next to the border checkpoint.', split: 'tune' });
    expect(items[1]).toMatchObject({ question: "Who won Bhutan's election?", unanswerable: true });
  });
});

describe('a server without an index folder for feedback', () => {
  it('says it keeps none', async () => {
    const bare = await buildServer({ chat: archive.chat });
    try {
      const r = await bare.inject({ method: 'POST', url: '/api/feedback', headers: { 'content-type': 'application/json' }, payload: '{"question":"x","verdict":"up"}' });
      expect(r.statusCode).toBe(404);
      expect(r.json().error).toMatch(/keeps no feedback/);
      expect(existsSync(join(archive.dir, 'nothing.jsonl'))).toBe(false);
    } finally {
      await bare.close();
    }
  });
});
