/**
 * Debian's Chromium driven by playwright-core, as the browser tests use it: a fresh profile per run (no state
 * from earlier runs), and none of Chromium's background networking, which this machine's closed network
 * refuses many times a start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export interface Chromium {
  browser: BrowserContext;
  page: Page;
  /** Closes the browser and removes its profile (a few MB a run, which would pile up in /tmp). */
  close(): Promise<void>;
}

export async function launchChromium(extraArgs: string[] = []): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'cablechat-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...extraArgs,
    ],
    viewport: { width: 1280, height: 900 },
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  return {
    browser,
    page,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Types a question into the chat and waits for its answer to be complete; returns the answer element. */
export async function askInChat(page: Page, question: string): Promise<Locator> {
  const before = await page.locator('.answer').count();
  await page.fill('#question', question);
  await page.keyboard.press('Enter');
  const answer = page.locator('.answer').nth(before);
  await expect.poll(() => answer.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
  return answer;
}
