import { compareLaws, fitLaw, percentileInterval, type Comparison, type FitResult, type FitSuccess } from '../fit';
import type { Problem } from '../ingest/problem';
import type { RunTable } from '../ingest/runTable';
import { sweepData, type SweepData, type VariableSource } from '../ingest/variableMap';
import { customLaw } from '../laws/custom/customLaw';
import { FormulaError } from '../laws/custom/expression';
import { namedParams, type Law } from '../laws/law';
import { findLaw, laws as registry } from '../laws/registry';
import { formatValue, formulaWithValues, latexWithValues } from './formulas';
import type { ChartSpec, PanelSpec, Point, SeriesSpec, TableSpec, ViewSpec } from './spec';

/**
 * Fits scaling laws to a run log: which columns feed which variable, which laws, the fits
 * with their intervals, the comparison, the compute-optimal frontier, and the panel that shows
 * it all. The CLI prints the result; the server sends the panel.
 */
export interface TrainingFitOptions {
  /** Law ids from the registry, or formulas (`E + A/N^a + B/D^b`). Default: chosen from the columns. */
  laws?: readonly string[];
  /** Variable → column, overriding detection (`--map N=n_params`). */
  map?: Readonly<Record<string, string>>;
  resamples?: number;
  seed?: number;
  /** Huber δ. */
  delta?: number;
  flopsPerToken?: number;
  /** Called between laws, which may take a second each. */
  onLaw?: (index: number, count: number, law: string) => void;
  /** Keep each fit's bootstrap parameter samples in the result (for intervals drawn later, e.g. in configs). */
  keepSamples?: boolean;
}

export interface FrontierRow {
  C: number;
  N_opt: number | null;
  N_opt_ci: [number, number] | null;
  D_opt: number | null;
  D_opt_ci: [number, number] | null;
  tokens_per_param: number | null;
  L_opt: number | null;
  L_opt_ci: [number, number] | null;
}

export interface TrainingFitResult {
  file: string;
  /** The recommended (or only) law's fit, at the top level for scripts. */
  law: string | null;
  params: Record<string, number>;
  ci: Record<string, [number, number]>;
  objective: number | null;
  converged: boolean;
  n_points: number;
  fits: FitResult[];
  comparison: Comparison | null;
  frontier: FrontierRow[];
  mapping: VariableSource[];
  notes: string[];
  problems: Problem[];
  panel: PanelSpec;
}

export const DEFAULT_LAWS_BY_VARIABLES: { needs: string[]; laws: string[] }[] = [
  { needs: ['N', 'D'], laws: ['chinchilla', 'kaplan-ND'] },
  { needs: ['C'], laws: ['power-law-C', 'pure-power-law-C'] },
  { needs: ['N'], laws: ['power-law-N', 'pure-power-law-N'] },
  { needs: ['D'], laws: ['power-law-D', 'pure-power-law-D'] },
];

function resolveLaws(specs: readonly string[], available: readonly string[], file: string): { laws: Law[]; problems: Problem[] } {
  const laws: Law[] = [];
  const problems: Problem[] = [];
  for (const spec of specs) {
    const known = findLaw(spec);
    if (known) {
      laws.push(known);
      continue;
    }
    if (/^[\w-]+$/.test(spec.trim()) && !available.includes(spec.trim())) {
      problems.push(problemAt(file, 1, 'fit/unknown-law', `Unknown law '${spec}': expected one of ${registry.map((l) => l.id).join(', ')}, or a formula such as 'E + A/N^a + B/D^b'.`));
      continue;
    }
    try {
      laws.push(customLaw(spec, { variables: available }));
    } catch (e) {
      if (!(e instanceof FormulaError)) throw e;
      problems.push(problemAt(file, 1, 'fit/bad-formula', `In the formula '${spec}', column ${e.column}: ${e.message}`));
    }
  }
  return { laws, problems };
}

function problemAt(file: string, line: number, code: string, message: string, severity: Problem['severity'] = 'error'): Problem {
  return { file, line, column: 1, severity, code, message };
}

/** Variables a sweep table may offer: the detectable ones, plus any the user mapped. */
function offeredVariables(map: Readonly<Record<string, string>> | undefined): string[] {
  return [...new Set(['N', 'D', 'C', 'L', ...Object.keys(map ?? {})])];
}

