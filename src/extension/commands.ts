import * as vscode from 'vscode';
import { FindRunLogsRequest } from '../protocol/lsp';
import type { Ctx } from './ctx';
import type { PanelKind, Panels } from './panels';

const CLAIMED = /\.(csv|tsv|jsonl|ndjson|json|eval)$/i;

/**
 * The file a command should work on: the one it was invoked on (explorer, editor title), the
 * active editor's, or one the user picks from the workspace files the server recognises.
 */
async function targetFile(ctx: Ctx, arg: unknown, what: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  // Code lenses from the server pass the file's URI as a string.
  if (typeof arg === 'string' && /^[a-z][\w+.-]*:/.test(arg)) return vscode.Uri.parse(arg);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.scheme === 'file' && CLAIMED.test(active.path)) return active;
  const folders = vscode.workspace.workspaceFolders ?? [];
  const client = ctx.languageClient;
  if (folders.length === 0 || !client) {
    void vscode.window.showInformationMessage(`Open a ${what} (CSV, TSV or JSONL) first.`);
    return undefined;
  }
  const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Scaling Lens: looking for run logs' }, () =>
    client.sendRequest(FindRunLogsRequest, { folders: folders.map((f) => f.uri.toString()) }),
  );
  if (found.length === 0) {
    void vscode.window.showInformationMessage(`No ${what} found in this workspace. Open a CSV, TSV or JSONL file of runs.`);
    return undefined;
  }
  if (found.length === 1) return vscode.Uri.parse(found[0].uri);
  const pick = await vscode.window.showQuickPick(
    found.map((f) => ({ label: vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri)), description: f.summary, uri: f.uri })),
    { title: `Scaling Lens: choose a ${what}`, placeHolder: 'Files the analysis server recognises', matchOnDescription: true },
  );
  return pick ? vscode.Uri.parse(pick.uri) : undefined;
}

/** Each command is a factory over the context (rust-analyzer's commands.ts). */
export function showPanel(ctx: Ctx, panels: Panels, kind: PanelKind, what: string) {
  return async (arg?: unknown) => {
    const uri = await targetFile(ctx, arg, what);
    if (uri) return panels.show(kind, uri);
    return undefined;
  };
}

/**
 * The planner of the file in the editor: a training config (its plan beside the recommendation)
 * or eval samples (test-time budgets); with neither, the workspace's training planner.
 */
export function openBudgetPlanner(panels: Panels) {
  return async (arg?: unknown) => {
    const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : vscode.window.activeTextEditor?.document.uri;
    if (uri && uri.scheme === 'file') return panels.show('plan', uri);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) {
      void vscode.window.showInformationMessage('Open a folder with a sweep of runs (or a training config) to plan a budget.');
      return undefined;
    }
    return panels.show('plan', folder);
  };
}

export function restartServer(ctx: Ctx) {
  return async () => {
    await ctx.restart();
    void vscode.window.setStatusBarMessage('Scaling Lens: analysis server restarted', 3000);
  };
}

export function showOutput(ctx: Ctx) {
  return () => ctx.output.show();
}
