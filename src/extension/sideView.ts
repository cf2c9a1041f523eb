import * as vscode from 'vscode';
import type { HostToWebview, WebviewToHost } from '../protocol/webview';
import { config } from './config';
import type { Ctx } from './ctx';
import { setWebviewHtml, webviewOptions } from './webviewContent';
import { handleCommonMessage } from './webviewMessages';

const CLAIMED = /\.(csv|tsv|jsonl|ndjson|json|ya?ml|toml)$/i;

/**
 * The activity-bar view: follows the active editor and plots the file in it, refreshing as
 * the user types (debounced).
 */
export class SideView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'scalingLens.sideView';
  private view: vscode.WebviewView | undefined;
  private ready: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private shownUri: string | undefined;
  private cts: vscode.CancellationTokenSource | undefined;
  /** Sent again when the webview reloads and says `ready`. */
  private last: HostToWebview | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx, private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(100)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === this.shownUri) this.schedule(300);
      }),
      ctx.onServerStatus(() => this.schedule(0)),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    let markReady: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => (markReady = resolve));
    view.webview.onDidReceiveMessage(async (m: WebviewToHost) => {
      if (m.type === 'ready') {
        markReady();
        if (this.last) void view.webview.postMessage(this.last);
      } else await handleCommonMessage(m, (s) => this.ctx.log(s));
    });
    view.onDidChangeVisibility(() => view.visible && this.schedule(0));
    view.onDidDispose(() => (this.view = undefined));
    setWebviewHtml(view.webview, this.extensionUri, 'Scaling Lens');
    this.shownUri = undefined;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  private async post(m: HostToWebview): Promise<void> {
    if (m.type !== 'busy') this.last = m;
    await this.ready;
    await this.view?.webview.postMessage(m);
  }

  private async refresh(): Promise<void> {
    if (!this.view?.visible) return;
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.uri.scheme !== 'file' || !CLAIMED.test(doc.uri.path)) {
      // Keep the last chart when focus moves to a panel or an unrelated editor.
      if (!this.shownUri) await this.post({ type: 'empty', text: 'Open a run log, a file of eval samples or traces, or a training config to see it here.' });
      return;
    }
    if (!this.ctx.running) return;
    this.cts?.cancel();
    const cts = (this.cts = new vscode.CancellationTokenSource());
    try {
      const result = await this.ctx.requestPanel({ uri: doc.uri.toString(), kind: 'file' }, 'Scaling Lens: analysing', cts.token);
      if (cts.token.isCancellationRequested) return;
      this.shownUri = doc.uri.toString();
      await this.post({ type: 'render', spec: result.panel, scale: config.defaultScale });
    } catch (e) {
      if (!cts.token.isCancellationRequested) await this.post({ type: 'error', text: (e as Error).message });
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.cts?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
