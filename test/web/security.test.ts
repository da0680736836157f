/**
 * Browser security, in Debian's Chromium driven by playwright-core against the real server and the built web
 * app (the hash embedder stands in for the model): another site cannot drive the local server (cross-site
 * WebSocket hijacking, DNS rebinding), the Content-Security-Policy is in force and the app runs under it,
 * and HTML or script inside cables and questions is shown as text everywhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/serve/index.js';
import { SEED_DIR } from '../support/seed-index.js';
import { hashChat } from '../support/hash-embedder.js';
import { askInChat, launchChromium, type Chromium } from '../support/chromium.js';
import { ensureWebBuilt } from '../support/web-build.js';

const XSS_REF = '09XSSTEST1';
/** Every place a cable puts text on screen carries markup that would run if it were parsed as HTML. */
const XSS_CABLE = [
  XSS_REF,
  `<script>alert('subject')</script><img src=x onerror=alert('subject-img')> ZEBRA CENSUS`,
  'Tue Mar 03 00:00:00 +0100 2009',
  `UNCLASSIFIED<img src=x onerror=alert('classification')>`,
  `Embassy <svg onload=alert('origin')>`,
  '',
  `TAGS: PGOV <b>KXSS</b>`,
  `SUBJECT: <script>alert('subject')</script><img src=x onerror=alert('subject-img')> ZEBRA CENSUS`,
  '',
  `1. (SBU) The lighthouse keepers <img src=x onerror=alert('para')> counted forty-two zebras <script>alert('para-script')</script> on the northern cape.`,
  '',
  `2. (U) <iframe src="javascript:alert('iframe')"></iframe> The zebra census will be repeated by the same keepers in the autumn.`,
  '',
].join('\n');

let dir: string;
let seed: Awaited<ReturnType<typeof hashChat>>;
let app: FastifyInstance;
let port: number;
let base: string;
let attacker: Server;
let attackerPort: number;
let chrome: Chromium | undefined;
let page: Page;
const dialogs: string[] = [];

/** A page on another origin (another port) that tries to read the local server's cables. */
const attackPage = (target: number) => `<!doctype html><meta charset="utf-8"><title>not cablechat</title>
<script>
  window.log = [];
  const ws = new WebSocket('ws://127.0.0.1:${target}/ws');
  ws.onopen = () => { log.push('open'); ws.send(JSON.stringify({ type: 'ask', id: 'steal', question: 'How many children can the Poipet Transit Center house?' })); };
  ws.onmessage = (e) => log.push('message ' + e.data);
  ws.onerror = () => log.push('error');
  ws.onclose = (e) => { log.push('close ' + e.code); window.finished = true; };
  fetch('http://127.0.0.1:${target}/api/cables/09PHNOMPENH246').then((r) => r.text()).then((t) => log.push('fetched ' + t), () => log.push('fetch refused'));
</script>`;

beforeAll(async () => {
  const webRoot = await ensureWebBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cablechat-xss-'));
  writeFileSync(join(dir, `${XSS_REF}.txt`), XSS_CABLE);
  seed = await hashChat([SEED_DIR, dir]);
  app = await buildServer({ chat: seed.chat, webRoot });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(base).port);
  attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(port)));
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
  attackerPort = (attacker.address() as { port: number }).port;
  // What DNS rebinding achieves: a name the attacker owns now points at this machine.
  chrome = await launchChromium(['--host-resolver-rules=MAP rebind.test 127.0.0.1']);
  page = chrome.page;
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // Recorded from the first byte of every page: CSP violations and any script element added after load.
  // (Browser code as text: the project's TypeScript has no DOM types outside web/.)
  await page.addInitScript(`
    window.__csp = [];
    window.__scripts = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.nodeName === 'SCRIPT' && document.readyState === 'complete') window.__scripts.push(n.outerHTML);
    }).observe(document, { childList: true, subtree: true });
  `);
});

