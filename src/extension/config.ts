import * as vscode from 'vscode';
import type { ScaleMode } from '../protocol/webview';

/** Typed reads of the `scalingLens.*` settings documented in README.md and package.json. */
export const config = {
  get maxRestarts(): number {
    return vscode.workspace.getConfiguration('scalingLens').get<number>('server.maxRestarts', 4);
  },
  /** Undefined for `auto`: each chart opens with the axes its analysis chose. */
  get defaultScale(): ScaleMode | undefined {
    const v = vscode.workspace.getConfiguration('scalingLens').get<ScaleMode | 'auto'>('chart.defaultScale', 'auto');
    return v === 'auto' ? undefined : v;
  },
};

/** Settings that only take effect when the server restarts. */
export const RESTART_SETTINGS = ['scalingLens.server.trace'];
