import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ProblemSink, type Problem } from '../problem';
import { parseNumber } from '../value';
import {
  forEachLine,
  displayNameFor,
  readSmallText,
  emptyRunInfo,
  StepRows,
  stepLog,
  type DirEntry,
  type FolderLogReader,
  type LogReadOptions,
  type RunLog,
} from './runLog';

/**
 * MLflow's file store (`mlruns/<experiment>/<run>/`), as MLflow's FileStore writes it:
 * - `metrics/<name>`: one line per logged value, `timestamp value step` (the step column was
 *   added in MLflow 1.0; older files have `timestamp value` and count as step 0). Names with
 *   `/` are nested folders.
 * - `params/<name>` and `tags/<name>`: the value as the whole file.
 * - `meta.yaml`: run id, name, status, lifecycle stage.
 */
const RUN_STATUS: Record<number, string> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };

/** MLflow writes Python's repr of a float; Number() reads those, parseNumber the rest (nan, inf). */
function parseValue(text: string): ReturnType<typeof parseNumber> {
  const n = Number(text);
  return Number.isFinite(n) && !/[xob]/i.test(text) ? { kind: 'number', value: n } : parseNumber(text);
}

export const mlflowRunReader: FolderLogReader = {
  kind: 'folder',
  id: 'mlflow-run',
  title: 'MLflow run (file store)',
  recognise(_dir: string, entries: readonly DirEntry[]): number {
    const names = new Set(entries.filter((e) => e.isDirectory).map((e) => e.name));
    if (!entries.some((e) => e.isFile && e.name === 'meta.yaml')) return 0;
    // An experiment folder also has meta.yaml, but holds runs rather than these folders.
    return names.has('metrics') || names.has('params') || names.has('tags') ? 0.9 : 0;
  },
  read: readMlflowRun,
};

/** Files under a folder, with `/`-joined names relative to it (MLflow nests names that contain `/`). */
async function namedFiles(dir: string, prefix = ''): Promise<{ name: string; path: string }[]> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: { name: string; path: string }[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await namedFiles(path, `${prefix}${e.name}/`)));
    else if (e.isFile()) out.push({ name: prefix + e.name, path });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function readMlflowRun(dir: string, options: LogReadOptions = {}): Promise<RunLog> {
  const show = displayNameFor(options);
  const run = emptyRunInfo(basename(dir));
  run.id = basename(dir);
  const problems: Problem[][] = [];

  const metaPath = join(dir, 'meta.yaml');
  const metaName = show(metaPath);
  run.files.push(metaName);
  try {
    const meta = parseYaml(await readSmallText(metaPath)) as Record<string, unknown> | null;
    if (meta && typeof meta === 'object') {
      if (typeof meta.run_id === 'string') run.id = meta.run_id;
      if (typeof meta.run_name === 'string' && meta.run_name) run.name = meta.run_name;
      if (meta.lifecycle_stage === 'deleted') run.notes.push('MLflow marks this run as deleted.');
      const status = typeof meta.status === 'number' ? RUN_STATUS[meta.status] : undefined;
      if (status && status !== 'FINISHED') run.notes.push(`MLflow status: ${status}.`);
    }
  } catch (e) {
    const sink = new ProblemSink(metaName);
    const err = e as { linePos?: { line: number; col: number }[]; message: string };
    sink.add({ line: err.linePos?.[0]?.line ?? 1, column: err.linePos?.[0]?.col ?? 1, severity: 'warning', code: 'mlflow/bad-meta', message: `meta.yaml cannot be read (${err.message.split('\n')[0]}); the run's name and status are unknown.` });
    problems.push(sink.finish());
  }

  for (const p of await namedFiles(join(dir, 'params'))) {
    const text = (await readSmallText(p.path)).trim();
    const n = parseNumber(text);
    run.config[p.name] = n.kind === 'number' ? n.value : text;
    run.sources[p.name] = show(p.path);
  }
  for (const t of await namedFiles(join(dir, 'tags'))) {
    if (t.name === 'mlflow.runName') {
      const name = (await readSmallText(t.path)).trim();
      if (name) run.name = name;
    }
  }

  const steps = new StepRows('step', () => undefined);
  for (const m of await namedFiles(join(dir, 'metrics'))) {
    const name = show(m.path);
    const sink = new ProblemSink(name);
    steps.report = (p) => sink.add(p);
    run.files.push(name);
    await forEachLine(m.path, name, options, (line, text) => {
      if (text.trim() === '') return;
      const parts = text.trim().split(/\s+/);
      if (parts.length < 2 || parts.length > 3) {
        sink.add({ line, column: 1, severity: 'error', code: 'mlflow/bad-line', message: `Expected 'timestamp value step', found ${parts.length} field${parts.length === 1 ? '' : 's'}; line skipped.` });
        return;
      }
      const step = parts.length === 3 ? Number(parts[2]) : 0;
      if (!Number.isInteger(step)) {
        sink.add({ line, column: text.lastIndexOf(parts[2]) + 1, severity: 'error', code: 'mlflow/bad-step', message: `The step '${parts[2]}' is not an integer; line skipped.` });
        return;
      }
      const v = parseValue(parts[1]);
      const column = text.indexOf(parts[1], parts[0].length) + 1;
      if (v.kind === 'number') steps.set(step, m.name, v.value, line, column);
      else {
        sink.add({
          line,
          column,
          endColumn: column + parts[1].length,
          severity: 'error',
          code: v.kind === 'non-finite' ? 'run-log/non-finite' : 'run-log/not-a-number',
          message: v.kind === 'non-finite' ? `'${m.name}' is ${parts[1]} at step ${step}: expected a finite number; the value is left out.` : `'${m.name}' expects a number, found '${parts[1]}'; the value is left out.`,
        });
        steps.set(step, m.name, null, line, column);
      }
    });
    problems.push(sink.finish());
  }
  if (run.files.length === 1) run.notes.push('No metrics logged.');
  return stepLog(show(join(dir, 'metrics')), 'mlflow', dir, steps, run, problems.flat());
}
