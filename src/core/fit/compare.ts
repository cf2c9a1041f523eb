import type { Law } from '../laws/law';
import { fitLaw } from './fitLaw';
import type { FitData, FitOptions, FitResult } from './types';

/**
 * Model comparison: every law fitted to the same data, scored in-sample by AIC/BIC and
 * out-of-sample by extrapolation (fit on the smaller scales, predict the largest), because a
 * scaling law is only worth what it says about the run nobody has trained yet.
 */

export interface CompareOptions extends FitOptions {
  /** Column ordering runs by scale; default `C`, else N·D, else the first of N, D present. */
  holdoutBy?: string;
  /** Fraction of rows, from the largest scale down, held out. Default 0.2. */
  holdoutFraction?: number;
}

export interface Extrapolation {
  trainedOn: number;
  heldOut: number;
  /** Root mean square and largest absolute error on the held-out points, in the fit's space. */
  rmse: number;
  maxAbsError: number;
}

export interface LawScore {
  law: string;
  ok: boolean;
  n_params: number;
  objective: number | null;
  aic: number | null;
  bic: number | null;
  /** Difference to the lowest AIC/BIC among the laws (0 for the best). */
  deltaAic: number | null;
  deltaBic: number | null;
  extrapolation: Extrapolation | null;
  /** Codes of the fit's warnings, e.g. `fit/param-at-bound`. */
  warnings: string[];
}

export interface Comparison {
  scores: LawScore[];
  holdout: { by: string; threshold: number; heldOut: number } | null;
  best: { aic: string | null; bic: string | null; extrapolation: string | null };
  recommended: string | null;
  reason: string;
}

/** Warnings that disqualify a law from being recommended while a sound one exists. */
const illDetermined = new Set(['fit/not-converged', 'fit/flat-direction', 'fit/no-effect', 'fit/negligible-term', 'fit/param-at-bound']);

export function compareLaws(laws: readonly Law[], data: FitData, options: CompareOptions = {}): { fits: FitResult[]; comparison: Comparison } {
  const fits = laws.map((law) => fitLaw(law, data, options));
  const split = holdoutSplit(data, options);
  const scores: LawScore[] = laws.map((law, k) => {
    const fit = fits[k];
    return {
      law: law.id,
      ok: fit.ok,
      n_params: law.parameters.length,
      objective: fit.ok ? fit.objective : null,
      aic: fit.ok ? fit.aic : null,
      bic: fit.ok ? fit.bic : null,
      deltaAic: null,
      deltaBic: null,
      extrapolation: fit.ok && split ? extrapolate(law, data, split, options) : null,
      warnings: fit.warnings.map((w) => w.code),
    };
  });

  const counts = new Set(fits.filter((f) => f.ok).map((f) => f.n_points));
  // AIC/BIC only compare fits of the same points.
  if (counts.size === 1) {
    const minAic = Math.min(...scores.filter((s) => s.aic !== null).map((s) => s.aic!));
    const minBic = Math.min(...scores.filter((s) => s.bic !== null).map((s) => s.bic!));
    for (const s of scores) {
      if (s.aic !== null) s.deltaAic = s.aic - minAic;
      if (s.bic !== null) s.deltaBic = s.bic - minBic;
    }
  }
  const argmin = (key: (s: LawScore) => number | null, pool = scores): string | null => {
    let bestId: string | null = null;
    let bestValue = Infinity;
    for (const s of pool) {
      const v = key(s);
      if (v !== null && v < bestValue) {
        bestValue = v;
        bestId = s.law;
      }
    }
    return bestId;
  };
  const best = {
    aic: counts.size === 1 ? argmin((s) => s.aic) : null,
    bic: counts.size === 1 ? argmin((s) => s.bic) : null,
    extrapolation: argmin((s) => s.extrapolation?.rmse ?? null),
  };

  const sound = scores.filter((s) => s.ok && !s.warnings.some((w) => illDetermined.has(w)));
  const pool = sound.length ? sound : scores.filter((s) => s.ok);
  const caveat = sound.length ? '' : ' Every fit has ill-determination warnings: treat the choice with caution.';
  let recommended = argmin((s) => s.extrapolation?.rmse ?? null, pool);
  let reason: string;
  if (recommended) {
    reason = `Lowest error when fitted on the smaller scales and asked to predict the largest held-out runs.${caveat}`;
  } else {
    recommended = argmin((s) => s.bic, pool);
    reason = recommended
      ? `Lowest BIC; too few scales to test extrapolation.${caveat}`
      : 'No law could be fitted to these data: see each fit\'s problems.';
  }
  return {
    fits,
    comparison: {
      scores,
      holdout: split ? { by: split.by, threshold: split.threshold, heldOut: split.heldOut.length } : null,
      best,
      recommended,
      reason,
    },
  };
}

interface Split {
  by: string;
  threshold: number;
  train: number[];
  heldOut: number[];
}

function holdoutSplit(data: FitData, options: CompareOptions): Split | null {
  const key = scaleColumn(data, options.holdoutBy);
  if (!key) return null;
  const { by, values } = key;
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  const k = Math.max(1, Math.round((options.holdoutFraction ?? 0.2) * finite.length));
  if (finite.length < 2) return null;
  const threshold = finite[finite.length - k];
  const train: number[] = [];
  const heldOut: number[] = [];
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    (v >= threshold ? heldOut : train).push(i);
  });
  if (train.length === 0 || heldOut.length === 0) return null;
  return { by, threshold, train, heldOut };
}

function scaleColumn(data: FitData, by: string | undefined): { by: string; values: number[] } | null {
  const col = (name: string): number[] | null => (data[name] ? Array.from(data[name]) : null);
  if (by) {
    const values = col(by);
    return values ? { by, values } : null;
  }
  const C = col('C');
  if (C) return { by: 'C', values: C };
  const N = col('N');
  const D = col('D');
  if (N && D) return { by: 'N·D', values: N.map((n, i) => n * D[i]) };
  if (N) return { by: 'N', values: N };
  if (D) return { by: 'D', values: D };
  return null;
}

function extrapolate(law: Law, data: FitData, split: Split, options: CompareOptions): Extrapolation | null {
  const subset = (rows: number[]): Record<string, number[]> => {
    const out: Record<string, number[]> = {};
    for (const [name, col] of Object.entries(data)) out[name] = rows.map((i) => col[i]);
    return out;
  };
  const train = subset(split.train);
  const test = subset(split.heldOut);
  const groups = options.groups ? split.train.map((i) => options.groups![i]) : undefined;
  const fit = fitLaw(law, train, { ...options, groups, resamples: 0, predict: test });
  if (!fit.ok || !fit.predictions) return null;
  const space = options.space ?? 'log';
  const observed = test[law.response.name];
  let ss = 0;
  let max = 0;
  let m = 0;
  fit.predictions.value.forEach((v, i) => {
    const o = observed?.[i];
    if (v === null || o === undefined || !Number.isFinite(o) || (space === 'log' && !(o > 0 && v > 0))) return;
    const e = space === 'log' ? Math.log(v) - Math.log(o) : v - o;
    ss += e * e;
    max = Math.max(max, Math.abs(e));
    m++;
  });
  if (m === 0) return null;
  return { trainedOn: fit.n_points, heldOut: m, rmse: Math.sqrt(ss / m), maxAbsError: max };
}
