import { findColumn, type Role } from './columnRoles';
import { numericValue, type RunTable } from './runTable';

/**
 * Which column of a run table feeds which law variable (N, D, C, L, …): detected from the
 * column names, or set by the user (`--map N=n_params`). Every choice says where it came
 * from, so a fit can be traced back to the columns it used.
 */
export interface VariableSource {
  variable: string;
  /** The column, or null for a derived variable. */
  column: string | null;
  how: 'mapped' | 'detected' | 'derived';
  /** For derived variables: how, e.g. `C = 6·N·D`. */
  formula?: string;
}

export interface SweepData {
  /** Columns by variable name, one entry per point. */
  columns: Record<string, number[]>;
  /** The table row of each point (1-based line in the file). */
  lines: number[];
  /** Where each point's data came from, when not the table's own file (sweeps of run folders). */
  origins?: ({ file: string; line: number } | undefined)[];
  /** Run name of each point, when the table names runs (the bootstrap resamples runs). */
  runs?: string[];
  sources: VariableSource[];
  notes: string[];
  /** Variables asked for that no column could supply. */
  missing: string[];
}

const DETECTABLE: Record<string, Role> = { N: 'N', D: 'D', C: 'C', L: 'L' };

export interface SweepOptions {
  /** Variable → column, overriding detection. */
  map?: Readonly<Record<string, string>>;
  /** Training FLOPs per parameter per token when C is derived as k·N·D. */
  flopsPerToken?: number;
}

/**
 * Takes the variables the laws need from a table. When runs repeat (whole loss curves), each
 * run contributes its last row with every needed value: one point per run, as sweep laws expect.
 */
export function sweepData(table: RunTable, variables: readonly string[], options: SweepOptions = {}): SweepData {
  const k = options.flopsPerToken ?? 6;
  const sources: VariableSource[] = [];
  const notes: string[] = [];
  const missing: string[] = [];
  const numeric = table.numericColumns;
  const columnOf = new Map<string, string>();
  for (const v of variables) {
    const mapped = options.map?.[v];
    if (mapped !== undefined) {
      if (!table.columns.includes(mapped)) {
        missing.push(v);
        notes.push(`${v} is mapped to column '${mapped}', which ${table.file} does not have (columns: ${table.columns.join(', ')}).`);
        continue;
      }
      columnOf.set(v, mapped);
      sources.push({ variable: v, column: mapped, how: 'mapped' });
      continue;
    }
    const role = DETECTABLE[v];
    const detected = role ? findColumn(role, numeric.filter((c) => ![...columnOf.values()].includes(c))) : numeric.includes(v) ? v : undefined;
    if (detected !== undefined) {
      columnOf.set(v, detected);
      sources.push({ variable: v, column: detected, how: role ? 'detected' : 'mapped' });
    }
  }
  // Compute is usually not logged in a sweep table: C = k·N·D (Kaplan et al. 2020).
  const deriveC = variables.includes('C') && !columnOf.has('C') && columnOf.has('N') && columnOf.has('D');
  if (deriveC) sources.push({ variable: 'C', column: null, how: 'derived', formula: `C = ${k}·N·D` });
  for (const v of variables) if (!columnOf.has(v) && !(v === 'C' && deriveC) && !missing.includes(v)) missing.push(v);

  const runColumn = findColumn('run', table.columns.filter((c) => !numeric.includes(c)));
  const needed = [...columnOf.entries()];
  const complete = (r: RunTable['rows'][number]) => needed.every(([, c]) => numericValue(r, c) !== null);
  let rows = table.rows.filter(complete);
  if (runColumn !== undefined) {
    const last = new Map<string, RunTable['rows'][number]>();
    for (const r of rows) last.set(String(r.values[runColumn]), r);
    if (last.size < rows.length) {
      notes.push(`${rows.length} rows from ${last.size} runs: each run's last complete row is its point.`);
      rows = [...last.values()];
    }
  }
  const dropped = table.rows.length - rows.length;
  if (dropped > 0 && runColumn === undefined) notes.push(`${dropped} row${dropped === 1 ? '' : 's'} without every needed value left out.`);
  const columns: Record<string, number[]> = {};
  for (const [v, c] of needed) columns[v] = rows.map((r) => numericValue(r, c)!);
  if (deriveC) columns.C = rows.map((_, i) => k * columns.N[i] * columns.D[i]);
  return {
    columns,
    lines: rows.map((r) => r.line),
    origins: rows.some((r) => r.origin) ? rows.map((r) => r.origin) : undefined,
    runs: runColumn !== undefined ? rows.map((r) => String(r.values[runColumn])) : undefined,
    sources,
    notes,
    missing,
  };
}
