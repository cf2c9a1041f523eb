import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, with the flags this sandbox needs (no sandbox as root, no background network). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * tsx compiles test files with esbuild's keepNames, which wraps functions in `__name(...)`;
 * functions passed to page.evaluate carry that call into the page, so define it there.
 */
export async function newPage(target: Browser | BrowserContext, options: Parameters<Browser['newPage']>[0] = {}): Promise<Page> {
  const page = 'newContext' in target ? await target.newPage(options) : await target.newPage();
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  return page;
}
