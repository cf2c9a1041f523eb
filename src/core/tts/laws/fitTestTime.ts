import { fitLaw, type FitResult } from '../../fit';
import { quantileSorted } from '../../fit/quantile';
import type { Law } from '../../laws/law';

/**
 * Fits a test-time law to an aggregate curve with the fitting engine, and puts intervals on
 * it the way the curve's own intervals were made: by refitting the law to the problem
 * bootstrap's resampled curves (warm-started at the fit), not by resampling the curve's
 * points, which are far from independent (pass@k at k and k + 1 share nearly all their data).
 */

export interface TestTimeFitOptions {
  method?: 'least-squares' | 'huber';
  space?: 'log' | 'linear';
  /** Resampled curves from the problem bootstrap, `draws.length / x.length` rows of the curve's length. */
  draws?: Float64Array;
  /** At most this many resampled curves are refitted; default 200. */
  refits?: number;
  /** Inputs of derived quantities (e.g. `target`, `epsilon`). */
  inputs?: Readonly<Record<string, number>>;
  /** Budgets to predict at (the dashed extrapolation). */
  predictAt?: readonly number[];
  level?: number;
}

export interface TestTimeLawFit {
  law: string;
  title: string;
  formula: string;
  ok: boolean;
  /** Why the fit failed, or caveats. */
  messages: string[];
  params: Record<string, number>;
  ci: Record<string, [number, number]>;
  derived: { id: string; title: string; unit?: string; inputs: Record<string, number>; value: number | null; ci: [number, number] | null }[];
  prediction: { x: number[]; value: (number | null)[]; lo: (number | null)[]; hi: (number | null)[] };
  points: number;
  rmse: number | null;
  /** How the intervals were made. */
  intervals: string;
}

export function fitTestTimeLaw(law: Law, x: ArrayLike<number>, y: ArrayLike<number>, options: TestTimeFitOptions = {}): TestTimeLawFit {
  const xName = law.variables[0].name;
  const yName = law.response.name;
  const method = options.method ?? 'least-squares';
  const space = options.space ?? 'linear';
  const level = options.level ?? 0.95;
  const predictAt = options.predictAt ? [...options.predictAt] : [];
  const base = {
    method,
    space,
    resamples: 0,
    inputs: options.inputs,
    ...(predictAt.length ? { predict: { [xName]: predictAt } } : {}),
  } as const;
  const fit = fitLaw(law, { [xName]: x, [yName]: y }, base);
  const out: TestTimeLawFit = {
    law: law.id,
    title: law.title,
    formula: law.formula.text,
    ok: fit.ok,
    messages: [...fit.problems, ...fit.warnings].map((w) => w.message),
    params: fit.ok ? fit.params : {},
    ci: {},
    derived: [],
    prediction: { x: predictAt, value: [], lo: [], hi: [] },
    points: fit.n_points,
    rmse: fit.ok ? fit.rmse : null,
    intervals: 'none',
  };
  if (!fit.ok) return out;
  out.derived = fit.derived.map((d) => ({ id: d.id, title: d.title, ...(d.unit ? { unit: d.unit } : {}), inputs: d.inputs, value: d.value, ci: null }));
  out.prediction.value = fit.predictions?.value ?? [];

  const n = x.length;
  const B = options.draws ? Math.min(options.refits ?? 200, Math.floor(options.draws.length / n)) : 0;
  if (B < 10) return out;
  const start = [law.parameters.map((q) => fit.params[q.name])];
  const params = law.parameters.map(() => [] as number[]);
  const derived = out.derived.map(() => [] as number[]);
  const preds = predictAt.map(() => [] as number[]);
  let failed = 0;
  for (let b = 0; b < B; b++) {
    const yb = options.draws!.subarray(b * n, (b + 1) * n);
    const r: FitResult = fitLaw(law, { [xName]: x, [yName]: yb }, { ...base, starts: start });
    if (!r.ok) {
      failed++;
      continue;
    }
    law.parameters.forEach((q, j) => params[j].push(r.params[q.name]));
    r.derived.forEach((d) => {
      const at = out.derived.findIndex((e) => e.id === d.id);
      if (at >= 0 && d.value !== null) derived[at].push(d.value);
    });
    (r.predictions?.value ?? []).forEach((v, i) => {
      if (v !== null) preds[i].push(v);
    });
  }
  const interval = (v: number[]): [number, number] | null => {
    if (v.length < 0.5 * B) return null;
    const s = Float64Array.from(v).sort();
    const t = (1 - level) / 2;
    return [quantileSorted(s, t), quantileSorted(s, 1 - t)];
  };
  law.parameters.forEach((q, j) => {
    const ci = interval(params[j]);
    if (ci) out.ci[q.name] = ci;
  });
  out.derived.forEach((d, i) => {
    d.ci = interval(derived[i]);
  });
  preds.forEach((v) => {
    const ci = interval(v);
    out.prediction.lo.push(ci ? ci[0] : null);
    out.prediction.hi.push(ci ? ci[1] : null);
  });
  out.intervals = `refits to ${B} problem-bootstrap resamples${failed ? ` (${failed} failed)` : ''}`;
  return out;
}
