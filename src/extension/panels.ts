import * as vscode from 'vscode';
import type { PanelKind as ProtocolPanelKind, PanelResult } from '../protocol/lsp';
import type { HostToWebview, WebviewState, WebviewToHost } from '../protocol/webview';
import { config } from './config';
import type { Ctx } from './ctx';
import { setWebviewHtml, webviewOptions } from './webviewContent';
import { handleCommonMessage } from './webviewMessages';

/** How long a panel's webview may take to say `ready` before it is loaded again, and how many times. */
const webviewStartMs = 8000;
const webviewReloads = 3;

export const PANEL_VIEW_TYPE = 'scalingLens.panel';

export type PanelKind = Exclude<ProtocolPanelKind, 'file'>;

const TITLES: Record<PanelKind, string> = {
  fit: 'Scaling Law Fit',
  tts: 'Test-Time Scaling',
  trace: 'Trace Analysis',
  plan: 'Budget Planner',
};

export interface RenderReport {
  kind: PanelKind;
  uri?: string;
  charts: { id: string; points: number }[];
  at: number;
}

/**
 * One editor panel per kind (fit, test-time scaling, trace, planner), reused across files. A
 * panel remembers its file in webview state, so VS Code can restore it after a reload.
 */
export class Panels implements vscode.Disposable {
  /** Open panels, with the last render sent: a webview that reloads (VS Code may reload hidden or moved ones) says `ready` again and gets it back. */
  private readonly open = new Map<PanelKind, { panel: vscode.WebviewPanel; uri?: string; ready: Promise<void>; last?: HostToWebview }>();
  private readonly renderedEmitter = new vscode.EventEmitter<RenderReport>();
  /** Fires each time a panel's webview reports it drew (tests and the log use it). */
  readonly onRendered = this.renderedEmitter.event;
  readonly lastRendered = new Map<PanelKind, RenderReport>();
  private readonly patchedEmitter = new vscode.EventEmitter<{ kind: PanelKind; ids: string[]; ms: number }>();
  /** Fires when a webview has drawn a patch (a planner update). */
  readonly onPatched = this.patchedEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx, private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: WebviewState | undefined) => {
          const kind = (state?.restore?.kind as PanelKind | undefined) ?? 'fit';
          const uri = state?.restore?.uri;
          // A restored panel comes back without our options; a new one was created with them.
          panel.webview.options = webviewOptions(this.extensionUri);
          this.adopt(kind, panel, uri);
          if (uri) await this.show(kind, vscode.Uri.parse(uri));
        },
      }),
    );
  }

  private adopt(kind: PanelKind, panel: vscode.WebviewPanel, uri?: string, replaced = false) {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity.svg');
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const entry: { panel: vscode.WebviewPanel; uri?: string; ready: Promise<void>; last?: HostToWebview } = { panel, uri, ready };
    this.open.set(kind, entry);
    let started = false;
    let disposed = false;
    panel.webview.onDidReceiveMessage(async (m: WebviewToHost) => {
      switch (m.type) {
        case 'ready':
          started = true;
          markReady();
          if (entry.last) void panel.webview.postMessage(entry.last);
          break;
        case 'rendered': {
          const report = { kind, uri: entry.uri, charts: m.charts, at: Date.now() };
          this.lastRendered.set(kind, report);
          this.renderedEmitter.fire(report);
          break;
        }
        case 'control':
          if (entry.uri) await this.control(kind, entry, m.action, m.values);
          break;
        case 'patched':
          this.patchedEmitter.fire({ kind, ids: m.ids, ms: m.ms });
          break;
        case 'scaleChanged':
          // The webview keeps the choice in its own state.
          break;
        default:
          await handleCommonMessage(m, (s) => this.ctx.log(s));
      }
    });
    panel.onDidDispose(() => {
      disposed = true;
      if (this.open.get(kind)?.panel === panel) this.open.delete(kind);
    });
    setWebviewHtml(panel.webview, this.extensionUri, TITLES[kind]);
    // A webview whose script never starts stays on "Loading…" for good (seen in code-server on
    // a loaded machine): load it again, with a fresh nonce, a few times before giving up.
    const watch = (attempt: number): void => {
      setTimeout(() => {
        if (started || disposed) return;
        if (attempt > webviewReloads) {
          // Its frame never came up at all (a blank panel, seen on the first webview of a
          // code-server started under load): a new panel gets a new frame. Once.
          if (!replaced) this.replace(kind, entry, markReady);
          return;
        }
        this.ctx.log(`The ${kind} panel did not start within ${webviewStartMs / 1000} s; loading it again (${attempt} of ${webviewReloads}).`);
        setWebviewHtml(panel.webview, this.extensionUri, TITLES[kind]);
        watch(attempt + 1);
      }, webviewStartMs);
    };
    watch(1);
    return entry;
  }

  /** Opens a fresh panel in place of one whose webview never started, with what it was to show. */
  private replace(kind: PanelKind, old: { panel: vscode.WebviewPanel; uri?: string; last?: HostToWebview }, releaseOld: () => void): void {
    this.ctx.log(`The ${kind} panel did not start; opening it again in a new panel.`);
    const fresh = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, old.panel.title, { viewColumn: old.panel.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.extensionUri));
    const next = this.adopt(kind, fresh, old.uri, true);
    // The new webview gets the last render when it says ready.
    next.last = old.last;
    old.panel.dispose();
    // Posts still waiting on the old webview find it replaced and leave their message to `last`.
    releaseOld();
  }

  /** A control moved (the planner's slider): the server answers with the views to replace. */
  private async control(kind: PanelKind, entry: { panel: vscode.WebviewPanel; uri?: string }, action: string, values: Record<string, number | string>): Promise<void> {
    try {
      const result = await this.ctx.sendControl({ uri: entry.uri!, kind, action, values });
      if (result.views.length) await entry.panel.webview.postMessage({ type: 'patch', views: result.views } satisfies HostToWebview);
      if (result.message) void vscode.window.showInformationMessage(`Scaling Lens: ${result.message}`);
      if (result.edit) {
        // The user pressed the button: this is their action; the edit stays undoable and unsaved.
        const edit = new vscode.WorkspaceEdit();
        const uri = vscode.Uri.parse(result.edit.uri);
        for (const e of result.edit.edits) edit.replace(uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
        if (await vscode.workspace.applyEdit(edit)) void vscode.window.showInformationMessage(`Scaling Lens: ${result.edit.title}`);
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`Scaling Lens: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private panelFor(kind: PanelKind) {
    const existing = this.open.get(kind);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, TITLES[kind], { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.extensionUri));
    return this.adopt(kind, panel);
  }

  private async post(kind: PanelKind, message: HostToWebview): Promise<void> {
    const entry = this.open.get(kind);
    if (!entry) return;
    if (message.type !== 'busy') entry.last = message;
    await entry.ready;
    if (this.open.get(kind) !== entry) {
      // Replaced while waiting: the new panel shows the message as its last render.
      const current = this.open.get(kind);
      if (current && message.type !== 'busy') current.last = message;
      return;
    }
    await entry.panel.webview.postMessage(message);
  }

  /** Opens (or reuses) the panel of this kind and shows the server's analysis of `uri` in it. */
  async show(kind: PanelKind, uri: vscode.Uri, line?: number): Promise<PanelResult | undefined> {
    const entry = this.panelFor(kind);
    entry.uri = uri.toString();
    entry.panel.title = `${TITLES[kind]}: ${uri.path.split('/').pop()}`;
    void this.post(kind, { type: 'busy', text: `Analysing ${vscode.workspace.asRelativePath(uri)}…` });
    try {
      const result = await this.ctx.requestPanel({ uri: uri.toString(), kind, line }, `Scaling Lens: analysing ${vscode.workspace.asRelativePath(uri)}`);
      await this.post(kind, { type: 'render', spec: result.panel, scale: config.defaultScale, restore: { uri: entry.uri, kind } });
      return result;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.post(kind, { type: 'error', text: message });
      if (!/cancel/i.test(message)) void vscode.window.showErrorMessage(`Scaling Lens: ${message}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const { panel } of this.open.values()) panel.dispose();
    this.renderedEmitter.dispose();
    this.patchedEmitter.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
