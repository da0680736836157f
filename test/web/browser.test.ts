/**
 * End to end in a real browser: Debian's Chromium driven by playwright-core against the real server
 * (real index of the seed cable, real model), as a user would use it.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/serve/index.js';
import { openCablechat } from '../../src/cablechat.js';
import { buildIndex, removeCables } from '../../src/index/index.js';
import { corpusSlice, haveCorpus } from '../support/corpus-slice.js';
import { cachedIndexCopy } from '../support/index-cache.js';
import { SEED_DIR, seedChat, useLite } from '../support/seed-index.js';
import { UploadQueue } from '../../src/serve/uploads.js';
import { askInChat, launchChromium, type Chromium } from '../support/chromium.js';
import { ensureWebBuilt } from '../support/web-build.js';

const SHOTS = join(import.meta.dirname, '..', '.artifacts');
let app: FastifyInstance;
let base: string;
let chrome: Chromium | undefined;
let page: Page;
let dispose: () => Promise<void>;
let feedbackFile: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const webRoot = await ensureWebBuilt();
  // The seed cable plus one that prints no paragraph numbers, for the citations of counted paragraphs.
  const seed = await seedChat([SEED_DIR, join(import.meta.dirname, '..', 'fixtures', 'cables', 'unnumbered.txt')]);
  dispose = seed.dispose;
  feedbackFile = join(seed.dir, 'feedback.jsonl');
  const embedder = await useLite();
  const uploads = new UploadQueue(async (files, onProgress) => {
    const r = await buildIndex(files, { indexDir: seed.dir, embedder, threads: 0, onProgress: (p) => onProgress(p.paragraphsDone, p.paragraphsTotal) });
    return { cables: r.cables, paragraphs: r.paragraphs, rejected: r.rejected };
  }, join(seed.dir, 'uploads'), async (refs) => removeCables(seed.dir, refs, { id: embedder.id, dimensions: embedder.dimensions }));
  app = await buildServer({ chat: seed.chat, webRoot, feedbackFile, uploads });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  chrome = await launchChromium();
  page = chrome.page;
});

afterAll(async () => {
  await chrome?.close();
  await app?.close();
  await dispose?.();
});

const ask = (question: string) => askInChat(page, question);

describe('web chat in Chromium', () => {
  it('answers with a highlighted, cited paragraph and opens it in the cable viewer', async () => {
    await page.goto(base);
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    const answer = await ask('How many children can the Poipet Transit Center house?');
    const first = answer.locator('.passage').first();
    expect(await first.locator('.citation').innerText()).toBe('09PHNOMPENH246 ¶10');
    const marked = await first.locator('.passage-text mark').allInnerTexts();
    expect(marked.join(' ')).toContain('10 children');
    // The answer line quotes the marked sentence verbatim, with a marker to its card.
    const line = answer.locator('.answer-line .answer-quote').first();
    expect(await line.locator('q').innerText()).toBe(marked.join(' … ').trim());
    expect(await line.locator('.marker').innerText()).toBe('[1]');
    // When it arrives, the view shows the top of the answer: the question and the answer line, not the last card.
    const inView = async (sel: string) =>
      page.evaluate((s) => {
        const r = (globalThis as any).document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= (globalThis as any).innerHeight;
      }, sel);
    expect(await inView('.turn:last-of-type .question')).toBe(true);
    expect(await inView('.turn:last-of-type .answer-line')).toBe(true);
    // The card opens folded on its answering sentences; one click shows the whole paragraph.
    const rest = 'The shelter was established in 2000';
    expect(await first.locator('.passage-text').innerText()).not.toContain(rest);
    await first.locator('.unfold').click();
    expect(await first.locator('.passage-text').innerText()).toContain(rest);
    await first.locator('.unfold').click();
    await answer.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SHOTS, 'answer.png'), fullPage: false });
    // Thumbs up is kept with the index, with the question and what was shown.
    await answer.locator('.thumb[data-verdict="up"]').click();
    await expect.poll(() => answer.locator('.feedback-said').innerText()).toMatch(/^Thanks/);
    const kept = readFileSync(feedbackFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { question: string; citations: string[]; verdict: string; quote: string });
    expect(kept.at(-1)).toMatchObject({ question: 'How many children can the Poipet Transit Center house?', verdict: 'up' });
    expect(kept.at(-1)!.citations[0]).toBe('09PHNOMPENH246 ¶10');
    expect(kept.at(-1)!.quote).toContain('10 children');
    // A marker takes the reader to its card.
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await line.locator('.marker').click();
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-rank'))).toBe('1');

    await first.locator('.citation').click();
    await page.waitForURL(/\/cable\/09PHNOMPENH246#p10~[\d,-]+$/);
    const cited = page.locator('#viewer .cited');
    await expect.poll(() => cited.count(), { timeout: 10_000 }).toBe(1);
    expect(await cited.getAttribute('id')).toBe('p10');
    expect(await cited.innerText()).toContain('10 children at a time');
    expect(await cited.isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'viewer.png'), fullPage: false });
    // The link itself carries the marked sentence: opened fresh (as a shared link is), it is marked again.
    const shared = page.url();
    await page.goto('about:blank');
    await page.goto(shared);
    await expect.poll(() => page.locator('#viewer .cited mark').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await page.locator('#viewer .cited mark').allInnerTexts()).join(' ')).toContain('10 children');
    await page.goBack();
    await page.goBack();

    // Back to the chat: the conversation is still there.
    await page.goBack();
    await expect.poll(() => page.locator('.answer').count()).toBeGreaterThanOrEqual(1);
  });

  it('offers example questions from the loaded cables, each of which gets an answer', async () => {
    await page.goto(base);
    await page.locator('#new-conversation').click();
    const examples = page.locator('#examples button');
    await expect.poll(() => examples.count(), { timeout: 15_000 }).toBe(3);
    const first = await examples.first().innerText();
    await examples.first().click();
    const answer = page.locator('.answer').last();
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await page.locator('.question').last().innerText()).toBe(first);
    expect(await answer.locator('.abstained').count()).toBe(0);
    expect(await answer.locator('.passage').count()).toBeGreaterThan(0);
  });

  it('says plainly when no paragraph answers, keeping near misses apart and labelled', async () => {
    await page.goto(base);
    const answer = await ask('What did the Icelandic parliament decide about the Icesave deposit guarantees?');
    expect(await answer.locator('.abstained').innerText()).toContain('No cable paragraph answers this');
    expect(await answer.locator('.passage:not(.passage-closest)').count()).toBe(0);
    expect(await answer.locator('.closest .passage').count()).toBeLessThanOrEqual(2);
    await answer.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SHOTS, 'abstained.png') });
  });

  it('applies filters typed in the chat, shows them, and says when they match nothing', async () => {
    await page.goto(base);
    const hit = await ask('tag:KTIP origin:"Phnom Penh" How many children can the Poipet Transit Center house?');
    expect((await hit.locator('.filter-chip').allInnerTexts()).join(' ')).toMatch(/KTIP/);
    expect(await hit.locator('.passage .citation').first().innerText()).toBe('09PHNOMPENH246 ¶10');
    const none = await ask('origin:Lagos How many children can the Poipet Transit Center house?');
    expect(await none.innerText()).toMatch(/No indexed cable matches origin:Lagos/);
    expect(await none.locator('.passage').count()).toBe(0);
  });

  it('fits a phone-sized window without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 760 });
    try {
      await page.goto(base);
      const answer = await ask('How many migrants did Thailand return in January 2009?');
      expect(await answer.locator('.passage .citation').first().innerText()).toBe('09PHNOMPENH246 ¶3');
      const overflow = await page.evaluate(() => {
        const d = (globalThis as any).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      // Folded cards keep one answer to a few screens on a phone (it was about 4,800 px).
      await answer.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(SHOTS, 'phone.png') });
      await page.screenshot({ path: join(SHOTS, 'phone-full.png'), fullPage: true });
      const height = (await answer.boundingBox())!.height;
      console.log(`one answer at 390 px: ${Math.round(height)} px`);
      // One row of header; the filter examples wait behind one button; the box's placeholder is short.
      expect((await page.locator('.topbar').boundingBox())!.height).toBeLessThan(70);
      expect(await page.locator('#filter-help').isVisible()).toBe(false);
      await page.locator('#filters-toggle').click();
      expect(await page.locator('#filter-help').isVisible()).toBe(true);
      await page.locator('#filters-toggle').click();
      expect(await page.getAttribute('#question', 'placeholder')).toBe('Ask the cables…');
      // In the viewer, the way back stays on screen far down a cable.
      await answer.locator('.passage .citation').first().click();
      await page.waitForURL(/\/cable\/09PHNOMPENH246#p3(~[\d,-]+)?$/);
      await page.evaluate(() => (globalThis as any).scrollTo(0, 5000));
      expect(await page.locator('.back-link').isVisible()).toBe(true);
      const back = (await page.locator('.back-link').boundingBox())!;
      expect(back.y).toBeGreaterThanOrEqual(0);
      expect(back.y).toBeLessThan(120);
      await page.screenshot({ path: join(SHOTS, 'phone-viewer.png') });
      await page.locator('.back-link').click();
      await page.waitForURL(/\/$/);
      expect(height).toBeLessThan(3000);
      expect(await answer.locator('.answer-line q').first().innerText()).toContain('32,249');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('cites a paragraph of a cable that prints no numbers as counted, in the answer and in the viewer', async () => {
    await page.goto(base);
    const answer = await ask('cable:10CARACAS107 Which staff must be escorted in the CAA?');
    const citation = answer.locator('.passage .citation').first();
    expect(await citation.innerText()).toBe('10CARACAS107 paragraph 3 (unnumbered)');
    await citation.click();
    await page.waitForURL(/\/cable\/10CARACAS107#p3(~[\d,-]+)?$/);
    const cited = page.locator('#viewer .cited');
    await expect.poll(() => cited.count(), { timeout: 10_000 }).toBe(1);
    expect(await cited.locator('.para-num').innerText()).toBe('Paragraph 3 (unnumbered)');
    expect(await cited.innerText()).toContain('escorted at all times');
    await page.screenshot({ path: join(SHOTS, 'viewer-unnumbered.png'), fullPage: false });
  });

  it('keeps a conversation across a reload, with its history for the next follow-up, and exports it', async () => {
    await page.goto(base);
    await page.locator('#new-conversation').click();
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    const first = 'What outstanding work did IOM do in Svay Rieng?';
    await ask(first);
    await page.reload();
    await expect.poll(() => page.locator('.turn').count()).toBe(1);
    expect(await page.locator('.turn .question').first().innerText()).toBe(first);
    expect(await page.locator('.turn .answer-line').count()).toBe(1);
    // The server gets the kept question as history: the follow-up is read with it.
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    const follow = await ask('Who funded that work?');
    expect(await follow.locator('.answer-meta').innerText()).toMatch(/following up: What outstanding work did IOM do in Svay Rieng\?/);
    expect(await follow.locator('.passage .citation').first().innerText()).toBe('09PHNOMPENH246 ¶17');

    // The side list: rename, export as Markdown with permalinks.
    await page.locator('#conversations-toggle').click();
    const item = page.locator('.conversation-item').first();
    expect(await item.locator('.conversation-open').innerText()).toBe(first);
    page.once('dialog', (d) => void d.accept('IOM in Svay Rieng'));
    await item.locator('button', { hasText: 'Rename' }).click();
    await expect.poll(() => page.locator('.conversation-item .conversation-open').first().innerText()).toBe('IOM in Svay Rieng');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-conversation').click()]);
    const markdown = readFileSync((await download.path())!, 'utf8');
    expect(markdown).toMatch(/^# IOM in Svay Rieng/);
    expect(markdown).toContain('## Who funded that work?');
    expect(markdown).toMatch(/\[09PHNOMPENH246 ¶17\]\(http:\/\/127\.0\.0\.1:\d+\/cable\/09PHNOMPENH246#p17\)/);
    expect(markdown).toMatch(/> “[^”]+” \[1\]/);
    await page.screenshot({ path: join(SHOTS, 'conversations.png') });

    // A link to one answer asks it again, after the question it followed.
    await page.goto(`${base}/?${new URLSearchParams([['after', first], ['ask', 'Who funded that work?']]).toString()}`);
    await expect.poll(() => page.locator('.answer[data-state="done"]').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator('.answer').last().locator('.passage .citation').first().innerText()).toBe('09PHNOMPENH246 ¶17');

    // Delete it from this browser.
    await page.locator('#conversations-toggle').click();
    if (await page.locator('#conversations').isHidden()) await page.locator('#conversations-toggle').click();
    const count = await page.locator('.conversation-item').count();
    page.once('dialog', (d) => void d.accept());
    await page.locator('.conversation-item').first().locator('button', { hasText: 'Delete' }).click();
    await expect.poll(() => page.locator('.conversation-item').count()).toBe(count - 1);
    await page.locator('#conversations-toggle').click();
  });

  it('lists the archive with facets and search, each cable opening in the viewer and back', async () => {
    await page.goto(`${base}/archive`);
    await expect.poll(() => page.locator('#archive-view').getAttribute('data-state')).toBe('ready');
    expect(await page.locator('.archive-count').innerText()).toBe('2 cables indexed');
    const origins = page.locator('.facet[data-facet="origin"] .facet-value');
    expect(await origins.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/Embassy Phnom Penh\s*1/)]));
    await page.locator('.facet[data-facet="year"] .facet-value', { hasText: '2009' }).click();
    await expect.poll(() => page.locator('.archive-count').innerText()).toBe('1 cable matches');
    expect(new URL(page.url()).search).toBe('?year=2009');
    await page.screenshot({ path: join(SHOTS, 'archive.png') });
    await page.fill('#archive-search', 'border crossing');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.archive-item').count()).toBe(1);
    await page.locator('.archive-item .archive-ref').first().click();
    await page.waitForURL(/\/cable\/09PHNOMPENH246$/);
    await expect.poll(() => page.locator('#viewer .cable').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.back-link').innerText()).toBe('← Back to the archive');
    await page.locator('.back-link').click();
    await page.waitForURL(/\/archive\?year=2009&q=border\+crossing$/);
    await expect.poll(() => page.locator('.archive-item').count()).toBe(1);
    // The chat's filter examples are this index's own.
    await page.goto(base);
    await expect.poll(() => page.locator('[data-insert^="cable:"]').innerText()).toBe('cable:10CARACAS107');
  });

  it('reads a follow-up typed before the previous answer arrives with that question', async () => {
    await page.goto(base);
    await page.locator('#new-conversation').click();
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    const before = await page.locator('.answer').count();
    await page.fill('#question', 'What outstanding work did IOM do in Svay Rieng?');
    await page.keyboard.press('Enter');
    // Sent at once, without waiting for the first answer.
    await page.fill('#question', 'Who funded that work?');
    await page.keyboard.press('Enter');
    const second = page.locator('.answer').nth(before + 1);
    await expect.poll(() => second.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await second.locator('.answer-meta').innerText()).toMatch(/following up: What outstanding work did IOM do in Svay Rieng\?/);
    expect(await second.locator('.passage .citation').first().innerText()).toBe('09PHNOMPENH246 ¶17');
  });

  it('adds a cable dropped on the archive page, with progress, and answers from it once it is in', async () => {
    await page.goto(`${base}/archive`);
    await expect.poll(() => page.locator('#archive-view').getAttribute('data-state')).toBe('ready');
    const count = Number((await page.locator('.archive-count').innerText()).split(' ')[0]);
    await page.setInputFiles('#upload-input', join(import.meta.dirname, '..', 'fixtures', 'cables', 'classified-by-run-on.txt'));
    const row = page.locator('.upload-job').first();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(await row.locator('.upload-status').innerText()).toMatch(/^added 1 cable\(s\)/);
    await expect.poll(() => page.locator('.archive-count').innerText()).toBe(`${count + 1} cables indexed`);
    await page.screenshot({ path: join(SHOTS, 'upload.png') });
    // A file that is not a cable says why.
    await page.setInputFiles('#upload-input', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) });
    await expect.poll(() => page.locator('.upload-job[data-state="failed"] .upload-status').first().innerText(), { timeout: 30_000 }).toMatch(/PNG image/);
    await page.goto(base);
    await page.locator('#new-conversation').click();
    const answer = await ask('What did the embassy in Tripoli report about the Pan Am bomber al-Megrahi?');
    expect(await answer.locator('.passage .citation').first().innerText()).toMatch(/^09TRIPOLI65 ¶/);
    // And out again, from the viewer.
    await answer.locator('.passage .citation').first().click();
    await expect.poll(() => page.locator('.remove-cable').count(), { timeout: 10_000 }).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await page.locator('.remove-cable').click();
    await page.waitForURL(/\/archive$/, { timeout: 30_000 });
    await expect.poll(() => page.locator('.archive-count').innerText()).toBe(`${count} cables indexed`);
  });

  it('at 390 px, keeps the answer line, feedback, conversations and the archive within the screen', async () => {
    await page.setViewportSize({ width: 390, height: 760 });
    const overflow = () => page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).document.documentElement.clientWidth);
    try {
      await page.goto(base);
      await page.locator('#new-conversation').click();
      const answer = await ask('Who funded IOM work in Svay Rieng?');
      expect(await answer.locator('.answer-line .marker').first().isVisible()).toBe(true);
      expect(await answer.locator('.thumb[data-verdict="down"]').isVisible()).toBe(true);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.locator('#conversations-toggle').click();
      const panel = (await page.locator('#conversations').boundingBox())!;
      expect(panel.x).toBeGreaterThanOrEqual(0);
      expect(panel.width).toBeLessThanOrEqual(390);
      expect(await page.locator('.conversation-item').first().isVisible()).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'phone-conversations.png') });
      await page.locator('.conversation-item .conversation-open').first().click();
      await page.goto(`${base}/archive`);
      await expect.poll(() => page.locator('#archive-view').getAttribute('data-state')).toBe('ready');
      expect(await page.locator('.facet[data-facet="year"]').isVisible()).toBe(true);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SHOTS, 'phone-archive.png') });
      // The tab's icon is served.
      expect((await page.request.get(`${base}/favicon.svg`)).status()).toBe(200);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('refuses a question over the length limit with a message instead of cutting it', async () => {
    await page.goto(base);
    const before = await page.locator('.answer').count();
    await page.fill('#question', `How many children ${'x'.repeat(2100)}?`);
    await page.keyboard.press('Enter');
    const problem = page.locator('#composer-problem');
    await expect.poll(() => problem.isVisible()).toBe(true);
    expect(await problem.innerText()).toMatch(/2,1\d\d characters long; the limit is 2,000/);
    expect(await page.locator('.answer').count()).toBe(before);
    expect((await page.inputValue('#question')).length).toBeGreaterThan(2000);
  });

  it('shows cable text as text, never as HTML', async () => {
    await page.goto(base);
    const answer = await ask('<img src=x onerror="window.__pwned=1"> How many brothels did Oum Sath suspect?');
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await answer.locator('img').count()).toBe(0);
  });
});

describe.skipIf(!haveCorpus)('web chat over many cables in Chromium', () => {
  let corpusApp: FastifyInstance;
  let corpusBase: string;
  let closeChat: () => Promise<void>;
  beforeAll(async () => {
    const slice = corpusSlice();
    const dir = await cachedIndexCopy('corpus-slice', slice, async (into) => void (await buildIndex(slice, { indexDir: into, model: 'use-lite' })));
    const chat = await openCablechat({ indexDir: dir, queryThreads: 0 });
    closeChat = async () => {
      await chat.close();
      rmSync(dir, { recursive: true, force: true });
    };
    corpusApp = await buildServer({ chat, webRoot: await ensureWebBuilt() });
    corpusBase = await corpusApp.listen({ port: 0, host: '127.0.0.1' });
  }, 600_000);
  afterAll(async () => {
    await corpusApp?.close();
    await closeChat?.();
  });

  it('refuses an off-topic question where common words match something, and rates an answer it gives', async () => {
    await page.goto(corpusBase);
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    // The filter examples and the welcome screen's examples are about these cables, not the demo cable.
    await expect.poll(() => page.locator('[data-insert^="cable:"]').innerText()).not.toBe('cable:09PHNOMPENH246');
    expect(await page.locator('[data-insert^="origin:"]').innerText()).not.toContain('Phnom Penh');
    const examples = page.locator('#examples button');
    await expect.poll(() => examples.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    for (const text of await examples.allInnerTexts()) expect(text).not.toMatch(/Poipet|Phnom Penh/);
    const off = await ask("What's a good recipe for banana bread?");
    expect(await off.locator('.abstained').innerText()).toContain('No cable paragraph answers this');
    expect(await off.locator('.passage:not(.passage-closest)').count()).toBe(0);
    expect(await off.locator('.confidence').count()).toBe(0);
    await off.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SHOTS, 'refused-corpus.png') });

    const named = await ask('Who won the general election in Bhutan?');
    expect(await named.locator('.abstained').innerText()).toContain('never mention "Bhutan"');

    const answered = await ask('Which Spanish minister said in 1986 that Spain was not planning to expel any more Libyans?');
    expect(await answered.locator('.passage').first().locator('.citation').innerText()).toMatch(/^86MADRID5480 ¶/);
    expect(await answered.locator('.confidence').innerText()).toMatch(/^(High|Medium|Low) confidence$/);
    expect(await answered.locator('.confidence').getAttribute('title')).toMatch(/held-out test questions/);
  });
});
