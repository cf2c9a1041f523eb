import { findColumns, normalizeName } from '../columnRoles';
import type { RunInfo, RunLog } from '../logs/runLog';
import type { Problem } from '../problem';
import type { RunRow } from '../runTable';
import { ConfigIndex, names } from './configIndex';
import { chooseStepColumn, deriveCompute, deriveSteps, deriveTokens, fmtNumber, lookup, lossColumns, lossesOf, mappedValue, type RunView } from './derive';
import type { RunOverride, SweepMapping } from './mapping';
import { deriveModelSize } from './modelSize';
import type { Derived, RunAccount, Sweep, SweepPoint } from './types';

/**
 * Turns run logs into a sweep: one point per run, every run accounted for. Pure: the logs are
 * read beforehand (see index.ts `readSweep`), so this is what tests and the server call with
 * logs they already hold.
 */
export interface ReadRun {
  /** Path relative to the sweep root, `/`-separated: the run's key for overrides. */
  key: string;
  path: string;
  format: string | null;
  log?: RunLog;
  /** Why the run could not be read at all. */
  error?: string;
}

export interface AssembleOptions {
  root: string;
  mapping: SweepMapping;
  ignored?: Sweep['ignored'];
  /** Problems outside any run (e.g. in the mapping file). */
  problems?: Problem[];
  mappingFile?: string;
}

/** Config keys that name the model a run trained (for a size in the name, like `pythia-160m`). */
const MODEL_NAME = names('_name_or_path', 'model_name_or_path', 'model_name', 'pretrained_model_name_or_path', 'model', 'model_id', 'base_model');

interface OneRun {
  key: string;
  run: RunInfo;
  rows: RunRow[];
  log: RunLog;
}

/** Splits a log that holds several runs (a `runColumn`) into one entry per run. */
export function splitRuns(key: string, log: RunLog): OneRun[] {
  if (!log.runColumn) return [{ key, run: log.runs[0] ?? { name: key, config: {}, summary: {}, sources: {}, files: [log.file], notes: [] }, rows: log.rows, log }];
  const byName = new Map<string, RunRow[]>();
  for (const r of log.rows) {
    const name = String(r.values[log.runColumn] ?? `line ${r.line}`);
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(r);
  }
  const infos = new Map(log.runs.map((r) => [r.name, r]));
  return [...byName.entries()].map(([name, rows]) => ({
    key: `${key}#${name}`,
    run: infos.get(name) ?? { name, config: {}, summary: {}, sources: {}, files: [log.file], notes: [] },
    rows,
    log,
  }));
}

function overrideFor(mapping: SweepMapping, key: string, run: RunInfo): RunOverride | undefined {
  return mapping.runs[key] ?? mapping.runs[run.name] ?? (run.id ? mapping.runs[run.id] : undefined);
}

const overridden = (value: number, what: string): Derived => ({ value, method: 'override', how: `${what} set for this run in .scaling-lens.json` });

function countProblems(problems: Problem[]): number {
  return problems.filter((p) => p.severity !== 'info').length;
}

export function assembleSweep(reads: readonly ReadRun[], options: AssembleOptions): Sweep {
  const { mapping } = options;
  const size = mapping.size ?? 'total';
  const points: SweepPoint[] = [];
  const runs: RunAccount[] = [];
  const problems: Problem[] = [...(options.problems ?? [])];
  for (const read of reads) {
    if (!read.log) {
      runs.push({ key: read.key, path: read.path, format: read.format, status: 'skipped', reason: read.error ?? 'could not be read', problems: 0 });
      continue;
    }
    problems.push(...read.log.problems);
    const parts = splitRuns(read.key, read.log);
    const shared = countProblems(read.log.problems);
    for (const one of parts) {
      const account: RunAccount = { key: one.key, path: read.path, run: one.run.name, format: read.log.format, status: 'skipped', problems: shared };
      runs.push(account);
      const result = pointFor(one, mapping, size);
      if ('skip' in result) account.reason = result.skip;
      else {
        account.status = 'point';
        points.push(result);
      }
    }
  }
  return { root: options.root, points, runs, ignored: options.ignored ?? { count: 0, examples: [] }, problems, size, mappingFile: options.mappingFile };
}

