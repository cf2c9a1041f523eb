import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';

export const REPO = join(__dirname, '..', '..');
export const SCREENSHOTS = join(REPO, 'test-results', 'screenshots');

/** The cached code-server install (scripts/setup-code-server.sh installs it once). */
export function codeServerEntry(): string {
  return execFileSync('bash', [join(REPO, 'scripts', 'setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Packages the integration-test runner extension (test/integration/runner) as a .vsix. */
export async function buildRunnerVsix(outDir: string): Promise<string> {
  const dir = join(outDir, 'runner');
  mkdirSync(dir, { recursive: true });
  await build({ entryPoints: [join(REPO, 'test', 'integration', 'runner', 'extension.ts')], outfile: join(dir, 'extension.js'), bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'warning' });
  copyFileSync(join(REPO, 'test', 'integration', 'runner', 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(REPO, 'LICENSE'), join(dir, 'LICENSE'));
  writeFileSync(join(dir, 'README.md'), '# Scaling Lens integration test runner\n\nTest-only extension; see test/integration/runner/extension.ts.\n');
  const vsix = join(outDir, 'runner.vsix');
  execFileSync(process.execPath, [join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], { cwd: dir, stdio: 'pipe' });
  return vsix;
}

export interface Session {
  url: string;
  workspace: string;
  proc: ChildProcess;
  log: string[];
  stop(): Promise<void>;
}

export class CodeServer {
  readonly root = mkdtempSync(join(tmpdir(), 'sl-e2e-'));
  readonly userData = join(this.root, 'user');
  readonly extensions = join(this.root, 'extensions');
  constructor(readonly entry: string) {}

  install(vsix: string): void {
    execFileSync(process.execPath, [this.entry, '--user-data-dir', this.userData, '--extensions-dir', this.extensions, '--install-extension', vsix, '--force'], { stdio: 'pipe' });
  }

  /** A fresh copy of examples/ (tests may edit files; the repository's copy stays untouched). */
  workspaceCopy(name: string): string {
    const ws = join(this.root, name);
    cpSync(join(REPO, 'examples'), ws, { recursive: true });
    return ws;
  }

  async start(workspace: string, env: Record<string, string> = {}): Promise<Session> {
    const port = await freePort();
    const log: string[] = [];
    const proc = spawn(process.execPath, [this.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--user-data-dir', this.userData, '--extensions-dir', this.extensions, workspace], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const listening = new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        log.push(String(d));
        if (String(d).includes('HTTP server listening')) resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.on('exit', (code) => reject(new Error(`code-server exited with ${code}:\n${log.join('')}`)));
    });
    await listening;
    return {
      url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
      workspace,
      proc,
      log,
      stop: () =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null) return resolve();
          proc.on('exit', () => resolve());
          proc.kill('SIGTERM');
        }),
    };
  }

  /** The extension's output channel log and the extension host's log, for failure reports. */
  logs(): string {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/Scaling Lens\.log$|exthost\.log$|remoteexthost\.log$/.test(e.name)) out.push(`--- ${p}\n${readFileSync(p, 'utf8').slice(-6000)}`);
      }
    };
    try {
      walk(join(this.userData, 'logs'));
    } catch {
      // No logs yet.
    }
    return out.join('\n');
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Opens the workbench and accepts the workspace-trust dialog when it appears. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  const trust = page.getByRole('button', { name: 'Yes, I trust the authors' });
  try {
    await trust.waitFor({ timeout: 15_000 });
    await trust.click();
  } catch {
    // Already trusted (or trust disabled): nothing to accept.
  }
}

/** Runs a command from the command palette by its title, as a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.click('.monaco-workbench .part.statusbar');
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