export function fitTrainingSweep(table: RunTable, options: TrainingFitOptions = {}): TrainingFitResult {
  const file = table.file;
  const offered = offeredVariables(options.map);
  const probe = sweepData(table, offered, { map: options.map, flopsPerToken: options.flopsPerToken });
  const available = offered.filter((v) => !probe.missing.includes(v));
  const problems: Problem[] = [];
  let specs = options.laws;
  if (!specs || specs.length === 0) {
    const pick = DEFAULT_LAWS_BY_VARIABLES.find((d) => d.needs.every((v) => available.includes(v)));
    specs = pick?.laws ?? [];
  }
  const resolved = resolveLaws(specs, available.filter((v) => v !== 'L'), file);
  problems.push(...resolved.problems);
  const laws = resolved.laws;
  const response = laws[0]?.response.name ?? 'L';
  const needed = [...new Set(laws.flatMap((l) => [...l.variables.map((v) => v.name), l.response.name]).concat(response))];
  const data = sweepData(table, needed.includes('N') && needed.includes('D') ? [...needed, 'C'] : needed, { map: options.map, flopsPerToken: options.flopsPerToken });
  const notes = [...data.notes];
  if (laws.length === 0 && problems.length === 0) {
    problems.push(problemAt(file, 1, 'fit/no-variables', `No law can be fitted: found ${available.filter((v) => v !== 'L').join(', ') || 'no size, token or compute column'} and ${available.includes('L') ? 'a loss column' : 'no loss column'}. Map columns with --map VAR=COLUMN (or the scalingLens.runLog settings).`));
  }
  for (const law of laws) {
    const lacking = [...law.variables.map((v) => v.name), law.response.name].filter((v) => data.missing.includes(v));
    if (lacking.length) problems.push(problemAt(file, 1, 'fit/missing-variable', `${law.title} needs ${lacking.join(', ')}, which no column supplies; map it with --map ${lacking[0]}=COLUMN.`));
  }
  const fittable = laws.filter((law) => [...law.variables.map((v) => v.name), law.response.name].every((v) => !data.missing.includes(v)));
  const fitOptions = { resamples: options.resamples, seed: options.seed, delta: options.delta, groups: data.runs, keepSamples: true, inputs: { k: options.flopsPerToken ?? 6 } };
  let fits: FitResult[] = [];
  let comparison: Comparison | null = null;
  if (fittable.length > 1) {
    options.onLaw?.(0, fittable.length, fittable.map((l) => l.id).join(', '));
    ({ fits, comparison } = compareLaws(fittable, data.columns, fitOptions));
  } else if (fittable.length === 1) {
    options.onLaw?.(0, 1, fittable[0].id);
    fits = [fitLaw(fittable[0], data.columns, fitOptions)];
  }
  for (const fit of fits) problems.push(...locate(fit, data, file));
  const chosenIndex = comparison?.recommended ? fittable.findIndex((l) => l.id === comparison!.recommended) : fits.findIndex((f) => f.ok);
  const chosen = chosenIndex >= 0 ? fits[chosenIndex] : undefined;
  const chosenLaw = chosenIndex >= 0 ? fittable[chosenIndex] : undefined;
  const frontier = chosen?.ok && chosenLaw ? frontierRows(chosenLaw, chosen, data) : [];
  const panel = fitPanel(table, fittable, fits, comparison, data, frontier, chosenIndex, notes, problems);
  return {
    file,
    law: chosen?.law ?? null,
    params: chosen?.ok ? chosen.params : {},
    ci: chosen?.ok ? chosen.ci : {},
    objective: chosen?.ok ? chosen.objective : null,
    converged: chosen?.ok ? chosen.converged : false,
    n_points: chosen?.n_points ?? data.lines.length,
    fits: options.keepSamples ? fits : fits.map(stripSamples),
    comparison,
    frontier,
    mapping: data.sources,
    notes,
    problems,
    panel,
  };
}

/** Bootstrap samples are for drawing bands here; results stay small without them. */
function stripSamples(fit: FitResult): FitResult {
  if (!fit.ok || !fit.bootstrap?.samples) return fit;
  const { samples: _dropped, ...bootstrap } = fit.bootstrap;
  return { ...fit, bootstrap };
}

