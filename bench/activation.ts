/**
 * Activation to server ready, measured in a real VS Code (code-server + Chromium) from the
 * extension's own log line, over several fresh windows; and the size of the packaged .vsix.
 * Targets (issue 3): activation → server ready < 1 s; VSIX < 15 MB.
 * Run: npm run package && node --import tsx bench/activation.ts [windows=5]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, newPage } from '../test/support/chromium';
import { CodeServer, codeServerEntry, openWorkbench, REPO } from '../test/e2e/codeServer';

function findLogs(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) findLogs(p, out);
    else if (e.name === 'Scaling Lens.log' || e.name.endsWith('-Scaling Lens.log')) out.push(p);
  }
  return out;
}

function readyTimes(userData: string): number[] {
  const times: number[] = [];
  for (const f of findLogs(join(userData, 'logs'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/(\d+) ms after activation began/g)) times.push(Number(m[1]));
  }
  return times;
}

async function main() {
  const windows = Number(process.argv[2] ?? 5);
  const vsix = join(REPO, 'dist', 'scaling-lens.vsix');
  const size = statSync(vsix).size;
  const cs = new CodeServer(codeServerEntry());
  cs.install(vsix);
  const browser = await launchChromium();
  const session = await cs.start(cs.workspaceCopy('bench'));
  try {
    for (let i = 0; i < windows; i++) {
      const before = readyTimes(cs.userData).length;
      const page = await newPage(browser, { viewport: { width: 1200, height: 800 } });
      // A new window starts a new extension host; opening a CSV activates the extension.
      await openWorkbench(page, session.url.replace('?folder=', `?payload=${encodeURIComponent(JSON.stringify([['openFile', `vscode-remote://${new URL(session.url).host}${session.workspace}/runs/sweep.csv`]]))}&folder=`));
      const deadline = Date.now() + 60_000;
      while (readyTimes(cs.userData).length <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      await page.close();
    }
  } finally {
    await browser.close();
    await session.stop();
  }
  const times = readyTimes(cs.userData).sort((a, b) => a - b);
  cs.dispose();
  if (times.length === 0) throw new Error('the extension never logged a ready server');
  const median = times[Math.floor(times.length / 2)];
  console.log(`activation → server ready over ${times.length} windows: median ${median} ms, max ${times[times.length - 1]} ms (target < 1000 ms: ${median < 1000 ? 'met' : 'NOT met'}; ${(1000 / median).toFixed(1)}× under)`);
  console.log(`VSIX: ${(size / 1e6).toFixed(2)} MB (target < 15 MB: ${size < 15e6 ? 'met' : 'NOT met'}; ${(15e6 / size).toFixed(1)}× under)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
