/**
 * Chart and table specs: plain JSON that the webview and the HTML report render without
 * computing anything. Every string here may come from a user's file: renderers must treat it
 * as text, never as markup.
 */
export type AxisScale = 'linear' | 'log';

export interface AxisSpec {
  label: string;
  scale: AxisScale;
  /** Units or a short note shown after the label, e.g. "FLOPs". */
  unit?: string;
}

export interface Point {
  x: number;
  y: number;
  /** Optional label shown in the tooltip (e.g. the run name). */
  label?: string;
}

export type SeriesKind = 'scatter' | 'line' | 'band';

export interface SeriesSpec {
  name: string;
  kind: SeriesKind;
  points: Point[];
  /** For bands: the upper edge; `points` is then the lower edge, matched by index. */
  upper?: Point[];
  dashed?: boolean;
  /** Index into the theme palette, so related series share a colour. */
  colorIndex?: number;
}

export interface ChartSpec {
  kind: 'chart';
  id: string;
  title: string;
  subtitle?: string;
  x: AxisSpec;
  y: AxisSpec;
  series: SeriesSpec[];
  /** Short lines shown under the chart (fitted formula, counts, caveats). */
  notes?: string[];
}

export interface TableSpec {
  kind: 'table';
  id: string;
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** A formula with fitted values: shown as text, copyable as LaTeX. */
export interface FormulaSpec {
  kind: 'formula';
  id: string;
  title: string;
  /** Plain text, e.g. `L = 1.82 + 482/N^0.348 + 2085/D^0.366`. */
  text: string;
  latex: string;
}

/** An input whose changes the host answers with new views (e.g. the planner's target slider). */
export type ControlField =
  | { id: string; label: string; type: 'range'; min: number; max: number; step: number; value: number; format?: 'percent' }
  | { id: string; label: string; type: 'select'; options: { value: string; label: string }[]; value: string }
  /** Sends the control's values with this id set to 1 (an action such as "apply to the config"). */
  | { id: string; label: string; type: 'button'; title?: string };

export interface ControlSpec {
  kind: 'control';
  id: string;
  title: string;
  /** What the host does with the values, e.g. `plan`. */
  action: string;
  controls: ControlField[];
}

export type ViewSpec = ChartSpec | TableSpec | FormulaSpec | ControlSpec;

/** What a panel shows: a title and a list of charts and tables. */
export interface PanelSpec {
  title: string;
  source?: string;
  views: ViewSpec[];
  /** Messages for the reader, e.g. "3 rows skipped: see Problems". */
  messages?: { severity: 'error' | 'warning' | 'info'; text: string }[];
}
