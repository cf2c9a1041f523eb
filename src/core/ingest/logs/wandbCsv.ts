import { basename } from 'node:path';
import { readCsvRunLog, sniffDelimiter } from '../csvRunLog';
import { ProblemSink } from '../problem';
import type { RunRow } from '../runTable';
import type { TextSource } from '../source';
import { emptyRunInfo, StepRows, type LogReadOptions, type RunInfo, type RunLog, type TextLogReader } from './runLog';

/**
 * CSV files exported from the W&B web app (default name `wandb_export_<date>.csv`), in the two
 * shapes it writes:
 * - a chart's data: the x column (`Step`, or the chosen x metric), then for every run and
 *   metric `<run> - <metric>` with `__MIN` / `__MAX` companions (the range of the points the
 *   chart bucketed together). Read into one row per run and step, with a `run` column;
 * - the runs table: one row per run, `Name`, `State`, `Notes`, `User`, `Tags`, `Created`,
 *   `Runtime`, `Sweep`, then the config and summary columns. Kept as it is, `Name` naming the run.
 */
const SERIES = / - (.+)$/;
const RANGE = /__(MIN|MAX)$/;
const TABLE_COLUMNS = ['Name', 'State', 'Runtime', 'Created', 'Sweep', 'User', 'Tags', 'Notes'];

function headerOf(head: string, name: string): string[] {
  const line = head.split(/\r?\n/, 1)[0].replace(/^\uFEFF/, '');
  const d = sniffDelimiter(name, line);
  return line.split(d).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

function shapeOf(columns: string[]): 'chart' | 'runs' | undefined {
  const series = columns.slice(1).filter((c) => SERIES.test(c.replace(RANGE, '')));
  if (series.length > 0 && series.length >= (columns.length - 1) / 2) return 'chart';
  if (columns.includes('Name') && TABLE_COLUMNS.filter((c) => columns.includes(c)).length >= 3) return 'runs';
  return undefined;
}

export const wandbCsvReader: TextLogReader = {
  kind: 'text-file',
  id: 'wandb-csv',
  title: 'W&B exported CSV',
  detect(name: string, head: string): number {
    if (!/\.csv$/i.test(name)) return 0;
    const shape = shapeOf(headerOf(head, name));
    if (!shape) return 0;
    return /wandb_export/i.test(basename(name)) ? 0.9 : shape === 'chart' && headerOf(head, name).some((c) => RANGE.test(c)) ? 0.8 : 0.6;
  },
  read: readWandbCsv,
};

export async function readWandbCsv(source: TextSource, options: LogReadOptions = {}): Promise<RunLog> {
  const table = await readCsvRunLog(source, options);
  const path = options.dir ?? source.name;
  const shape = shapeOf(table.columns);
  if (shape === 'runs') {
    const runs: RunInfo[] = [];
    const seen = new Set<string>();
    for (const row of table.rows) {
      const name = String(row.values.Name ?? `line ${row.line}`);
      if (seen.has(name)) continue;
      seen.add(name);
      const run = emptyRunInfo(name);
      for (const [k, v] of Object.entries(row.values)) {
        if (k === 'Name' || v === null) continue;
        run.config[k] = v;
        run.sources[k] = source.name;
      }
      run.files.push(source.name);
      runs.push(run);
    }
    return { ...table, format: 'wandb-csv', path, runs, runColumn: 'Name', rowUnit: 'line' };
  }
  if (shape !== 'chart') {
    const run = emptyRunInfo(basename(source.name));
    run.files.push(source.name);
    run.notes.push('The header does not look like a W&B export (no "<run> - <metric>" columns, no Name/State columns); read as a plain table.');
    return { ...table, format: 'wandb-csv', path, runs: [run], rowUnit: 'line' };
  }

  // Chart export: split `<run> - <metric>` at the last " - ", so run names may contain one.
  const x = table.columns[0];
  const series: { column: string; run: string; metric: string }[] = [];
  for (const c of table.columns.slice(1)) {
    if (RANGE.test(c)) continue;
    const i = c.lastIndexOf(' - ');
    if (i < 0) continue;
    series.push({ column: c, run: c.slice(0, i), metric: c.slice(i + 3) });
  }
  const sink = new ProblemSink(source.name);
  const byRun = new Map<string, StepRows>();
  for (const s of series) if (!byRun.has(s.run)) byRun.set(s.run, new StepRows(x, (p) => sink.add(p)));
  table.rows.forEach((row, i) => {
    const xv = row.values[x];
    const step = typeof xv === 'number' ? xv : i;
    for (const s of series) {
      const v = row.values[s.column];
      if (v === null || v === undefined || v === '') continue;
      byRun.get(s.run)!.set(step, s.metric, v, row.line);
    }
  });
  const rows: RunRow[] = [];
  const columns = new Set<string>(['run', x]);
  const numeric = new Set<string>([x]);
  const runs: RunInfo[] = [];
  for (const [name, steps] of byRun) {
    const run = emptyRunInfo(name);
    run.files.push(source.name);
    runs.push(run);
    const c = steps.columns();
    c.columns.forEach((k) => columns.add(k));
    c.numericColumns.forEach((k) => numeric.add(k));
    for (const r of steps.rows()) rows.push({ line: r.line, values: { run: name, ...r.values } });
  }
  rows.sort((a, b) => a.line - b.line);
  const problems = [...table.problems, ...sink.finish()].sort((a, b) => a.line - b.line || a.column - b.column);
  return { file: source.name, format: 'wandb-csv', path, columns: [...columns], numericColumns: [...numeric], rows, problems, runs, runColumn: 'run', stepColumn: x, rowUnit: 'line' };
}