/** Fit issues name 0-based input rows; users need file lines. */
function locate(fit: FitResult, data: SweepData, file: string): Problem[] {
  return [...fit.problems, ...fit.warnings]
    .filter((i) => i.rows?.length || i.severity === 'error')
    .flatMap((issue) => {
      const rows = issue.rows?.length ? issue.rows : [-1];
      return rows.map((r) => ({
        file: (r >= 0 && data.origins?.[r]?.file) || file,
        line: r >= 0 ? data.origins?.[r]?.line ?? data.lines[r] ?? 1 : 1,
        column: 1,
        severity: issue.severity === 'error' ? ('error' as const) : ('warning' as const),
        code: issue.code,
        message: `${fit.law}: ${issue.message}`,
      }));
    });
}

function logGrid(lo: number, hi: number, n: number): number[] {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
}

function samplesOf(fit: FitSuccess, law: Law): Record<string, number>[] {
  return (fit.bootstrap?.samples ?? []).map((s) => namedParams(law, s));
}

function band(values: number[], level: number): [number, number] | null {
  return percentileInterval(values, level);
}

function frontierRows(law: Law, fit: FitSuccess, data: SweepData): FrontierRow[] {
  const ids = new Set(law.derived.map((d) => d.id));
  if (!ids.has('N_opt') || !ids.has('D_opt') || !ids.has('L_opt')) return [];
  const maxC = Math.max(...(data.columns.C ?? [0]));
  if (!(maxC > 0)) return [];
  const k = 6;
  const samples = samplesOf(fit, law);
  const get = (id: string) => law.derived.find((d) => d.id === id)!;
  const decades = [1, 10, 100, 1000].map((m) => Number((maxC * m).toPrecision(2)));
  return decades.map((C) => {
    const at = (id: string, p: Record<string, number>) => get(id).compute(p, { C, k });
    const value = (id: string) => {
      const v = at(id, fit.params);
      return Number.isFinite(v) ? v : null;
    };
    const ci = (id: string) => band(samples.map((p) => at(id, p)), fit.ciLevel);
    const N = value('N_opt');
    const D = value('D_opt');
    return { C, N_opt: N, N_opt_ci: ci('N_opt'), D_opt: D, D_opt_ci: ci('D_opt'), tokens_per_param: N && D ? D / N : null, L_opt: value('L_opt'), L_opt_ci: ci('L_opt') };
  });
}

function fitPanel(
  table: RunTable,
  laws: Law[],
  fits: FitResult[],
  comparison: Comparison | null,
  data: SweepData,
  frontier: FrontierRow[],
  chosenIndex: number,
  notes: string[],
  problems: Problem[],
): PanelSpec {
  const views: ViewSpec[] = [];
  const messages: NonNullable<PanelSpec['messages']> = [];
  for (const p of problems) if (p.severity === 'error') messages.push({ severity: 'error', text: p.message });
  for (const n of notes) messages.push({ severity: 'info', text: n });
  if (comparison?.reason) messages.push({ severity: 'info', text: comparison.reason });
  const mapping = data.sources.map((s) => (s.column ? `${s.variable} ← ${s.column}${s.how === 'mapped' ? ' (mapped)' : ''}` : `${s.variable}: ${s.formula}`)).join(', ');
  if (mapping) messages.push({ severity: 'info', text: `Variables: ${mapping}.` });
  const xVar = data.columns.C ? 'C' : laws[0]?.variables[0]?.name;
  if (xVar && data.columns[xVar] && data.columns.L) views.push(lossChart(laws, fits, data, xVar, chosenIndex));
  if (fits.some((f) => f.ok) && xVar) views.push(residualChart(fits, data, xVar));
  fits.forEach((fit, i) => {
    if (!fit.ok) return;
    const law = laws[i];
    views.push({ kind: 'formula', id: `formula-${law.id}`, title: `${law.title}${i === chosenIndex ? ' (recommended)' : ''}`, text: formulaWithValues(law, fit.params), latex: latexWithValues(law, fit.params) });
    for (const w of fit.warnings) if (!w.rows?.length) messages.push({ severity: 'warning', text: `${law.id}: ${w.message}` });
  });
  if (fits.length) views.push(comparisonTable(laws, fits, comparison));
  if (fits.some((f) => f.ok)) views.push(parameterTable(laws, fits));
  if (frontier.length) views.push(frontierTable(frontier, laws[chosenIndex]));
  return { title: `Scaling law fit: ${table.file.split(/[\\/]/).pop()}`, source: table.file, views, messages };
}

