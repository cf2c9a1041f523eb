import { NotificationType, RequestType, type WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { PanelSpec, ViewSpec } from './spec';

/**
 * Every custom request and notification between the extension and the analysis server, typed
 * once here and used by both sides. Other LSP clients can call them by these method names.
 */

export type PanelKind = 'fit' | 'tts' | 'trace' | 'plan' | 'file';

export interface PanelParams extends WorkDoneProgressParams {
  /** The file's URI; it need not be open in the editor. */
  uri: string;
  /** Which analysis the panel shows; `file` is the plain view of what the file holds. */
  kind?: PanelKind;
  /** Column names for the axes; detected when absent. */
  x?: string | null;
  y?: string | null;
  /** For `trace`: the 0-based line of one record to show ("Open trace"); absent: the file summary. */
  line?: number;
}

export interface PanelResult {
  uri: string;
  /** Reader id, or null when the file is not a format Scaling Lens reads. */
  format: string | null;
  summary: string;
  problemCount: number;
  panel: PanelSpec;
}

/** The panel spec for a file (points of one metric against another, and a column summary). */
export const PanelRequest = new RequestType<PanelParams, PanelResult, void>('scalingLens/panel');

export interface ControlParams {
  uri: string;
  kind: PanelKind;
  /** The control's action, e.g. `plan`. */
  action: string;
  values: Record<string, number | string>;
}

export interface ControlResult {
  /** Views to replace in the open panel, by id. */
  views: ViewSpec[];
  /** An edit the user asked for (e.g. "apply to the config"), for the client to apply. */
  edit?: { uri: string; title: string; edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] };
  /** What to tell the user, e.g. why an edit cannot be made. */
  message?: string;
}

/** A panel control moved (the planner's target slider): the views it changes. Fast: no file is re-read. */
export const ControlRequest = new RequestType<ControlParams, ControlResult, void>('scalingLens/control');

export interface FindRunLogsParams {
  /** Folders to search, as URIs. */
  folders: string[];
}

export interface RunLogCandidate {
  uri: string;
  format: string;
  /** e.g. "CSV run log: 24 rows, 5 columns". */
  summary: string;
}

/** Files in the workspace that a run-log reader claims, for the Fit command's picker. */
export const FindRunLogsRequest = new RequestType<FindRunLogsParams, RunLogCandidate[], void>('scalingLens/findRunLogs');

export interface ServerStatus {
  state: 'ready' | 'busy';
  version: string;
  /** The server's process id, shown in the log and used by tests that crash it on purpose. */
  pid: number;
  /** How the client reaches it: `stdio`, or Node IPC with `json` or `advanced` (structured-clone) serialization. */
  channel?: 'stdio' | 'ipc-json' | 'ipc-advanced' | 'other';
  message?: string;
}

/** Sent by the server when it is ready and around long work, for the status bar. */
export const ServerStatusNotification = new NotificationType<ServerStatus>('scalingLens/status');

export interface TraceTotals {
  uri: string;
  /** Short text for the status bar, e.g. `12,400 traces · 41.2M think · $1,630`. */
  text: string;
  tooltip: string;
}

/** Sent when a trace file's summary is ready: its totals for the status bar. */
export const TraceTotalsNotification = new NotificationType<TraceTotals>('scalingLens/traceTotals');

export interface TraceChoices {
  tokenizers: { id: string; title: string }[];
  priceRows: { id: string; provider: string; note?: string }[];
}

/** What the status bar offers for a trace file: bundled (and cached Hugging Face) tokenizers, price rows. */
export const TraceChoicesRequest = new RequestType<{ uri: string }, TraceChoices, void>('scalingLens/traceChoices');

export interface FileTraceOptions {
  uri: string;
  /** A tokenizer id, or null for "from each record's model". */
  tokenizer: string | null;
  /** A price row id, or null for "from each record's model". */
  priceRow: string | null;
}

/** The user chose a tokenizer or price row for one file (kept by the extension across restarts). */
export const FileTraceOptionsNotification = new NotificationType<FileTraceOptions>('scalingLens/fileTraceOptions');

/** Settings the server reads (section `scalingLens`). */
export interface ServerSettings {
  runLog: { xColumn: string | null; yColumn: string | null };
  tts: {
    /** Target accuracy the planner opens with. */
    target: number;
    /** Graded scores count as correct at or above this. */
    threshold: number;
    resamples: number;
    seed: number;
    /** Dollars per million tokens by model name, for the dollars axis. */
    prices: Record<string, { input: number; output: number; reasoning?: number }>;
  };
  traces: {
    /** `auto` (from each record's model) or a tokenizer id for every trace file. */
    tokenizer: string;
    /** Model → tokenizer rules tried before the built-in table (`{match: 'my-model*', tokenizer: 'qwen3'}`). */
    modelRules: { match: string; tokenizer: string }[];
    /** Price rows tried before the built-in table. */
    prices: { id: string; provider?: string; models: string[]; input: number; output: number; reasoning?: number; cachedInput?: number; asOf?: string; source?: string }[];
  };
  planner: {
    /** Peak FLOP/s of one GPU (default: H100 SXM, dense BF16). */
    gpuFlops: number;
    /** Model FLOPs utilisation reached. */
    utilization: number;
    dollarsPerGpuHour: number;
  };
  fit: {
    /** Law ids or formulas; empty: chosen from the columns. */
    laws: string[];
    /** Variable → column. */
    map: Record<string, string>;
    resamples: number;
    seed: number;
  };
}
