import type { Law, ResidualSpace } from '../laws/law';
import { symmetricEigen } from './linalg';
import type { Coordinates } from './model';
import type { StopReason } from './optimizer';
import type { FitIssue, Interval } from './types';

/**
 * Warnings that a fit is ill-determined: the numbers exist, but the data do not pin them down.
 * Each says which parameters are concerned, because that is what the user can act on.
 */

/** Gram condition above which some combination of parameters is effectively unconstrained. */
export const flatConditionThreshold = 1e8;
/** Fewer points per parameter than this and the intervals themselves are unreliable. */
export const minPointsPerParameter = 3;

export interface Identifiability {
  /** Condition number of the column-scaled JᵀJ; Infinity when singular. */
  condition: number;
  /** Parameters that load on the flattest direction. */
  flat: string[];
  /** Parameters the predictions do not depend on at all. */
  inert: string[];
  /** Scale parameters (`log`) whose term is a negligible share of every prediction. */
  negligible: string[];
}

/** A scale parameter moving no prediction by more than this fraction per unit of its log is invisible. */
export const negligibleShare = 1e-4;

/**
 * From the Jacobian of the predictions (n×p, fit space) at the optimum. Columns are scaled to
 * unit length so the number measures redundancy between parameters, not their units.
 */
export function identifiability(law: Law, jac: Float64Array, n: number, pred: Float64Array, space: ResidualSpace): Identifiability {
  const p = law.parameters.length;
  const norms = new Float64Array(p);
  const share = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    // ∂log f/∂log p: in log space the Jacobian itself, in linear space relative to f.
    const scale = space === 'log' ? 1 : 1 / Math.abs(pred[i]);
    for (let j = 0; j < p; j++) {
      norms[j] += jac[i * p + j] ** 2;
      share[j] = Math.max(share[j], Math.abs(jac[i * p + j]) * scale);
    }
  }
  const inert = law.parameters.filter((_, j) => !(norms[j] > 0)).map((q) => q.name);
  const negligible = law.parameters.filter((q, j) => q.scale === 'log' && norms[j] > 0 && share[j] < negligibleShare).map((q) => q.name);
  if (inert.length) return { condition: Infinity, flat: inert, inert, negligible };
  for (let j = 0; j < p; j++) norms[j] = Math.sqrt(norms[j]);
  const gram = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const ja = jac[i * p + a] / norms[a];
      for (let b = 0; b < p; b++) gram[a * p + b] += ja * (jac[i * p + b] / norms[b]);
    }
  }
  const { values, vectors } = symmetricEigen(gram, p);
  const condition = values[0] > 0 ? values[p - 1] / values[0] : Infinity;
  let largest = 0;
  for (let a = 0; a < p; a++) largest = Math.max(largest, Math.abs(vectors[a * p]));
  const flat = law.parameters.filter((_, a) => Math.abs(vectors[a * p]) >= 0.3 * largest).map((q) => q.name);
  return { condition, flat, inert, negligible };
}

export interface WarningInputs {
  law: Law;
  coords: Coordinates;
  theta: Float64Array;
  params: Record<string, number>;
  n: number;
  converged: boolean;
  reason: StopReason;
  starts: number;
  startsAtBest: number;
  identifiability: Identifiability | null;
  ci: Record<string, Interval>;
  bootstrap: { resamples: number; failed: number; unconverged: number } | null;
}

export function fitWarnings(w: WarningInputs): FitIssue[] {
  const out: FitIssue[] = [];
  const { law, coords } = w;
  const p = law.parameters.length;

  if (!w.converged) {
    out.push({
      code: 'fit/not-converged',
      severity: 'warning',
      message: `The optimizer stopped before converging (${w.reason}); the parameters may not be the best fit.`,
    });
  }

  law.parameters.forEach((q, j) => {
    const tol = 1e-6 * Math.max(1, coords.upper[j] - coords.lower[j]);
    const side = w.theta[j] - coords.lower[j] <= tol ? 'lower' : coords.upper[j] - w.theta[j] <= tol ? 'upper' : null;
    if (!side) return;
    const bound = side === 'lower' ? q.lower : q.upper;
    out.push({
      code: 'fit/param-at-bound',
      severity: 'warning',
      params: [q.name],
      message: `${q.name} stopped at its ${side} bound (${formatNumber(bound)}): the best fit lies outside the allowed range, so ${q.name} and the parameters trading off against it are not determined by these data.`,
    });
  });

  const id = w.identifiability;
  if (id && id.inert.length) {
    out.push({
      code: 'fit/no-effect',
      severity: 'warning',
      params: id.inert,
      message: `At the fit, the predictions do not depend on ${id.inert.join(', ')}: ${id.inert.length === 1 ? 'its value is' : 'their values are'} arbitrary.`,
    });
  } else if (id && id.negligible.length) {
    out.push({
      code: 'fit/negligible-term',
      severity: 'warning',
      params: id.negligible,
      message: `${id.negligible.join(', ')} ${id.negligible.length === 1 ? 'makes' : 'make'} up a negligible share of every prediction: the data do not determine ${id.negligible.length === 1 ? 'it' : 'them'}, and the law without ${id.negligible.length === 1 ? 'that term' : 'those terms'} fits as well.`,
    });
  } else if (id && id.condition > flatConditionThreshold) {
    out.push({
      code: 'fit/flat-direction',
      severity: 'warning',
      params: id.flat,
      message: `${id.flat.join(', ')} trade off against each other: some combination of them barely changes the predictions (condition number ${formatNumber(id.condition)}). Treat their individual values with caution; add runs that separate their effects.`,
    });
  }

  if (w.n < minPointsPerParameter * p) {
    out.push({
      code: 'fit/few-points-per-parameter',
      severity: 'warning',
      message: `${w.n} points for ${p} parameters (fewer than ${minPointsPerParameter} per parameter): the fit and its intervals are fragile.`,
    });
  }

  if (w.starts >= 5 && w.startsAtBest === 1) {
    out.push({
      code: 'fit/best-reached-once',
      severity: 'info',
      message: `Only 1 of ${w.starts} starts reached the best objective: the objective has several local minima, and a start grid that misses this one would give a different fit.`,
    });
  }

  for (const q of law.parameters) {
    const ci = w.ci[q.name];
    const value = w.params[q.name];
    if (!ci) continue;
    const wide = q.scale === 'log' ? ci[1] > 100 * ci[0] : ci[1] - ci[0] > Math.abs(value);
    if (wide) {
      out.push({
        code: 'fit/wide-interval',
        severity: 'warning',
        params: [q.name],
        message: `The interval for ${q.name} (${formatNumber(ci[0])} to ${formatNumber(ci[1])}) is ${q.scale === 'log' ? 'more than a factor of 100 wide' : 'wider than the estimate itself'}: the data barely constrain it.`,
      });
    }
  }

  const b = w.bootstrap;
  if (b && b.failed > 0.05 * b.resamples) {
    out.push({
      code: 'fit/bootstrap-failures',
      severity: 'warning',
      message: `${b.failed} of ${b.resamples} bootstrap refits failed; the intervals come from the others.`,
    });
  }
  if (b && b.unconverged > 0.05 * b.resamples) {
    out.push({
      code: 'fit/bootstrap-unconverged',
      severity: 'info',
      message: `${b.unconverged} of ${b.resamples} bootstrap refits stopped before converging.`,
    });
  }
  return out;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}