afterAll(async () => {
  await chrome?.close();
  await app?.close();
  await new Promise((r) => attacker?.close(r));
  await seed?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ask = (question: string) => askInChat(page, question);

const recorded = () => page.evaluate<{ __csp: string[]; __scripts: string[] }>('({ __csp: [...window.__csp], __scripts: [...window.__scripts] })');

describe('another site cannot drive the local server', () => {
  it('a page on another origin cannot open the chat socket or read a cable', async () => {
    await page.goto(`http://127.0.0.1:${attackerPort}/`);
    await expect.poll(() => page.evaluate<boolean>('window.finished === true'), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.evaluate<boolean>("window.log.some((l) => l.startsWith('fetch'))"), { timeout: 15_000 }).toBe(true);
    const log = await page.evaluate<string[]>('window.log');
    expect(log).not.toContain('open');
    expect(log.join('\n')).not.toMatch(/Poipet|CAMBODIA|hello|passage/);
    expect(log).toContain('fetch refused');
  });

  it('a page whose name was re-pointed at this machine (DNS rebinding) gets no cable', async () => {
    const res = await page.goto(`http://rebind.test:${port}/`);
    expect(res?.status()).toBe(421);
    expect(await page.content()).toMatch(/--allow-host rebind\.test/);
    const stolen = await page.evaluate(async () => {
      const r = await fetch('/api/cables/09PHNOMPENH246');
      return `${r.status} ${await r.text()}`;
    });
    expect(stolen).toMatch(/^421 /);
    expect(stolen).not.toMatch(/CAMBODIA/);
  });
});

describe('Content-Security-Policy', () => {
  it('is in force on the chat, which still answers and opens the viewer without a single violation', async () => {
    const res = await page.goto(base);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    const answer = await ask('How many children can the Poipet Transit Center house?');
    expect(await answer.locator('.passage .citation').first().innerText()).toBe('09PHNOMPENH246 ¶10');
    await answer.locator('.passage .citation').first().click();
    await expect.poll(() => page.locator('#viewer .cited').count(), { timeout: 10_000 }).toBe(1);
    await page.goBack();
    // Typing a long question resizes the box through the style property, which the policy allows.
    await page.fill('#question', 'a\nb\nc\nd');
    expect((await recorded()).__csp).toEqual([]);
    // And the policy bites: an inline script put into the page does not run.
    const ran = await page.evaluate<number | undefined>(`(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.appendChild(s);
      return window.__inline;
    })()`);
    expect(ran).toBeUndefined();
    await expect.poll(async () => (await recorded()).__csp.length).toBeGreaterThan(0);
  });
});

describe('markup in cables and questions is shown as text', () => {
  it('in the question, the answer cards and the cable viewer: no dialog, no script, no element from a cable', async () => {
    await page.goto(base);
    await expect.poll(() => page.locator('#status').getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    const question = `<img src=x onerror="alert('question')"><script>alert('q')</script> How many zebras did the lighthouse keepers count?`;
    const answer = await ask(question);
    const card = answer.locator(`.passage[data-citation^="${XSS_REF}"]`).first();
    expect(await card.count()).toBe(1);
    if (await card.locator('.unfold').count()) await card.locator('.unfold').click();
    const cardText = await card.innerText();
    expect(cardText).toContain(`<img src=x onerror=alert('para')>`);
    expect(cardText).toContain(`<script>alert('subject')</script>`);
    expect(await page.locator('.question').last().innerText()).toContain(`<img src=x onerror="alert('question')">`);
    expect(await page.locator('#messages').locator('img, script, svg, iframe, b').count()).toBe(0);

    await card.locator('.citation').click();
    await page.waitForURL(new RegExp(`/cable/${XSS_REF}#p\\d(~[\\d,-]+)?$`));
    await expect.poll(() => page.locator('#viewer .cable').count(), { timeout: 10_000 }).toBe(1);
    const viewer = await page.locator('#viewer').innerText();
    expect(viewer).toContain(`<svg onload=alert('origin')>`);
    expect(viewer).toContain(`<iframe src="javascript:alert('iframe')"></iframe>`);
    expect(await page.locator('#viewer').locator('img, script, svg, iframe, b').count()).toBe(0);

    // Straight to the viewer too (a shared link), not only from a card.
    await page.goto(`${base}/cable/${XSS_REF}#p1`);
    await expect.poll(() => page.locator('#viewer .cited').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('#viewer').locator('img, script, svg, iframe, b').count()).toBe(0);
    expect(await page.title()).toBe(`${XSS_REF} — cablechat`);

    expect(dialogs).toEqual([]);
    const { __scripts, __csp } = await recorded();
    expect(__scripts).toEqual([]);
    expect(__csp).toEqual([]);
  });
});
