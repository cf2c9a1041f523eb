/**
 * Planner slider → new chart, measured on the real pieces: the built server over LSP (stdio)
 * answering scalingLens/control, and the built webview in headless Chromium drawing the patch.
 * Target (issue 5): < 50 ms from message to new chart.
 * Run: npm run build && node --import tsx bench/planner-latency.ts [moves=100] [file]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ControlRequest, PanelRequest } from '../src/protocol/lsp';
import type { ViewSpec } from '../src/protocol/spec';
import { LspTestClient } from '../test/protocol/lspClient';
import { launchChromium, newPage } from '../test/support/chromium';
import { webviewHtml } from '../webview/html';

const repo = join(__dirname, '..');

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function main() {
  const moves = Number(process.argv[2] ?? 100);
  const file = process.argv[3] ?? join(repo, 'examples', 'eval', 'samples.jsonl');
  const uri = pathToFileURL(file).toString();
  const client = new LspTestClient();
  await client.initialize(pathToFileURL(repo).toString());
  const t0 = Date.now();
  const panel = await client.conn.sendRequest(PanelRequest, { uri, kind: 'tts' });
  console.log(`test-time scaling panel for ${file}: ${Date.now() - t0} ms (read, bootstrap, laws, in the server's worker)`);

  // The webview, under the extension's own HTML shell and CSP.
  let origin = '';
  const http = createServer((req, res) => {
    if (req.url === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(webviewHtml({ nonce: randomBytes(16).toString('base64'), cspSource: origin, script: { uri: `${origin}/dist/webview.js` }, style: { uri: `${origin}/media/webview.css` }, title: 'bench' }));
    } else if (req.url === '/dist/webview.js' || req.url === '/media/webview.css') {
      res.setHeader('content-type', req.url.endsWith('.js') ? 'text/javascript' : 'text/css');
      res.end(readFileSync(join(repo, req.url)));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const page = await newPage(browser, { viewport: { width: 1200, height: 900 } });
  await page.addInitScript(() => {
    const w = window as unknown as { __posted: unknown[]; acquireVsCodeApi: () => unknown };
    w.__posted = [];
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__posted.push(m), getState: () => undefined, setState: () => undefined });
  });
  await page.goto(origin + '/');
  await page.evaluate((spec) => window.postMessage({ type: 'render', spec }, '*'), panel.panel);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'rendered'));

  const server: number[] = [];
  const draw: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < moves; i++) {
    const target = 0.5 + (0.45 * (i % 46)) / 45;
    const start = performance.now();
    const { views } = await client.conn.sendRequest(ControlRequest, { uri, kind: 'tts', action: 'plan', values: { target, axis: 'tokens' } });
    const answered = performance.now();
    const ms = await page.evaluate(async (v: ViewSpec[]) => {
      const w = window as unknown as { __posted: { type: string; ms?: number }[] };
      const before = w.__posted.length;
      window.postMessage({ type: 'patch', views: v }, '*');
      while (!w.__posted.slice(before).some((m) => m.type === 'patched')) await new Promise((r) => requestAnimationFrame(r));
      return w.__posted.slice(before).find((m) => m.type === 'patched')!.ms!;
    }, views);
    server.push(answered - start);
    draw.push(ms);
    // Playwright's own round trip to the page is not part of the product; VS Code's postMessage hop is about a millisecond.
    total.push(answered - start + ms);
  }
  await browser.close();
  http.close();
  await client.shutdown();
  const line = (name: string, xs: number[]) => `${name.padEnd(34)} p50 ${quantile(xs, 0.5).toFixed(1)} ms   p95 ${quantile(xs, 0.95).toFixed(1)} ms`;
  console.log(`${moves} slider moves:`);
  console.log(line('server (LSP request → new views)', server));
  console.log(line('webview (patch → chart drawn)', draw));
  console.log(line('message to new chart (sum)', total));
  const p95 = quantile(total, 0.95);
  console.log(`target < 50 ms from message to new chart: ${p95 < 50 ? 'met' : 'NOT met'} (p95 ${p95.toFixed(1)} ms; ${(50 / p95).toFixed(1)}× under)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
