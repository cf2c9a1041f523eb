import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium, newPage } from '../support/chromium';
import type { TestOutcome } from '../integration/suite';
import { buildRunnerVsix, CodeServer, codeServerEntry, openWorkbench, REPO, runCommand, screenshot } from './codeServer';

/**
 * The packaged extension in a real VS Code (code-server, VS Code for the browser) driven by
 * headless Chromium, plus the integration suite running in its extension host.
 */
let cs: CodeServer;
let browser: Browser;

before(async () => {
  const vsix = join(REPO, 'dist', 'scaling-lens.vsix');
  assert.ok(existsSync(vsix), 'run `npm run package` first (npm test does)');
  cs = new CodeServer(codeServerEntry());
  cs.install(vsix);
  cs.install(await buildRunnerVsix(cs.root));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  cs?.dispose();
});

/**
 * The webview frame (two iframes deep in the workbench) whose document shows `heading`, not
 * counting frames already found.
 */
async function chartFrame(page: Page, heading: string, exclude: Frame[] = []): Promise<Frame> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (f === page.mainFrame() || exclude.includes(f)) continue;
      try {
        if ((await f.locator('canvas').count()) > 0 && (await f.locator('h2', { hasText: heading }).count()) > 0) return f;
      } catch {
        // Frames come and go while the workbench lays out.
      }
    }
    await page.waitForEvent('frameattached', { timeout: 1000 }).catch(() => undefined);
  }
  throw new Error(`no webview frame showing "${heading}" appeared`);
}

function inkedPixels(frame: Frame) {
  return frame.evaluate(() => {
    const c = document.querySelector('canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return { n, w: c.width, h: c.height };
  });
}

test('Fit Scaling Law from the command palette renders the chart, and the bad row is in Problems', async () => {
  const session = await cs.start(cs.workspaceCopy('ui'));
  const page = await newPage(browser, { viewport: { width: 1400, height: 900 } });
  try {
    await openWorkbench(page, session.url);
    await screenshot(page, '01-workbench');
    await runCommand(page, 'Scaling Lens: Fit Scaling Law');
    // Two run logs in examples/: the command asks which one.
    const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'sweep.csv' });
    await pick.first().waitFor({ timeout: 30_000 });
    await page.keyboard.type('sweep');
    await page.keyboard.press('Enter');
    const frame = await chartFrame(page, 'Loss vs compute');
    await frame.locator('h2', { hasText: 'Chinchilla' }).first().waitFor();
    const inked = await inkedPixels(frame);
    assert.ok(inked.w > 100 && inked.h > 100, `canvas is ${inked.w}×${inked.h}`);
    assert.ok(inked.n > 2000, `the chart drew ${inked.n} pixels`);
    // The webview runs under our CSP: the meta tag is in its document.
    assert.match((await frame.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')) ?? '', /script-src 'nonce-/);
    await screenshot(page, '02-fit-panel');

    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: "expects a number, found 'diverged'" });
    await problem.first().waitFor({ timeout: 30_000 });
    const text = await page.locator('.markers-panel').innerText();
    assert.match(text, /sweep\.csv/);
    assert.match(text, /\[Ln 15, Col 45\]/);
    await screenshot(page, '03-problems');

    // The side view follows the active editor: open the loss curves, then show the view.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('loss-curves.jsonl');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'loss-curves.jsonl' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'loss-curves.jsonl' }).waitFor();
    await runCommand(page, 'Scaling Lens: Focus on Current File View');
    const side = await chartFrame(page, 'loss vs tokens', [frame]);
    assert.ok((await inkedPixels(side)).n > 1000);
    await screenshot(page, '04-side-view');

    // Test-time scaling: the planner slider goes to the server and back as a patch.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('samples.jsonl');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'samples.jsonl' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'samples.jsonl' }).waitFor();
    await runCommand(page, 'Scaling Lens: Show Test-Time Scaling');
    const tts = await chartFrame(page, 'Pareto frontier', [frame, side]);
    await tts.locator('h2', { hasText: /Recommendation for 80(\.0)?%/ }).waitFor();
    const slider = tts.locator('input[type=range]');
    await slider.focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
    await tts.locator('h2', { hasText: /Recommendation for 70(\.0)?%/ }).waitFor({ timeout: 30_000 });
    await screenshot(page, '05-test-time-scaling');
  } catch (e) {
    await screenshot(page, 'failed-ui').catch(() => undefined);
    for (const f of page.frames()) {
      const text = await f.evaluate(() => document.getElementById('app')?.innerText ?? null).catch(() => null);
      if (text !== null) console.log(`webview #app: ${text.slice(0, 300)}`);
    }
    console.log(cs.logs());
    throw e;
  } finally {
    await page.close();
    await session.stop();
  }
});

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
}

