import { findColumn, findColumns, ROLE_LABEL, type Role } from '../ingest/columnRoles';
import { numericValue, type RunTable } from '../ingest/runTable';
import type { ChartSpec, PanelSpec, Point, SeriesSpec, TableSpec } from './spec';

export interface AxisChoice {
  /** Column for the x axis; detected when absent. */
  x?: string;
  /** Column for the y axis; detected when absent. */
  y?: string;
}

/** Points drawn per series at most: more than this makes a panel sluggish and adds nothing visible. */
export const MAX_POINTS_PER_SERIES = 5000;

const X_ROLES: Role[] = ['C', 'D', 'N', 'step'];

export interface ResolvedAxes {
  x?: string;
  y?: string;
  xRole?: Role;
  /** Why an axis could not be chosen, in the user's words. */
  missing: string[];
}

export function resolveAxes(table: RunTable, choice: AxisChoice = {}): ResolvedAxes {
  const missing: string[] = [];
  const cols = table.numericColumns;
  let x = choice.x;
  let xRole: Role | undefined;
  if (x !== undefined && !cols.includes(x)) {
    missing.push(`Column '${x}' (set for the x axis) is not a numeric column of ${table.file}.`);
    x = undefined;
  }
  if (x !== undefined) xRole = X_ROLES.find((role) => findColumn(role, [x!]) === x);
  if (x === undefined && choice.x === undefined) {
    for (const role of X_ROLES) {
      x = findColumn(role, cols);
      if (x !== undefined) {
        xRole = role;
        break;
      }
    }
    if (x === undefined) missing.push('No column for compute, tokens, parameters or step was recognised; set one with scalingLens.runLog.xColumn.');
  }
  let y = choice.y;
  if (y !== undefined && !cols.includes(y)) {
    missing.push(`Column '${y}' (set for the y axis) is not a numeric column of ${table.file}.`);
    y = undefined;
  }
  if (y === undefined && choice.y === undefined) {
    // Prefer eval loss, but not when it was logged a handful of times and train loss at every step.
    const candidates = findColumns('L', cols.filter((c) => c !== x));
    const counts = candidates.map((c) => table.rows.reduce((n, r) => n + (numericValue(r, c) !== null ? 1 : 0), 0));
    const most = Math.max(0, ...counts);
    y = candidates.find((_, i) => counts[i] >= Math.max(1, most / 10));
    if (y === undefined) missing.push('No loss column was recognised; set one with scalingLens.runLog.yColumn.');
  }
  return { x, y, xRole, missing };
}

function thin(points: Point[]): Point[] {
  if (points.length <= MAX_POINTS_PER_SERIES) return points;
  const stride = points.length / MAX_POINTS_PER_SERIES;
  const out: Point[] = [];
  for (let i = 0; i < MAX_POINTS_PER_SERIES; i++) out.push(points[Math.floor(i * stride)]);
  out.push(points[points.length - 1]);
  return out;
}

/** A panel for a run log: the metric chart and a summary of its columns. */
export function runLogPanel(table: RunTable, choice: AxisChoice = {}): PanelSpec {
  const axes = resolveAxes(table, choice);
  const messages: PanelSpec['messages'] = axes.missing.map((text) => ({ severity: 'warning' as const, text }));
  const errors = table.problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) {
    messages.push({ severity: 'warning', text: `${errors} problem${errors === 1 ? '' : 's'} in ${table.file}: the affected values are left out (see Problems).` });
  }
  const views: PanelSpec['views'] = [];
  if (axes.x !== undefined && axes.y !== undefined) views.push(metricChart(table, axes.x, axes.y, axes.xRole));
  views.push(columnSummary(table));
  return { title: table.file.split(/[\\/]/).pop() ?? table.file, source: table.file, views, messages };
}

function metricChart(table: RunTable, x: string, y: string, xRole: Role | undefined): ChartSpec {
  const run = findColumn('run', table.columns.filter((c) => !table.numericColumns.includes(c)));
  // Whole loss curves (several rows per run) read as one line per run; a sweep, one point per run.
  const perRunLines = run !== undefined && new Set(table.rows.map((r) => r.values[run])).size < table.rows.length;
  const groups = new Map<string, Point[]>();
  let dropped = 0;
  let nonPositive = 0;
  for (const row of table.rows) {
    const xv = numericValue(row, x);
    const yv = numericValue(row, y);
    if (xv === null || yv === null) {
      dropped++;
      continue;
    }
    if (xv <= 0 || yv <= 0) nonPositive++;
    const label = run !== undefined ? String(row.values[run] ?? '') : undefined;
    const key = perRunLines ? label ?? '' : '';
    let pts = groups.get(key);
    if (!pts) groups.set(key, (pts = []));
    pts.push(label !== undefined && label !== '' ? { x: xv, y: yv, label } : { x: xv, y: yv });
  }
  const series: SeriesSpec[] = [];
  let colorIndex = 0;
  for (const [name, pts] of groups) {
    if (perRunLines) pts.sort((a, b) => a.x - b.x);
    series.push({ name: name || y, kind: perRunLines ? 'line' : 'scatter', points: thin(pts), colorIndex: colorIndex++ });
  }
  const notes: string[] = [];
  const plotted = table.rows.length - dropped;
  notes.push(`${plotted.toLocaleString('en-US')} of ${table.rows.length.toLocaleString('en-US')} rows plotted${dropped ? ` (${dropped} without both ${x} and ${y})` : ''}.`);
  if (nonPositive > 0) notes.push(`${nonPositive} points are zero or negative and do not show on a log axis.`);
  const xLabel = xRole ? `${x} — ${ROLE_LABEL[xRole]}` : x;
  return {
    kind: 'chart',
    id: 'metric',
    title: `${y} vs ${x}`,
    subtitle: table.file,
    x: { label: xLabel, scale: xRole === 'step' ? 'linear' : 'log' },
    y: { label: y, scale: 'log' },
    series,
    notes,
  };
}

function columnSummary(table: RunTable): TableSpec {
  const rows: TableSpec['rows'] = table.columns.map((c) => {
    if (!table.numericColumns.includes(c)) {
      const distinct = new Set(table.rows.map((r) => r.values[c])).size;
      return [c, 'text', table.rows.length, null, null, `${distinct} distinct`];
    }
    let n = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const r of table.rows) {
      const v = numericValue(r, c);
      if (v === null) continue;
      n++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return [c, 'number', n, n ? min : null, n ? max : null, null];
  });
  return { kind: 'table', id: 'columns', title: 'Columns', columns: ['column', 'type', 'values', 'min', 'max', 'note'], rows };
}
