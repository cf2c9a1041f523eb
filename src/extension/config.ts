import * as vscode from 'vscode';
import type { ScaleMode } from '../protocol/webview';

/** Typed reads of the `scalingLens.*` settings documented in README.md and package.json. */
export const config = {
  get maxRestarts(): number {
    return vscode.workspace.getConfiguration('scalingLens').get<number>('server.maxRestarts', 4);
  },
  get defaultScale(): ScaleMode {
    return vscode.workspace.getConfiguration('scalingLens').get<ScaleMode>('chart.defaultScale', 'log-log');
  },
};

/** Settings that only take effect when the server restarts. */
export const RESTART_SETTINGS = ['scalingLens.server.trace'];
