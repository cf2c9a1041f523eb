import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewHtml } from '../../webview/html';

/** Options shared by every Scaling Lens webview: scripts on, local resources from the bundle only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function setWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): void {
  webview.html = webviewHtml({
    // A fresh nonce from a cryptographic source on every load.
    nonce: randomBytes(18).toString('base64'),
    cspSource: webview.cspSource,
    script: { uri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString() },
    style: { uri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString() },
    title,
  });
}
