import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  WorkDoneProgress,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { ControlRequest, PanelRequest, ServerStatusNotification, type ControlParams, type ControlResult, type PanelParams, type PanelResult, type ServerStatus } from '../protocol/lsp';
import { config } from './config';
import { startServerProcess } from './serverProcess';

// JSON too: trainer_state.json, Inspect eval logs and per-sample result files; YAML, JSON and
// TOML for training configs. Other such files cost the server one quick look.
export const DOCUMENT_SELECTOR = [{ scheme: 'file', pattern: '**/*.{csv,tsv,jsonl,ndjson,json,yaml,yml,toml}' }];

/** Crashes counted within this window decide whether to restart again. */
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/**
 * Restarts a crashed server a bounded number of times (vscode-eslint's habit), and never one
 * that was stopped on purpose.
 */
class RestartLimiter implements ErrorHandler {
  private crashes: number[] = [];
  stopping = false;
  constructor(private readonly ctx: Ctx) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    if (this.stopping) return { action: CloseAction.DoNotRestart, handled: true };
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < RESTART_WINDOW_MS);
    this.crashes.push(now);
    const max = config.maxRestarts;
    if (this.crashes.length <= max) {
      this.ctx.log(`The analysis server stopped unexpectedly; restarting (${this.crashes.length} of ${max} within 3 minutes).`);
      return { action: CloseAction.Restart, handled: true };
    }
    this.ctx.onGaveUp();
    return {
      action: CloseAction.DoNotRestart,
      message: `The Scaling Lens analysis server crashed ${this.crashes.length} times in 3 minutes and was not restarted. See the output channel, then run "Scaling Lens: Restart Analysis Server".`,
    };
  }
}

/**
 * Owns the language client: start, stop, restart, the status bar item that reflects the
 * server's health, and disposal (rust-analyzer's ctx.ts).
 */
export class Ctx implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Scaling Lens', { log: true });
  private readonly traceOutput = vscode.window.createOutputChannel('Scaling Lens (LSP trace)');
  private readonly statusItem = vscode.window.createStatusBarItem('scalingLens.status', vscode.StatusBarAlignment.Left, 10);
  private client: LanguageClient | undefined;
  private limiter = new RestartLimiter(this);
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatus>();
  /** Fires when the server says it is ready (also after each restart). */
  readonly onServerStatus = this.statusEmitter.event;
  lastStatus: ServerStatus | undefined;
  /** When activation began: the benchmark reads "ready … after activation" from the log. */
  private readonly activatedAt = Date.now();
  private firstReady = true;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.statusItem.name = 'Scaling Lens';
    this.statusItem.command = 'scalingLens.showOutput';
    this.setStatus('$(loading~spin) Scaling Lens', 'Starting the analysis server…');
    this.statusItem.show();
  }

  log(message: string): void {
    this.output.info(message);
  }

  private setStatus(text: string, tooltip: string, error = false): void {
    this.statusItem.text = text;
    this.statusItem.tooltip = tooltip;
    this.statusItem.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  onGaveUp(): void {
    this.setStatus('$(error) Scaling Lens', 'The analysis server stopped. Click to see its log.', true);
    this.output.show(true);
  }

  async start(): Promise<void> {
    const module = this.context.asAbsolutePath('dist/server.js');
    // Called again on every restart.
    const serverOptions: ServerOptions = async () => startServerProcess(module, this.output, vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath);
    this.limiter = new RestartLimiter(this);
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      synchronize: { configurationSection: 'scalingLens' },
      outputChannel: this.output,
      traceOutputChannel: this.traceOutput,
      // Revealed by us on real errors only (see onGaveUp), not on every server log line.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: this.limiter,
      initializationFailedHandler: (error) => {
        this.output.error(`The analysis server failed to start: ${error instanceof Error ? error.message : String(error)}`);
        void vscode.window.showErrorMessage('Scaling Lens could not start its analysis server.', 'Show Log').then((a) => a && this.output.show());
        this.onGaveUp();
        return false;
      },
    };
    const client = new LanguageClient('scalingLens', 'Scaling Lens', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.setStatus('$(graph-line) Scaling Lens', 'Scaling Lens analysis server is running. Click to see its log.');
      else if (e.newState === State.Starting) this.setStatus('$(loading~spin) Scaling Lens', 'Starting the analysis server…');
    });
    const started = Date.now();
    client.onNotification(ServerStatusNotification, (s) => {
      this.lastStatus = s;
      const since = this.firstReady ? `${Date.now() - this.activatedAt} ms after activation began` : `${Date.now() - started} ms after restart`;
      this.firstReady = false;
      this.log(`Server ${s.version} ${s.state} (pid ${s.pid}), ${since}.`);
      this.statusEmitter.fire(s);
    });
    await client.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    this.limiter.stopping = true;
    try {
      if (client.isRunning()) await client.stop(5000);
    } catch (e) {
      this.output.warn(`Stopping the analysis server: ${(e as Error).message}`);
    }
  }

  async restart(): Promise<void> {
    this.setStatus('$(loading~spin) Scaling Lens', 'Restarting the analysis server…');
    await this.stop();
    await this.start();
  }

  get running(): boolean {
    return !!this.client?.isRunning();
  }

  private requireClient(): LanguageClient {
    if (!this.client || !this.client.isRunning()) throw new Error('The Scaling Lens analysis server is not running. Run "Scaling Lens: Restart Analysis Server".');
    return this.client;
  }

  /**
   * Asks the server for a file's panel. Work that lasts over a second shows a cancellable
   * notification fed by the server's own progress reports.
   */
  async requestPanel(params: Omit<PanelParams, 'workDoneToken'>, title: string, token?: vscode.CancellationToken): Promise<PanelResult> {
    const client = this.requireClient();
    const cts = new vscode.CancellationTokenSource();
    token?.onCancellationRequested(() => cts.cancel());
    const workDoneToken = randomUUID();
    let report: ((message: string, pct: number) => void) | undefined;
    let lastPct = 0;
    const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
      if (v.kind === 'report' && report) report(v.message ?? '', v.percentage ?? lastPct);
    });
    const request = client.sendRequest(PanelRequest, { ...params, workDoneToken }, cts.token);
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, ptoken) => {
        ptoken.onCancellationRequested(() => cts.cancel());
        report = (message, pct) => {
          progress.report({ message, increment: Math.max(0, pct - lastPct) });
          lastPct = pct;
        };
        return request.catch(() => undefined);
      });
    }, 1000);
    try {
      return await request;
    } finally {
      done = true;
      clearTimeout(timer);
      sub.dispose();
      cts.dispose();
    }
  }

  sendControl(params: ControlParams): Promise<ControlResult> {
    return this.requireClient().sendRequest(ControlRequest, params);
  }

  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  dispose(): void {
    void this.stop();
    this.statusItem.dispose();
    this.statusEmitter.dispose();
    this.output.dispose();
    this.traceOutput.dispose();
  }
}
