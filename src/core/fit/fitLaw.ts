import type { DataColumns, DerivedQuantity, Law, ResidualSpace } from '../laws/law';
import { namedParams, productGrid } from '../laws/law';
import { runBootstrap } from './bootstrap';
import { informationCriteria } from './criteria';
import { prepareData } from './data';
import { fitWarnings, identifiability } from './diagnostics';
import { fixedProblems, fixParameters } from './fixed';
import { compileLaw, coordinates, lawDeclarationProblems, toNatural, toTheta } from './model';
import { activityCheck, defaultJoinRadius, distinctStarts, multiStart, screenLanes, screenTolerance } from './multistart';
import { parallelStarts, type ProblemSpec } from './parallel';
import { percentileInterval } from './quantile';
import { makeSolver, type FitProblem, type Tolerance } from './solver';
import type {
  BootstrapSummary,
  DerivedResult,
  FitData,
  FitFailure,
  FitIssue,
  FitOptions,
  FitResult,
  Interval,
  PredictionResult,
} from './types';

/**
 * Fits a law to data: validate, multi-start, bootstrap, derive, diagnose. Same input, same
 * output: the only randomness is the seeded bootstrap.
 */

export const defaultDelta = 1e-3;
export const defaultResamples = 1000;

/**
 * Starts are screened (see screenTolerance); the best few are then polished to the limits of
 * double precision. Bootstrap refits only need to resolve the interval.
 */
const fitTolerance: Tolerance = { gradient: 1e-10, objective: 1e-15, maxIterations: 2000, patience: 1 };
export const bootstrapTolerance: Tolerance = { gradient: 1e-8, objective: 1e-10, maxIterations: 500, patience: 1 };

