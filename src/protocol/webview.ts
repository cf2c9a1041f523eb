import type { PanelSpec, ViewSpec } from './spec';

/**
 * Messages between a webview (panel, side view or HTML report) and its host. One union per
 * direction, discriminated by `type`, so both ends are checked by the compiler.
 */

export type ScaleMode = 'log-log' | 'linear' | 'log-x' | 'log-y';

export type HostToWebview =
  /** `restore` is kept in the webview's state so VS Code can reopen the panel after a reload. */
  /** `scale` overrides every chart's own axes (the user's default setting); absent, each chart uses its spec's. */
  | { type: 'render'; spec: PanelSpec; scale?: ScaleMode; restore?: RestoreInfo }
  /** Replaces the views with these ids in place (the planner after its slider moved). */
  | { type: 'patch'; views: ViewSpec[]; sentAt?: number }
  | { type: 'busy'; text: string }
  | { type: 'empty'; text: string }
  | { type: 'error'; text: string };

export type ExportFormat = 'png' | 'svg' | 'csv' | 'json';

export type WebviewToHost =
  | { type: 'ready' }
  /** After a render: which charts drew and how many points each; tests wait for this. */
  | { type: 'rendered'; charts: { id: string; points: number }[] }
  /** `data` is base64 for png, text otherwise. */
  | { type: 'export'; format: ExportFormat; viewId: string; suggestedName: string; data: string }
  | { type: 'openSource'; file: string; line?: number }
  /** Webviews cannot always reach the clipboard; the host writes it. */
  | { type: 'copy'; text: string; what: string }
  | { type: 'scaleChanged'; chartId: string; scale: ScaleMode }
  | { type: 'control'; action: string; values: Record<string, number | string> }
  /** After a patch: how long the webview took to draw it, for the latency benchmark. */
  | { type: 'patched'; ids: string[]; ms: number };

export interface RestoreInfo {
  /** The file the panel shows, so a restored panel can ask the server again. */
  uri: string;
  /** Which panel it is (fit, tts, trace, plan). */
  kind: string;
}

/** What a webview keeps across reloads (`vscode.setState`). */
export interface WebviewState {
  spec?: PanelSpec;
  scale?: ScaleMode;
  /** Axis scales the user picked, by chart id. */
  chosen?: Record<string, ScaleMode>;
  restore?: RestoreInfo;
}