function lossChart(laws: Law[], fits: FitResult[], data: SweepData, xVar: string, chosenIndex: number): ChartSpec {
  const x = data.columns[xVar];
  const y = data.columns.L;
  const series: SeriesSpec[] = [];
  // Points coloured by model size when the sweep has several sizes: the classic IsoFLOP picture.
  const sizes = data.columns.N ? [...new Set(data.columns.N)].sort((a, b) => a - b) : [];
  const groups = sizes.length > 1 && sizes.length <= 12 ? sizes : [undefined];
  groups.forEach((size, gi) => {
    const points: Point[] = [];
    for (let i = 0; i < x.length; i++) {
      if (size !== undefined && data.columns.N[i] !== size) continue;
      points.push({ x: x[i], y: y[i], ...(data.runs ? { label: data.runs[i] } : {}) });
    }
    series.push({ name: size !== undefined ? `N = ${formatValue(size)}` : 'runs', kind: 'scatter', points, colorIndex: gi });
  });
  const lo = Math.min(...x) / 2;
  const hi = Math.max(...x);
  const grid = logGrid(lo, hi * 10, 60);
  fits.forEach((fit, i) => {
    if (!fit.ok) return;
    const law = laws[i];
    const curve = lawCurve(law, fit, xVar, grid);
    if (!curve) return;
    const color = groups.length + i;
    const inside = curve.filter((p) => p.x <= hi);
    const beyond = curve.filter((p) => p.x >= inside[inside.length - 1]?.x);
    const name = `${law.id}${curve.frontier ? ' frontier' : ''}${i === chosenIndex ? ' ★' : ''}`;
    if (curve.some((p) => p.lo !== undefined)) {
      series.push({ name: `${name} ${Math.round(fit.ciLevel * 100)}% CI`, kind: 'band', points: curve.map((p) => ({ x: p.x, y: p.lo ?? p.y })), upper: curve.map((p) => ({ x: p.x, y: p.hi ?? p.y })), colorIndex: color });
    }
    series.push({ name, kind: 'line', points: inside.map(({ x, y }) => ({ x, y })), colorIndex: color });
    series.push({ name: `${name} (extrapolated)`, kind: 'line', dashed: true, points: beyond.map(({ x, y }) => ({ x, y })), colorIndex: color });
  });
  return {
    kind: 'chart',
    id: 'fit',
    title: `Loss vs ${xVar === 'C' ? 'compute' : xVar}`,
    subtitle: 'points: runs; lines: fitted laws (dashed past the largest run); bands: bootstrap intervals',
    x: { label: xVar === 'C' ? 'compute C' : xVar, unit: xVar === 'C' ? 'FLOPs' : undefined, scale: 'log' },
    y: { label: 'loss L', scale: 'log' },
    series,
  };
}

type CurvePoint = { x: number; y: number; lo?: number; hi?: number };

/** The law's prediction along x: its compute-optimal frontier for two-variable laws, the curve itself for laws of x alone. */
function lawCurve(law: Law, fit: FitSuccess, xVar: string, grid: number[]): (CurvePoint[] & { frontier?: boolean }) | undefined {
  const samples = samplesOf(fit, law);
  const vars = law.variables.map((v) => v.name);
  let f: ((p: Record<string, number>, x: number) => number) | undefined;
  let frontier = false;
  if (vars.length === 1 && vars[0] === xVar) {
    f = (p, x) => law.predict([x], law.parameters.map((q) => p[q.name]));
  } else if (xVar === 'C') {
    const lopt = law.derived.find((d) => d.id === 'L_opt');
    if (lopt) {
      f = (p, C) => lopt.compute(p, { C, k: 6 });
      frontier = true;
    }
  }
  if (!f) return undefined;
  const out: CurvePoint[] & { frontier?: boolean } = grid.map((x) => {
    const y = f!(fit.params, x);
    const ci = samples.length ? band(samples.map((p) => f!(p, x)), fit.ciLevel) : null;
    return ci ? { x, y, lo: ci[0], hi: ci[1] } : { x, y };
  }).filter((p) => Number.isFinite(p.y) && p.y > 0);
  out.frontier = frontier;
  return out;
}