export function fitLaw(law: Law, data: FitData, options: FitOptions = {}): FitResult {
  if (options.fixed && Object.keys(options.fixed).length > 0) return fitWithFixed(law, data, options, options.fixed);
  const method = options.method ?? 'huber';
  const space = options.space ?? 'log';
  const delta = options.delta ?? defaultDelta;
  const resamples = options.resamples ?? defaultResamples;
  const seed = options.seed ?? 0;
  const ciLevel = options.ciLevel ?? 0.95;
  const common = { law: law.id, method, space, delta: method === 'huber' ? delta : null };

  const optionProblems = [...checkOptions(delta, resamples, ciLevel), ...checkBounds(law, options.bounds ?? {})];
  const declared = lawDeclarationProblems(law).map((m): FitIssue => ({ code: 'law/invalid-declaration', severity: 'error', message: `${law.id}: ${m}` }));
  if (optionProblems.length || declared.length) return failure(common, 0, [...optionProblems, ...declared]);

  const prepared = prepareData(law, data, { space, invalidRows: options.invalidRows ?? 'drop', groups: options.groups });
  if (!prepared.ok) return failure(common, prepared.rows.length, prepared.problems);
  const { columns } = prepared;
  const n = prepared.rows.length;
  const p = law.parameters.length;

  const coords = coordinates(law, options.bounds);
  const x = law.variables.map((v) => columns[v.name]);
  const observed = columns[law.response.name];
  const y = space === 'log' ? Float64Array.from(observed, Math.log) : observed;
  const problem: FitProblem = { law, coords, method, space, delta, x, y };
  // The same problem as worker threads rebuild it (see parallel.ts).
  const spec: ProblemSpec = { law, bounds: options.bounds, method, space, delta, x, y };
  const tolerance: Tolerance = {
    gradient: options.tolerance?.gradient ?? fitTolerance.gradient,
    objective: options.tolerance?.objective ?? fitTolerance.objective,
    maxIterations: options.tolerance?.maxIterations ?? fitTolerance.maxIterations,
    patience: fitTolerance.patience,
  };

  const startList = options.starts ?? law.startGrid?.(columns) ?? productGrid(law.parameters.map((q) => q.starts));
  const starts = distinctStarts(
    startList.map((s) => toTheta(coords, s)),
    coords.lower,
    coords.upper,
  );
  if (starts.length === 0) {
    return failure(common, n, [
      ...prepared.problems,
      { code: 'fit/no-start', severity: 'error', message: `No usable starting point for ${law.title} (every start has a non-finite value).` },
    ]);
  }
  let best;
  try {
    const startOptions = { relativeTolerance: options.bestTolerance ?? 1e-5, joinRadius: options.joinStarts === false ? 0 : defaultJoinRadius };
    const runner = parallelStarts(spec, { starts, ...startOptions }, options.threads);
    best = multiStart(
      makeSolver(problem, screenTolerance),
      makeSolver(problem, tolerance, undefined, true),
      starts,
      { ...startOptions, allActive: activityCheck(law, x, space) },
      screenLanes,
      runner ?? undefined,
    );
  } catch {
    return failure(common, n, [
      ...prepared.problems,
      { code: 'fit/undefined', severity: 'error', message: `${law.title} is undefined (non-finite or non-positive) at every starting point for these data.` },
    ]);
  }
  const theta = best.best.x;
  const natural = toNatural(coords, theta);
  const params = namedParams(law, natural);

  const model = compileLaw(law, x, space);
  const pred = new Float64Array(n);
  const jac = new Float64Array(n * p);
  model.evaluate(theta, pred, jac);
  const residuals = Array.from(pred, (v, i) => v - y[i]);
  const criteria = informationCriteria(residuals, p);
  const ident = identifiability(law, jac, n, pred, space);

  let samples: Float64Array[] = [];
  let bootstrap: BootstrapSummary | null = null;
  if (resamples > 0) {
    const run = runBootstrap(problem, theta, { resamples, seed, groups: prepared.groups, units: prepared.units }, bootstrapTolerance, spec, options.threads);
    samples = run.thetas.map((t) => toNatural(coords, t));
    bootstrap = {
      resamples,
      seed,
      unit: prepared.groups ? 'run' : 'point',
      units: prepared.units,
      failed: run.failed,
      unconverged: run.unconverged,
    };
    if (options.keepSamples) bootstrap.samples = samples.map((s) => Array.from(s));
  }

  const ci: Record<string, Interval> = {};
  if (samples.length) {
    law.parameters.forEach((q, j) => {
      const interval = percentileInterval(
        samples.map((s) => s[j]),
        ciLevel,
      );
      if (interval) ci[q.name] = interval;
    });
  }
  const sampleParams = samples.map((s) => namedParams(law, s));
  const derived = law.derived.flatMap((d) => derive(d, params, sampleParams, columns, options.inputs ?? {}, ciLevel));
  const issues: FitIssue[] = [];
  const predictions = options.predict ? predict(law, natural, samples, options.predict, ciLevel, issues) : undefined;

  const warnings = [
    ...fitWarnings({
      law,
      coords,
      theta,
      params,
      n,
      converged: best.best.converged,
      reason: best.best.reason,
      starts: best.starts,
      startsAtBest: best.startsAtBest,
      identifiability: ident,
      ci,
      bootstrap,
    }),
    ...issues,
  ];

  return {
    ok: true,
    ...common,
    params,
    ci,
    ciLevel,
    objective: best.best.f,
    converged: best.best.converged,
    starts: best.starts,
    startsAtBest: best.startsAtBest,
    startOutcomes: best.outcomes,
    iterations: best.best.iterations,
    n_points: n,
    rmse: criteria.rmse,
    aic: criteria.aic,
    bic: criteria.bic,
    condition: Number.isFinite(ident.condition) ? ident.condition : null,
    rows: prepared.rows,
    residuals,
    derived,
    ...(predictions ? { predictions } : {}),
    bootstrap,
    problems: prepared.problems,
    warnings,
  };
}

/**
 * Whether every parameter moves some prediction by at least 0.1% per unit of θ (in log space,
 * where the multi-start's joins happen): below that a term has all but vanished from every
 * point and its parameters sit on a plateau of the objective.
 */
/** Fits the law over its free parameters only, then reports every parameter in the full law's terms. */
function fitWithFixed(law: Law, data: FitData, options: FitOptions, fixed: Readonly<Record<string, number>>): FitResult {
  const method = options.method ?? 'huber';
  const common = { law: law.id, method, space: options.space ?? 'log', delta: method === 'huber' ? (options.delta ?? defaultDelta) : null };
  const problems = fixedProblems(law, fixed);
  if (problems.length) return failure(common, 0, problems);
  const reduced = fixParameters(law, fixed);
  const bounds = options.bounds ? Object.fromEntries(Object.entries(options.bounds).filter(([name]) => !(name in fixed))) : undefined;
  const starts = options.starts?.map((s) => reduced.free.map((j) => s[j]));
  const r = fitLaw(reduced.law, data, { ...options, fixed: undefined, bounds, starts });
  if (!r.ok) return r;
  const full = reduced.expand(reduced.law.parameters.map((q) => r.params[q.name]));
  const ci: Record<string, Interval> = {};
  for (const q of law.parameters) {
    if (q.name in fixed) ci[q.name] = [fixed[q.name], fixed[q.name]];
    else if (r.ci[q.name]) ci[q.name] = r.ci[q.name];
  }
  const bootstrap = r.bootstrap?.samples ? { ...r.bootstrap, samples: r.bootstrap.samples.map((s) => Array.from(reduced.expand(s))) } : r.bootstrap;
  return { ...r, params: namedParams(law, full), ci, fixed: { ...fixed }, bootstrap };
}

