import { analyzePath } from '../core/analysis';
import { formatProblem, type Problem } from '../core/ingest/problem';
import type { RunTable } from '../core/ingest/runTable';
import { readSweep, type Sweep } from '../core/ingest/sweep';
import { sweepRunsTable, sweepTable } from '../core/report/sweepPanel';
import { formatValue } from '../core/report/formulas';
import { fitTrainingSweep, type TrainingFitOptions } from '../core/report/trainingFit';
import { EXIT, UsageError } from './exit';
import { writeHtmlReport } from './report';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';

export interface FitCommandOptions extends TrainingFitOptions {
  json: boolean;
  /** Also write the fit panel as a self-contained HTML page. */
  output?: string;
}

/** `--map N=n_params` pairs, as given on the command line. */
export function parseMap(pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(pair);
    if (!m) throw new UsageError(`--map expects VAR=COLUMN (e.g. --map N=n_params), got '${pair}'`);
    out[m[1].trim()] = m[2].trim();
  }
  return out;
}

/** A run log file, or a folder of runs read as one sweep. */
export async function readFitTable(path: string): Promise<{ table?: RunTable; problems: Problem[]; sweep?: Sweep; name: string }> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new UsageError(`no such file or folder: ${path}`);
  }
  const name = relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path) || '.';
  if (st.isDirectory()) {
    const sweep = await readSweep(path, { workspace: path });
    return { table: sweepTable(sweep, name), problems: sweep.problems, sweep, name };
  }
  const analysis = await analyzePath(path, name);
  return { table: analysis.table, problems: analysis.problems, name };
}

export async function fitCommand(paths: string[], options: FitCommandOptions): Promise<number> {
  if (paths.length !== 1) throw new UsageError('fit takes one run log (CSV, TSV, JSONL, ...) or one folder of runs');
  const { table, problems: readProblems, sweep, name } = await readFitTable(paths[0]);
  if (!table) {
    process.stderr.write(`${name}: not a run log Scaling Lens reads (CSV, TSV or JSONL of runs, trainer logs, or a folder of runs)\n`);
    return EXIT.problems;
  }
  const result = fitTrainingSweep(table, options);
  if (sweep) result.panel.views.push(sweepRunsTable(sweep));
  const problems = [...readProblems, ...result.problems];
  if (options.json) {
    const { panel: _panel, ...rest } = result;
    process.stdout.write(JSON.stringify({ ...rest, ...(sweep ? { runs: sweep.runs } : {}), problems }, null, 2) + '\n');
  } else {
    if (sweep) process.stdout.write(`${name}: ${sweep.points.length} points from ${sweep.runs.length} runs (${sweep.runs.length - sweep.points.length} skipped; \`scaling-lens sweep ${name}\` shows why)\n`);
    printText(result);
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  }
  if (options.output) {
    await writeHtmlReport(options.output, result.panel);
    if (!options.json) process.stdout.write(`\nWrote ${options.output}.\n`);
  }
  const failed = result.fits.length === 0 || result.fits.every((f) => !f.ok);
  return failed || problems.some((p) => p.severity === 'error') ? EXIT.problems : EXIT.ok;
}

function printText(r: ReturnType<typeof fitTrainingSweep>): void {
  const w = (s = '') => process.stdout.write(s + '\n');
  w(`${r.file}: ${r.n_points} points; ${r.mapping.map((s) => (s.column ? `${s.variable} ← ${s.column}` : `${s.variable}: ${s.formula}`)).join(', ')}`);
  for (const n of r.notes) w(`  note: ${n}`);
  for (const fit of r.fits) {
    w();
    if (!fit.ok) {
      w(`${fit.law}: not fitted`);
      for (const p of fit.problems) w(`  ${p.severity}: ${p.message}`);
      continue;
    }
    w(`${fit.law}${fit.law === r.law && r.fits.length > 1 ? '  (recommended)' : ''}`);
    const level = Math.round(fit.ciLevel * 100);
    for (const [k, v] of Object.entries(fit.params)) {
      const ci = fit.ci[k];
      w(`  ${k.padEnd(10)} ${formatValue(v).padStart(11)}   ${level}% CI ${ci ? `[${formatValue(ci[0])}, ${formatValue(ci[1])}]` : 'n/a'}`);
    }
    w(`  objective ${fit.objective.toPrecision(8)} (${fit.method}${fit.delta !== null ? `, δ = ${fit.delta}` : ''}), ${fit.converged ? 'converged' : 'NOT converged'}, ${fit.startsAtBest}/${fit.starts} starts reached the best; AIC ${fit.aic.toFixed(2)}, BIC ${fit.bic.toFixed(2)}`);
    for (const x of fit.warnings) w(`  warning: ${x.message}`);
  }
  if (r.comparison) {
    w();
    w(`comparison: ${r.comparison.reason}`);
    for (const s of r.comparison.scores) {
      w(`  ${s.law.padEnd(18)} ΔAIC ${s.deltaAic === null ? 'n/a' : s.deltaAic.toFixed(2)}  ΔBIC ${s.deltaBic === null ? 'n/a' : s.deltaBic.toFixed(2)}  extrapolation RMSE ${s.extrapolation ? s.extrapolation.rmse.toPrecision(3) : 'n/a'}`);
    }
  }
  if (r.frontier.length) {
    w();
    w(`compute-optimal frontier (${r.law}, C = 6·N·D):`);
    w('  C            N*          D*          D/N     L*');
    for (const f of r.frontier) {
      w(`  ${formatValue(f.C).padEnd(12)} ${String(f.N_opt === null ? 'n/a' : formatValue(f.N_opt)).padEnd(11)} ${String(f.D_opt === null ? 'n/a' : formatValue(f.D_opt)).padEnd(11)} ${String(f.tokens_per_param === null ? 'n/a' : f.tokens_per_param.toFixed(1)).padEnd(7)} ${f.L_opt === null ? 'n/a' : formatValue(f.L_opt)}${f.L_opt_ci ? ` [${formatValue(f.L_opt_ci[0])}, ${formatValue(f.L_opt_ci[1])}]` : ''}`);
    }
  }
}