function pointFor(one: OneRun, mapping: SweepMapping, size: 'total' | 'non-embedding'): SweepPoint | { skip: string } {
  const { run, rows, log } = one;
  const o = overrideFor(mapping, one.key, run);
  if (o?.exclude) return { skip: 'excluded in .scaling-lens.json' };
  const columns = log.numericColumns.filter((c) => c !== log.runColumn);
  const view: RunView = { rows, columns, config: new ConfigIndex(run.config, run.sources), summary: new ConfigIndex(run.summary, run.sources), file: log.file };
  const mapped = (role: keyof SweepMapping['columns']): Derived | undefined => {
    const name = mapping.columns[role];
    return name ? mappedValue(view, name) : undefined;
  };
  const notes = [...run.notes];

  // Loss.
  let lossColumn: string | null = null;
  let finalLoss: Derived | undefined;
  let bestLoss: Derived | undefined;
  const wanted = o?.lossColumn ?? mapping.columns.L;
  const candidates = wanted && columns.includes(wanted) ? [wanted, ...lossColumns(columns).filter((c) => c !== wanted)] : lossColumns(columns);
  if (wanted && !columns.includes(wanted)) notes.push(`The loss column '${wanted}' set in .scaling-lens.json is not in this run; ${candidates[0] ? `'${candidates[0]}' is used` : 'no other loss column either'}.`);
  const alternativesLoss: Derived[] = [];
  for (const c of candidates) {
    const l = lossesOf(view, c);
    if (!l) continue;
    if (!finalLoss) {
      lossColumn = c;
      finalLoss = l.final;
      bestLoss = l.best;
    } else if (alternativesLoss.length < 4) alternativesLoss.push(l.final);
  }
  if (finalLoss && alternativesLoss.length) finalLoss = { ...finalLoss, alternatives: alternativesLoss };
  if (!finalLoss) {
    const s = lossColumns(Object.keys(run.summary))[0];
    const v = s !== undefined ? view.summary.exact(s) : undefined;
    if (v) {
      finalLoss = { value: v.value, method: 'summary', how: `summary value '${s}' (no loss history logged)`, source: v.file ? { file: v.file, key: s } : undefined };
      bestLoss = { value: v.value, method: 'summary', how: 'only the final value is known (summary)', source: finalLoss.source };
    }
  }
  if (o?.loss !== undefined) {
    const prior = finalLoss;
    finalLoss = { ...overridden(o.loss, 'loss'), alternatives: prior ? [prior] : undefined };
    lossColumn = null;
    if (!bestLoss) bestLoss = overridden(o.loss, 'loss (as final)');
  }
  if (!finalLoss || !bestLoss) {
    if (rows.length === 0) {
      const firstError = log.problems.find((p) => p.severity === 'error');
      if (firstError) return { skip: `no metrics could be read: ${firstError.message} (${firstError.file}:${firstError.line})` };
      return { skip: `no metrics logged${run.notes.length ? ` (${run.notes.join(' ')})` : ''}` };
    }
    const shown = columns.slice(0, 12).join(', ') + (columns.length > 12 ? ', ...' : '');
    return { skip: candidates.length ? `the loss column${candidates.length > 1 ? 's' : ''} ${candidates.map((c) => `'${c}'`).join(', ')} hold no finite values` : `no loss column among ${columns.length} metrics (${shown}); set "L" in .scaling-lens.json` };
  }

  // Steps, N, D, C.
  const stepColumn = mapping.columns.step && columns.includes(mapping.columns.step) ? mapping.columns.step : chooseStepColumn(columns, log.stepColumn);
  const steps = deriveSteps(view, stepColumn);

  const runNames = [run.name, ...one.key.split(/[/#]/).reverse()];
  const modelName = view.config.text(MODEL_NAME);
  if (modelName) runNames.splice(1, 0, modelName.value.split(/[\\/]/).pop() ?? modelName.value);
  const explicitN = mapped('N') ?? lookupExplicitColumn(view);
  const sized = deriveModelSize(mergedIndex(run), runNames, size);
  let N = explicitN ? { ...explicitN, alternatives: [sized.N, ...(sized.N.alternatives ?? [])].filter((d) => d.value !== null) } : sized.N;
  if (o?.N !== undefined) N = { ...overridden(o.N, 'N'), alternatives: N.value !== null ? [N] : undefined };

  let D = mapped('D') ?? deriveTokens(view, steps, o?.batch !== undefined ? overridden(o.batch, 'batch size') : mapped('batch'), o?.seqLen !== undefined ? overridden(o.seqLen, 'sequence length') : mapped('seqLen'));
  if (o?.D !== undefined) D = { ...overridden(o.D, 'D'), alternatives: D.value !== null ? [D] : undefined };

  let C = mapped('C') ?? deriveCompute(view, N, D);
  if (o?.C !== undefined) C = { ...overridden(o.C, 'C'), alternatives: C.value !== null ? [C] : undefined };

  const missing = [N.value === null ? 'N' : '', D.value === null ? 'D' : '', C.value === null ? 'C' : ''].filter(Boolean);
  return {
    key: one.key,
    run: run.name,
    format: log.format,
    N,
    otherN: sized.other,
    D,
    C,
    steps,
    finalLoss,
    bestLoss,
    lossColumn,
    missing,
    notes,
    files: run.files.length ? run.files : [log.file],
  };
}

/** N logged as a metric or kept in the summary (some trainers log `params` once). */
function lookupExplicitColumn(view: RunView): Derived | undefined {
  const cols = findColumns('N', view.columns).filter((c) => normalizeName(c).length > 1);
  for (const c of cols) {
    const d = lookup({ ...view, columns: [c] }, [normalizeName(c)], (v) => v >= 1000);
    if (d && d.method === 'column') return d;
  }
  return undefined;
}

/** Config and summary in one index for architecture lookups (summary keys only where config has none). */
function mergedIndex(run: RunInfo): ConfigIndex {
  return new ConfigIndex({ ...run.summary, ...run.config }, run.sources);
}

/** Columns of numbers for the fitting engine: one entry per point, NaN where a value is missing. */
export function sweepFitData(sweep: Sweep, loss: 'final' | 'best' = 'final'): { N: number[]; D: number[]; C: number[]; L: number[]; runs: string[] } {
  const v = (d: Derived) => (d.value === null ? NaN : d.value);
  return {
    N: sweep.points.map((p) => v(p.N)),
    D: sweep.points.map((p) => v(p.D)),
    C: sweep.points.map((p) => v(p.C)),
    L: sweep.points.map((p) => v(loss === 'final' ? p.finalLoss : p.bestLoss)),
    runs: sweep.points.map((p) => p.key),
  };
}

export { fmtNumber };
