import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PanelSpec } from '../../src/protocol/spec';
import type { WebviewToHost } from '../../src/protocol/webview';
import { webviewHtml } from '../../webview/html';
import { launchChromium, newPage } from '../support/chromium';

const repo = join(__dirname, '..', '..');
let server: Server;
let origin: string;
let browser: Browser;

// Serves the built bundle behind the same HTML shell and CSP the extension uses, with a fresh
// nonce per page, so the browser enforces exactly what VS Code's webview would.
before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/' || url.startsWith('/?')) {
      res.setHeader('content-type', 'text/html');
      res.end(webviewHtml({ nonce: randomBytes(16).toString('base64'), cspSource: origin, script: { uri: `${origin}/dist/webview.js` }, style: { uri: `${origin}/media/webview.css` }, title: 'test' }));
      return;
    }
    try {
      const body = readFileSync(join(repo, url.split('?')[0]));
      res.setHeader('content-type', url.endsWith('.js') ? 'text/javascript' : url.endsWith('.css') ? 'text/css' : 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function spec(title = 'loss vs compute'): PanelSpec {
  return {
    title: HOSTILE,
    source: 'runs/<script>window.__pwned=2</script>.csv',
    messages: [{ severity: 'warning', text: '<b>1 bad row</b>' }],
    views: [
      {
        kind: 'chart',
        id: 'metric',
        title,
        x: { label: 'compute', scale: 'log' },
        y: { label: 'loss', scale: 'log' },
        series: [
          { name: '<script>window.__pwned=3</script>', kind: 'scatter', points: Array.from({ length: 20 }, (_, i) => ({ x: 1e18 * 2 ** i, y: 2 + 3 / (i + 1), label: `run-${i}<i>` })) },
          { name: 'fit', kind: 'line', dashed: true, points: [{ x: 1e18, y: 5 }, { x: 5e23, y: 2.1 }] },
        ],
        notes: ['20 points'],
      },
      { kind: 'table', id: 'columns', title: 'Columns', columns: ['column', 'values'], rows: [['<u>loss</u>', 20]] },
    ],
  };
}

/** A page with a stand-in for VS Code's webview API that records what the webview posts. */
async function openWebview(): Promise<{ page: Page; posted: () => Promise<WebviewToHost[]> }> {
  const page = await newPage(browser, { viewport: { width: 900, height: 900 } });
  await page.addInitScript(() => {
    const w = window as unknown as { __posted: unknown[]; __state: unknown; __violations: string[]; acquireVsCodeApi: () => unknown };
    w.__posted = [];
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => w.__posted.push(m),
      getState: () => w.__state,
      setState: (s: unknown) => (w.__state = s),
    });
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(origin + '/');
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  assert.deepEqual(errors, []);
  return { page, posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted) };
}

async function render(page: Page, s: PanelSpec): Promise<void> {
  const before = await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'rendered').length);
  await page.evaluate((s) => window.postMessage({ type: 'render', spec: s }, '*'), s);
  await page.waitForFunction((n) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'rendered').length > n, before);
}

/** Pixels that are not transparent: the chart really drew. */
function inkedPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector('canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

test('a spec renders as a Chart.js chart on a canvas, and the webview says what it drew', async () => {
  const { page, posted } = await openWebview();
  await render(page, spec());
  const rendered = (await posted()).filter((m) => m.type === 'rendered').pop();
  assert.deepEqual(rendered, { type: 'rendered', charts: [{ id: 'metric', points: 22 }] });
  assert.ok((await inkedPixels(page)) > 2000, 'the canvas should have drawn points, lines and axes');
  await page.close();
});

test('text from files is shown as text, never run or parsed as markup', async () => {
  const { page } = await openWebview();
  await render(page, spec());
  assert.equal(await page.textContent('h1'), HOSTILE);
  assert.equal(await page.locator('h1 img, main img, main script, main b, main u').count(), 0);
  assert.equal(await page.textContent('td'), '<u>loss</u>');
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  await page.close();
});

test('the CSP blocks a script injected into the page, inline or as an event handler', async () => {
  const { page } = await openWebview();
  await render(page, spec());
  // Simulate a rendering bug that lets trace text become markup: the policy must still hold.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__pwned = 4';
    document.body.appendChild(s);
    const d = document.createElement('div');
    d.innerHTML = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="window.__pwned=5"><img src="http://example.invalid/x.png" onerror="window.__pwned=6">';
    document.body.appendChild(d);
  });
  await page.waitForFunction(() => (window as unknown as { __violations: string[] }).__violations.length >= 2);
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.ok(violations.some((v) => v.startsWith('script-src')), violations.join('; '));
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp!, /default-src 'none'/);
  assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval|https?:\/\/(?!127\.0\.0\.1)/);
  await page.close();
});

test('axis scales switch from the keyboard, and the choice is kept in webview state', async () => {
  const { page, posted } = await openWebview();
  await render(page, spec());
  await page.focus('select');
  await page.selectOption('select', 'linear');
  // Only that chart is redrawn, in place.
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'patched'));
  const messages = await posted();
  assert.ok(messages.some((m) => m.type === 'scaleChanged' && m.chartId === 'metric' && m.scale === 'linear'));
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __state: { chosen: unknown } }).__state.chosen), { metric: 'linear' });
  assert.equal(await page.inputValue('select'), 'linear');
  await page.close();
});