test('traces show token costs inline, configs show predictions on hover, and the budget planner opens', async () => {
  const session = await cs.start(cs.workspaceCopy('editor'));
  const page = await newPage(browser, { viewport: { width: 1400, height: 900 } });
  try {
    await openWorkbench(page, session.url);
    await openFile(page, 'traces.jsonl');
    await page.locator('.statusbar-item', { hasText: /12 traces/ }).waitFor({ timeout: 60_000 });
    // Inlay hints render as text in the editor's view lines (with non-breaking spaces).
    await page.locator('.monaco-editor .view-line', { hasText: /think[\s\u00a0]+113[\s\u00a0]+·[\s\u00a0]+answer[\s\u00a0]+20/ }).first().waitFor({ timeout: 60_000 });
    await page.locator('.codelens-decoration', { hasText: 'Summarise file: 12 traces' }).first().waitFor({ timeout: 30_000 });
    await screenshot(page, '07-trace-inlay-hints');

    await openFile(page, 'train.yaml');
    const key = page.locator('.monaco-editor .view-line span', { hasText: 'max_steps' }).first();
    await key.waitFor();
    // A hover asked for before the server has analysed the config comes back empty, and the
    // editor does not ask again while the mouse stays put: move away and hover again until it shows.
    const hover = page.locator('.monaco-hover', { hasText: /loss/i }).first();
    for (let deadline = Date.now() + 60_000; ; ) {
      await key.hover();
      const shown = await hover.waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (shown) break;
      if (Date.now() > deadline) await hover.waitFor({ timeout: 1 });
      await page.mouse.move(5, 5);
    }
    await screenshot(page, '08-config-hover');

    await runCommand(page, 'Scaling Lens: Open Budget Planner');
    const planner = await chartFrame(page, 'Recommendation on the frontier');
    await planner.locator('td', { hasText: 'model size N' }).waitFor();
    await screenshot(page, '09-budget-planner');
  } catch (e) {
    await screenshot(page, 'failed-editor').catch(() => undefined);
    console.log(cs.logs());
    throw e;
  } finally {
    await page.close();
    await session.stop();
  }
});

test('the integration suite passes inside code-server\'s extension host', async () => {
  const workspace = cs.workspaceCopy('integration');
  const results = join(cs.root, 'integration-results.json');
  const session = await cs.start(workspace, { SCALING_LENS_IT_RESULTS: results });
  const page = await newPage(browser, { viewport: { width: 1400, height: 900 } });
  try {
    // The extension host starts when a window connects.
    await openWorkbench(page, session.url);
    const deadline = Date.now() + 120_000;
    while (!existsSync(results) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await screenshot(page, '10-integration');
    assert.ok(existsSync(results), `no results from the runner extension; code-server log:\n${session.log.join('')}`);
    const { outcomes } = JSON.parse(readFileSync(results, 'utf8')) as { outcomes: TestOutcome[] };
    for (const o of outcomes) console.log(`  ${o.ok ? '✔' : '✖'} ${o.name} (${o.ms} ms)`);
    assert.ok(outcomes.length >= 5, `expected the whole suite, got ${outcomes.length} outcomes`);
    const failed = outcomes.filter((o) => !o.ok);
    assert.deepEqual(failed, []);
  } finally {
    await page.close();
    await session.stop();
  }
});