function failure(common: Pick<FitFailure, 'law' | 'method' | 'space' | 'delta'>, n: number, problems: FitIssue[]): FitFailure {
  return { ok: false, ...common, params: {}, ci: {}, objective: null, converged: false, n_points: n, problems, warnings: [] };
}

function checkOptions(delta: number, resamples: number, ciLevel: number): FitIssue[] {
  const out: FitIssue[] = [];
  if (!(delta > 0)) out.push({ code: 'options/invalid', severity: 'error', message: `The Huber delta must be positive (got ${delta}).` });
  if (!(Number.isInteger(resamples) && resamples >= 0)) {
    out.push({ code: 'options/invalid', severity: 'error', message: `The number of resamples must be a whole number ≥ 0 (got ${resamples}).` });
  }
  if (!(ciLevel > 0 && ciLevel < 1)) out.push({ code: 'options/invalid', severity: 'error', message: `The interval level must be between 0 and 1 (got ${ciLevel}).` });
  return out;
}

function checkBounds(law: Law, bounds: Readonly<Record<string, readonly [number, number]>>): FitIssue[] {
  const out: FitIssue[] = [];
  for (const [name, [lo, hi]] of Object.entries(bounds)) {
    const q = law.parameters.find((p) => p.name === name);
    const bad = (why: string) => out.push({ code: 'options/invalid-bounds', severity: 'error', params: [name], message: `Bounds for ${name}: ${why}.` });
    if (!q) bad(`${law.title} has no parameter ${name} (it has ${law.parameters.map((p) => p.name).join(', ')})`);
    else if (!(lo < hi)) bad(`the lower bound ${lo} must be below the upper bound ${hi}`);
    else if (q.scale === 'log' && !(lo > 0)) bad(`${name} is a positive scale, so its lower bound must be above 0 (got ${lo})`);
  }
  return out;
}

function derive(
  d: DerivedQuantity,
  params: Record<string, number>,
  samples: Record<string, number>[],
  columns: DataColumns,
  given: Readonly<Record<string, number>>,
  level: number,
): DerivedResult[] {
  const inputs: Record<string, number> = {};
  for (const input of d.inputs) {
    const v = given[input.name] ?? (typeof input.default === 'function' ? input.default(columns) : input.default);
    // A quantity whose input nobody supplied is simply not asked for.
    if (v === undefined || !Number.isFinite(v)) return [];
    inputs[input.name] = v;
  }
  const value = d.compute(params, inputs);
  const ci = samples.length ? percentileInterval(samples.map((s) => d.compute(s, inputs)), level) : null;
  return [{ id: d.id, title: d.title, ...(d.unit ? { unit: d.unit } : {}), inputs, value: Number.isFinite(value) ? value : null, ci }];
}

function predict(
  law: Law,
  natural: Float64Array,
  samples: Float64Array[],
  at: Readonly<Record<string, ArrayLike<number>>>,
  level: number,
  issues: FitIssue[],
): PredictionResult | undefined {
  const cols = law.variables.map((v) => at[v.name]);
  const missing = law.variables.filter((_, k) => !cols[k]).map((v) => v.name);
  const m = cols[0]?.length ?? 0;
  if (missing.length || cols.some((c) => c.length !== m)) {
    issues.push({
      code: 'predict/invalid-points',
      severity: 'warning',
      message: missing.length
        ? `Cannot predict: no values for ${missing.join(', ')}.`
        : 'Cannot predict: the prediction columns have different lengths.',
    });
    return undefined;
  }
  const points: Record<string, number[]> = {};
  law.variables.forEach((v, k) => {
    points[v.name] = Array.from(cols[k]);
  });
  const xi = new Float64Array(cols.length);
  const value: (number | null)[] = [];
  const ci: (Interval | null)[] = [];
  const draws = new Float64Array(samples.length);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < cols.length; k++) xi[k] = cols[k][i];
    const v = law.predict(xi, natural);
    value.push(Number.isFinite(v) ? v : null);
    for (let b = 0; b < samples.length; b++) draws[b] = law.predict(xi, samples[b]);
    ci.push(samples.length ? percentileInterval(draws, level) : null);
  }
  return { points, value, ci };
}
