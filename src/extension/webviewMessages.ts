import * as vscode from 'vscode';
import type { WebviewToHost } from '../protocol/webview';

/**
 * Handles what any Scaling Lens webview asks of the host: saving exports (nothing is written
 * without the user choosing where) and opening the source file.
 */
export async function handleCommonMessage(m: WebviewToHost, log: (s: string) => void): Promise<boolean> {
  switch (m.type) {
    case 'export': {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, m.suggestedName) : undefined,
        filters: { [m.format.toUpperCase()]: [m.format] },
        title: `Export chart as ${m.format.toUpperCase()}`,
      });
      if (!target) return true;
      const bytes = m.format === 'png' ? Buffer.from(m.data, 'base64') : Buffer.from(m.data, 'utf8');
      await vscode.workspace.fs.writeFile(target, bytes);
      log(`Exported ${m.viewId} to ${target.fsPath}.`);
      void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)}.`);
      return true;
    }
    case 'openSource': {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = /^[a-z]+:/.test(m.file) || !folder ? vscode.Uri.file(m.file) : vscode.Uri.joinPath(folder, m.file);
      const doc = await vscode.workspace.openTextDocument(uri);
      const line = Math.max(0, (m.line ?? 1) - 1);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, 0, line, 0) });
      return true;
    }
    case 'copy':
      await vscode.env.clipboard.writeText(m.text);
      void vscode.window.setStatusBarMessage(`Scaling Lens: copied ${m.what}`, 3000);
      return true;
    default:
      return false;
  }
}
