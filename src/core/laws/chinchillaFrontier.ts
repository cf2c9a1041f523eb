import { goldenSection } from '../fit/goldenSection';
import type { ParamValues } from './law';

/**
 * Budget arithmetic on a fitted Chinchilla surface L = E + A/N^α + B/D^β: the compute-optimal
 * split of a FLOP budget, and the smaller, longer-trained model that is cheaper once inference
 * is counted.
 */

export function chinchillaLoss(p: ParamValues, N: number, D: number): number {
  return p.E + p.A * Math.pow(N, -p.alpha) + p.B * Math.pow(D, -p.beta);
}

export interface Optimum {
  N: number;
  D: number;
}

/**
 * Minimising L subject to k·N·D = C gives N* = G·(C/k)^(β/(α+β)), D* = (C/k)/N*, with
 * G = (αA/(βB))^(1/(α+β)) (Hoffmann et al. 2022, eq. 4).
 */
export function computeOptimal(p: ParamValues, C: number, k: number): Optimum {
  const s = p.alpha + p.beta;
  const logG = (Math.log(p.alpha * p.A) - Math.log(p.beta * p.B)) / s;
  const logBudget = Math.log(C / k);
  const logN = logG + (p.beta / s) * logBudget;
  return { N: Math.exp(logN), D: Math.exp(logBudget - logN) };
}

export interface OvertrainedPlan extends Optimum {
  /** Lifetime FLOPs (training + inference) of this plan and of the compute-optimal model. */
  lifetime: number;
  lifetimeAtOptimum: number;
}

/**
 * The model that reaches the compute-optimal loss at budget C with the fewest lifetime FLOPs
 * once inference is counted (Sardana et al. 2024): minimise k·N·D + k_inf·N·D_inf over the
 * iso-loss curve. Smaller than N*, trained on more tokens.
 */
export function overtrainedPlan(p: ParamValues, inputs: Readonly<Record<string, number>>): OvertrainedPlan {
  const { C, k, D_inference: dInf, k_inference: kInf } = inputs;
  const opt = computeOptimal(p, C, k);
  const target = chinchillaLoss(p, opt.N, opt.D);
  const headroom = target - p.E;
  const tokensFor = (logN: number): number => {
    const gap = headroom - p.A * Math.exp(-p.alpha * logN);
    return gap > 0 ? Math.pow(p.B / gap, 1 / p.beta) : Infinity;
  };
  const lifetime = (logN: number): number => {
    const N = Math.exp(logN);
    return k * N * tokensFor(logN) + kInf * N * dInf;
  };
  const lifetimeAtOptimum = C + kInf * opt.N * dInf;
  // Below N_min no amount of data reaches the target; past N* both terms grow.
  const logMin = Math.log(p.A / headroom) / p.alpha;
  let lo = logMin;
  let hi = Math.log(opt.N);
  if (!(hi > lo) || !Number.isFinite(lifetimeAtOptimum)) return { N: NaN, D: NaN, lifetime: NaN, lifetimeAtOptimum };
  ({ lo, hi } = goldenSection(lifetime, lo, hi, { maxIterations: 80, relativeTolerance: 1e-12 }));
  let best = 0.5 * (lo + hi);
  let bestLifetime = lifetime(best);
  // With no inference the optimum is N* itself, at the end of the bracket.
  if (lifetimeAtOptimum <= bestLifetime) {
    best = Math.log(opt.N);
    bestLifetime = lifetimeAtOptimum;
  }
  return { N: Math.exp(best), D: tokensFor(best), lifetime: bestLifetime, lifetimeAtOptimum };
}
