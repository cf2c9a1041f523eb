import type { Problem } from './problem';

/**
 * A table of runs or logged steps, as a run-log reader yields it: one row per data line,
 * numeric columns parsed, missing or unreadable cells as `null` (with a problem reported).
 */
export interface RunRow {
  /** 1-based line in the source where the row starts. */
  line: number;
  values: Record<string, number | string | null>;
  /** For rows assembled from other files (a sweep's runs): where the row's data came from. */
  origin?: { file: string; line: number };
}

export interface RunTable {
  file: string;
  /** The reader that produced it, e.g. `csv` or `jsonl`. */
  format: string;
  columns: string[];
  /** Columns whose values are numbers (others hold text, such as run names). */
  numericColumns: string[];
  rows: RunRow[];
  problems: Problem[];
}

export function numericValue(row: RunRow, column: string): number | null {
  const v = row.values[column];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