function residualChart(fits: FitResult[], data: SweepData, xVar: string): ChartSpec {
  const x = data.columns[xVar];
  const series: SeriesSpec[] = [];
  fits.forEach((fit, i) => {
    if (!fit.ok) return;
    series.push({ name: fit.law, kind: 'scatter', colorIndex: i, points: fit.rows.map((r, j) => ({ x: x[r], y: fit.residuals[j], ...(data.runs ? { label: data.runs[r] } : {}) })) });
  });
  return {
    kind: 'chart',
    id: 'residuals',
    title: 'Residuals',
    subtitle: fits.find((f) => f.ok)?.space === 'log' ? 'log L̂ − log L' : 'L̂ − L',
    x: { label: xVar === 'C' ? 'compute C' : xVar, unit: xVar === 'C' ? 'FLOPs' : undefined, scale: 'log' },
    y: { label: 'residual', scale: 'linear' },
    series,
  };
}

function comparisonTable(laws: Law[], fits: FitResult[], comparison: Comparison | null): TableSpec {
  const rows: TableSpec['rows'] = fits.map((fit, i) => {
    const score = comparison?.scores[i];
    const fmt = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? null : Number(v.toFixed(d)));
    return [
      laws[i].id + (comparison?.recommended === laws[i].id ? ' ★' : ''),
      laws[i].parameters.length,
      fit.n_points,
      fit.ok ? Number(fit.objective.toPrecision(6)) : null,
      fit.ok ? fmt(fit.aic) : null,
      fmt(score?.deltaAic),
      fit.ok ? fmt(fit.bic) : null,
      score?.extrapolation ? Number(score.extrapolation.rmse.toPrecision(3)) : null,
      fit.ok ? `${fit.converged ? 'yes' : 'no'} (${fit.startsAtBest}/${fit.starts} starts)` : 'failed',
      [...fit.problems, ...fit.warnings].map((w) => w.code).join(', ') || null,
    ];
  });
  return { kind: 'table', id: 'comparison', title: 'Law comparison', columns: ['law', 'params', 'points', 'objective', 'AIC', 'ΔAIC', 'BIC', 'extrapolation RMSE', 'converged', 'warnings'], rows };
}

function parameterTable(laws: Law[], fits: FitResult[]): TableSpec {
  const rows: TableSpec['rows'] = [];
  fits.forEach((fit, i) => {
    if (!fit.ok) return;
    for (const p of laws[i].parameters) {
      const ci = fit.ci[p.name];
      rows.push([laws[i].id, p.name, fit.params[p.name], ci ? ci[0] : null, ci ? ci[1] : null, p.description]);
    }
  });
  const level = fits.find((f) => f.ok)?.ok ? Math.round(((fits.find((f) => f.ok) as FitSuccess).ciLevel ?? 0.95) * 100) : 95;
  return { kind: 'table', id: 'parameters', title: 'Fitted parameters', columns: ['law', 'parameter', 'value', `${level}% CI low`, `${level}% CI high`, 'meaning'], rows };
}

function frontierTable(rows: FrontierRow[], law: Law | undefined): TableSpec {
  const ci = (v: [number, number] | null) => (v ? `${formatValue(v[0])} – ${formatValue(v[1])}` : null);
  return {
    kind: 'table',
    id: 'frontier',
    title: `Compute-optimal frontier (${law?.id ?? ''}, C = 6·N·D)`,
    columns: ['compute C', 'N*', 'N* CI', 'D*', 'D* CI', 'tokens / param', 'L*', 'L* CI'],
    rows: rows.map((r) => [r.C, r.N_opt, ci(r.N_opt_ci), r.D_opt, ci(r.D_opt_ci), r.tokens_per_param === null ? null : Number(r.tokens_per_param.toFixed(1)), r.L_opt, ci(r.L_opt_ci)]),
  };
}
