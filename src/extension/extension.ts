import * as vscode from 'vscode';
import { openBudgetPlanner, restartServer, showOutput, showPanel } from './commands';
import { RESTART_SETTINGS } from './config';
import { Ctx } from './ctx';
import { Panels, type RenderReport } from './panels';
import { SideView } from './sideView';
import { TraceStatus } from './traceStatus';

/** What the extension exports: used by the integration tests, and by other extensions. */
export interface ScalingLensApi {
  /** The analysis server's process id, once it has said it is ready. */
  serverPid(): number | undefined;
  /** How the client talks to the server (see ServerStatus.channel). */
  serverChannel(): string | undefined;
  /** Resolves with the next status the server sends (after a start or restart). */
  nextServerStatus(): Promise<{ pid: number; version: string }>;
  lastRendered(kind: RenderReport['kind']): RenderReport | undefined;
  onRendered: vscode.Event<RenderReport>;
}

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ScalingLensApi> {
  const started = Date.now();
  ctx = new Ctx(context);
  const panels = new Panels(ctx, context.extensionUri);
  const sideView = new SideView(ctx, context.extensionUri);
  const traceStatus = new TraceStatus(ctx, context.workspaceState);
  const c = ctx;
  context.subscriptions.push(
    ctx,
    panels,
    sideView,
    traceStatus,
    vscode.window.registerWebviewViewProvider(SideView.viewId, sideView),
    vscode.commands.registerCommand('scalingLens.fitScalingLaw', showPanel(c, panels, 'fit', 'run log')),
    vscode.commands.registerCommand('scalingLens.showTestTimeScaling', showPanel(c, panels, 'tts', 'file of eval samples')),
    vscode.commands.registerCommand('scalingLens.openBudgetPlanner', openBudgetPlanner(panels)),
    vscode.commands.registerCommand('scalingLens.analyzeTraceFile', showPanel(c, panels, 'trace', 'trace file')),
    vscode.commands.registerCommand('scalingLens.openTrace', (uri: unknown, line?: number) => panels.show('trace', typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri as vscode.Uri), line)),
    vscode.commands.registerCommand('scalingLens.chooseTraceTokenizer', () => traceStatus.choose()),
    vscode.commands.registerCommand('scalingLens.restartServer', restartServer(c)),
    vscode.commands.registerCommand('scalingLens.showOutput', showOutput(c)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) return;
      const choice = await vscode.window.showInformationMessage('Scaling Lens: this setting applies after the analysis server restarts.', 'Restart Now');
      if (choice) await c.restart();
    }),
  );
  try {
    await ctx.start();
    ctx.log(`Activated in ${Date.now() - started} ms.`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    ctx.output.error(`Activation failed: ${message}`);
    void vscode.window.showErrorMessage(`Scaling Lens could not start its analysis server: ${message}`, 'Show Log').then((a) => a && c.output.show());
  }
  return {
    serverPid: () => c.lastStatus?.pid,
    serverChannel: () => c.lastStatus?.channel,
    nextServerStatus: () => new Promise((resolve) => {
      const sub = c.onServerStatus((s) => {
        sub.dispose();
        resolve(s);
      });
    }),
    lastRendered: (kind) => panels.lastRendered.get(kind),
    onRendered: panels.onRendered,
  };
}

export function deactivate(): Thenable<void> | undefined {
  return ctx?.stop();
}