test('a control posts its values; the host\'s patch replaces only the views it names, quickly', async () => {
  const { page, posted } = await openWebview();
  const s = spec();
  s.views.unshift({
    kind: 'control',
    id: 'planner',
    title: 'Budget planner',
    action: 'plan',
    controls: [
      { id: 'target', label: 'Target accuracy', type: 'range', min: 0.05, max: 0.99, step: 0.01, value: 0.8, format: 'percent' },
      { id: 'axis', label: 'Cost axis', type: 'select', value: 'tokens', options: [{ value: 'tokens', label: 'tokens' }, { value: 'dollars', label: 'dollars' }] },
    ],
  });
  await render(page, s);
  const slider = page.locator('input[type=range]');
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'control'));
  const control = (await posted()).find((m) => m.type === 'control');
  assert.deepEqual(control, { type: 'control', action: 'plan', values: { target: 0.79, axis: 'tokens' } });
  assert.equal(await page.textContent('output'), '79%');
  const tableBefore = await page.locator('section[aria-label="Columns"]').elementHandle();
  const newChart = { ...(s.views[1] as Extract<typeof s.views[number], { kind: 'chart' }>), title: 'patched chart' };
  await page.evaluate((v) => window.postMessage({ type: 'patch', views: [v] }, '*'), newChart);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'patched'));
  assert.equal(await page.locator('h2', { hasText: 'patched chart' }).count(), 1);
  assert.equal(await page.locator('h2', { hasText: 'loss vs compute' }).count(), 0);
  // The table was not touched: same element.
  assert.equal(await tableBefore!.evaluate((e) => e.isConnected), true);
  const patched = (await posted()).find((m) => m.type === 'patched') as { ms: number };
  assert.ok(patched.ms < 1000, `patch drew in ${patched.ms} ms`);
  await page.close();
});

test('export: SVG escapes file text, PNG is a real PNG, CSV has every point', async () => {
  const { page, posted } = await openWebview();
  await render(page, spec());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const f of ['SVG', 'PNG', 'CSV']) await page.click(`.toolbar button:text-is("${f}")`);
  assert.deepEqual(errors, []);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'export').length >= 3);
  const exports = (await posted()).filter((m): m is Extract<WebviewToHost, { type: 'export' }> => m.type === 'export');
  const svg = exports.find((e) => e.format === 'svg')!;
  assert.match(svg.data, /^<svg xmlns/);
  assert.ok(svg.data.includes('&lt;script&gt;window.__pwned=3&lt;/script&gt;'));
  assert.ok(!svg.data.includes('<script'));
  assert.equal((svg.data.match(/<circle /g) ?? []).length, 20);
  const png = Buffer.from(exports.find((e) => e.format === 'png')!.data, 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 10_000, `PNG of ${png.length} bytes looks empty`);
  const csv = exports.find((e) => e.format === 'csv')!;
  assert.equal(csv.data.trim().split('\n').length, 1 + 22);
  assert.ok(csv.suggestedName.endsWith('.csv') && !/[<>/]/.test(csv.suggestedName));
  await page.close();
});

test('theme colours come from VS Code CSS variables and follow a theme switch', async () => {
  const { page, posted } = await openWebview();
  await page.evaluate(() => {
    document.documentElement.style.setProperty('--vscode-editor-foreground', 'rgb(10, 20, 30)');
    document.body.classList.add('vscode-light');
  });
  await render(page, spec());
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('h1')!).color), 'rgb(10, 20, 30)');
  const n = (await posted()).filter((m) => m.type === 'rendered').length;
  await page.evaluate(() => {
    document.documentElement.style.setProperty('--vscode-editor-foreground', 'rgb(240, 240, 240)');
    document.body.classList.replace('vscode-light', 'vscode-dark');
  });
  await page.waitForFunction((n) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'rendered').length > n, n);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('h1')!).color), 'rgb(240, 240, 240)');
  await page.close();
});

test('the CLI report is self-contained: it renders offline from one file under the same CSP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-report-'));
  const out = join(dir, 'report.html');
  try {
    execFileSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'report', join(repo, 'test', 'fixtures', 'run-logs', 'bad-rows.csv'), '-o', out], { stdio: 'pipe' });
  } catch (e) {
    // Exit code 1: the fixture has bad rows; the report is still written.
    assert.equal((e as { status: number }).status, 1);
  }
  const html = readFileSync(out, 'utf8');
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/);
  const page = await newPage(browser);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.addEventListener('scaling-lens-message', (e) => ((window as unknown as { __last: unknown }).__last = (e as CustomEvent).detail));
  });
  await page.goto('file://' + out);
  await page.waitForFunction(() => ((window as unknown as { __last?: { type: string } }).__last?.type === 'rendered'));
  const last = await page.evaluate(() => (window as unknown as { __last: { charts: { points: number }[] } }).__last);
  // Rows a, e and f have both tokens and loss; b and d lost their loss to bad values, c was skipped.
  assert.equal(last.charts[0].points, 3);
  assert.ok((await inkedPixels(page)) > 1000);
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
  await page.close();
});

test('a panel of many views opens with a contents list that moves to each view from the keyboard', async () => {
  const { page } = await openWebview();
  const few = spec();
  await render(page, few);
  assert.equal(await page.locator('nav.contents').count(), 0, 'two views need no contents');
  const tables = Array.from({ length: 9 }, (_, i) => ({ kind: 'table' as const, id: `t${i}`, title: `<b>table ${i}</b>`, columns: ['a'], rows: [[i]] }));
  await render(page, { ...few, views: [...few.views, ...tables] });
  assert.equal(await page.textContent('nav.contents summary'), 'Contents (11 views)');
  await page.focus('nav.contents summary');
  await page.keyboard.press('Enter');
  const entry = page.locator('nav.contents li button', { hasText: '<b>table 7</b>' });
  assert.equal(await entry.count(), 1, 'titles are shown as text');
  await entry.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), '<b>table 7</b>');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H2');
  await page.close();
});
