import { basename, dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { readCsvRunLog } from '../csvRunLog';
import { ProblemSink, type Problem } from '../problem';
import type { TextSource } from '../source';
import {
  displayNameFor,
  emptyRunInfo,
  flattenInto,
  readOptionalText,
  StepRows,
  stepLog,
  type LogReadOptions,
  type RunInfo,
  type RunLog,
  type TextLogReader,
} from './runLog';

/**
 * PyTorch Lightning's CSVLogger: `<save_dir>/<name>/version_<n>/metrics.csv` with
 * `hparams.yaml` beside it. Each `log()` call site flushes its own row, so a step's train and
 * validation values sit on different rows with the other cells empty; rows of one step are
 * merged here into one.
 */
export const lightningCsvReader: TextLogReader = {
  kind: 'text-file',
  id: 'lightning-csv',
  title: 'PyTorch Lightning metrics.csv',
  detect(name: string, head: string): number {
    if (basename(name) !== 'metrics.csv') return 0;
    const header = head.split(/\r?\n/, 1)[0].split(',');
    return header.includes('step') ? 0.8 : header.includes('epoch') ? 0.6 : 0;
  },
  read: readLightningCsv,
};

export async function readLightningCsv(source: TextSource, options: LogReadOptions = {}): Promise<RunLog> {
  const show = displayNameFor(options);
  const table = await readCsvRunLog(source, options);
  const dir = options.dir ?? dirname(source.name);
  const folder = basename(dir);
  const run = emptyRunInfo(/^version_\d+$/.test(folder) ? `${basename(dirname(dir))}/${folder}` : folder);
  run.files.push(source.name);
  let companion: Problem[] = [];
  if (options.dir !== undefined) {
    const hpPath = join(options.dir, 'hparams.yaml');
    const text = await readOptionalText(hpPath);
    if (text !== undefined) companion = readHparamsYaml(text, show(hpPath), run);
  }

  const sink = new ProblemSink(source.name);
  const stepColumn = table.columns.includes('step') ? 'step' : table.columns.includes('epoch') ? 'epoch' : undefined;
  const steps = new StepRows(stepColumn ?? 'row', (p) => sink.add(p));
  let last = 0;
  table.rows.forEach((row, i) => {
    const s = stepColumn ? row.values[stepColumn] : null;
    // Without a step column each row is its own step; a row with an empty step belongs to the one before.
    const step = !stepColumn ? i : typeof s === 'number' ? s : last;
    last = step;
    steps.row(step, row.line);
    for (const [k, v] of Object.entries(row.values)) {
      // Empty cells are other call sites' metrics, not missing values.
      if (k === stepColumn || v === null || v === '') continue;
      steps.set(step, k, v, row.line);
    }
  });
  const own = [...table.problems, ...sink.finish()].sort((a, b) => a.line - b.line || a.column - b.column);
  return stepLog(source.name, 'lightning-csv', dir, steps, run, [...own, ...companion]);
}

/**
 * Lightning writes `save_hyperparameters()` with PyYAML, including Python-specific tags for
 * objects (`!!python/object:...`); those values are kept as text rather than failing the file.
 */
export function readHparamsYaml(text: string, file: string, run: RunInfo): Problem[] {
  const sink = new ProblemSink(file);
  run.files.push(file);
  const doc = parseDocument(text, { logLevel: 'silent', customTags: [] });
  for (const err of doc.errors) {
    sink.add({ line: err.linePos?.[0]?.line ?? 1, column: err.linePos?.[0]?.col ?? 1, severity: 'warning', code: 'run-log/bad-hparams', message: `${err.message.split('\n')[0]}; hyperparameters may be incomplete.` });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch {
    value = null;
  }
  if (value && typeof value === 'object') flattenInto(value, '', run.config, run.sources, file);
  return sink.finish();
}
