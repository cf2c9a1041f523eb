import { percentileInterval } from '../fit/quantile';
import type { FitSuccess, Interval } from '../fit/types';
import { minimizeOnIsoFlop } from '../laws/isoFlop';
import { namedParams, type Law, type ParamValues } from '../laws/law';
import { lrAnnealing } from '../laws/lrAnnealing';
import { annealingAreas, schedule as scheduleOf } from '../laws/lrSchedule';
import { stepLawBatch, stepLawLr, stepLawPublished } from '../laws/stepLaw';
import { planLoss, type Estimate } from '../recommend/budget';
import type { ConfigPlan } from './plan';

/**
 * What the fitted laws say about a config's plan: its predicted final loss, where it sits
 * relative to the compute-optimal frontier at its own compute, the Step Law's learning rate and
 * batch for its N and D, and (with an LR-annealing fit) its loss curve. Every estimate carries
 * the interval of the fit's bootstrap resamples (fit with `keepSamples: true`).
 */

export interface ConfigLaws {
  /** A loss law over N and D (Chinchilla, or any law `recommendBudget` accepts), fitted with kept bootstrap samples. */
  loss?: {
    law: Law;
    fit: FitSuccess;
    /** Where the fit came from, shown in hovers (e.g. `runs/sweep.csv`). */
    source?: string;
    /** The sweep's range of N and D, to say when the config extrapolates far past it. */
    range?: { N?: [number, number]; D?: [number, number] };
  };
  /** Step Law refits; the published coefficients (Li et al. 2025) stand in for what is missing. */
  stepLaw?: { lr?: FitSuccess; batch?: FitSuccess; source?: string };
  /** The LR-annealing law (Tissue et al. 2024) fitted to a run like this one, for the predicted loss curve. */
  annealing?: { fit: FitSuccess; source?: string };
}

export interface FrontierPosition {
  /** The plan's compute, at which the optimum is taken. */
  C: number;
  N: Estimate;
  D: Estimate;
  planTokensPerParam: number;
  optimalTokensPerParam: Estimate;
  /** Plan's tokens per parameter over the optimum's: above 1, a smaller model trained longer than optimal. */
  factor: Estimate;
  lossAtOptimum: Estimate;
  /** Plan loss minus the optimum's loss at the same compute (≥ 0 for every resample). */
  penalty: Estimate;
  /** Tokens at which the plan's N is itself compute-optimal (best fit), for "train this size optimally". */
  tokensForSize: number | null;
}

export interface StepLawAdvice {
  /** Non-embedding N and tokens the optimum is taken at. */
  N: number;
  D: number;
  nHow: string;
  lr: Estimate;
  /** Optimal batch in tokens, and in sequences of the plan's length. */
  batchTokens: Estimate;
  batchSequences: number | null;
  /** Config over optimum; null when the config does not say. */
  lrFactor: number | null;
  batchFactor: number | null;
  source: string;
}

export interface LossCurve {
  step: number[];
  loss: (number | null)[];
  ci: (Interval | null)[];
  final: Estimate;
  how: string;
}

export interface ConfigAssessment {
  /** Id of the loss law, or null without one. */
  law: string | null;
  lawSource: string | null;
  ciLevel: number;
  loss: Estimate | null;
  frontier: FrontierPosition | null;
  stepLaw: StepLawAdvice | null;
  curve: LossCurve | null;
  samples: number;
  notes: string[];
}

export interface AssessOptions {
  /** Bootstrap draws used for intervals (the first ones kept). Default: all. */
  maxSamples?: number;
}

/** A loss surface with its optimum along an iso-FLOP line, for one parameter vector. */
export interface Surface {
  loss(N: number, D: number): number;
  optimum(C: number): { N: number; D: number; loss: number };
  /** Tokens at which N is compute-optimal. */
  tokensForSize(N: number): number;
}

/** Surfaces for the best fit and each kept resample; Chinchilla's closed form where it applies, else a numeric search. */
export function lossSurfaces(law: Law, fit: FitSuccess, k: number, maxSamples = Infinity): { best: Surface; samples: Surface[] } | null {
  const at = planLoss(law, k);
  if (!at) return null;
  const make = (p: ArrayLike<number>): Surface => {
    if (law.id === 'chinchilla') return chinchillaSurface(namedParams(law, p), k);
    const vector = Float64Array.from(p);
    const loss = (N: number, D: number) => at(vector, N, D);
    const optimum = (C: number) => minimizeOnIsoFlop(loss, C, k);
    return { loss, optimum, tokensForSize: (N) => tokensForSizeNumeric(optimum, N, k) };
  };
  const vector = law.parameters.map((q) => fit.params[q.name]);
  const samples = (fit.bootstrap?.samples ?? []).slice(0, Number.isFinite(maxSamples) ? maxSamples : undefined);
  return { best: make(vector), samples: samples.map(make) };
}

function chinchillaSurface(p: ParamValues, k: number): Surface {
  const { E, alpha, beta } = p;
  const logA = Math.log(p.A);
  const logB = Math.log(p.B);
  const s = alpha + beta;
  // N* = G·(C/k)^(β/s), G = (αA/(βB))^(1/s) (Hoffmann et al. 2022, eq. 4), with its constants hoisted.
  const logG = (Math.log(alpha) + logA - Math.log(beta) - logB) / s;
  const share = beta / s;
  const logK = Math.log(k);
  const loss = (N: number, D: number) => E + Math.exp(logA - alpha * Math.log(N)) + Math.exp(logB - beta * Math.log(D));
  return {
    loss,
    optimum(C) {
      const logBudget = Math.log(C) - logK;
      const logN = logG + share * logBudget;
      const logD = logBudget - logN;
      return { N: Math.exp(logN), D: Math.exp(logD), loss: E + Math.exp(logA - alpha * logN) + Math.exp(logB - beta * logD) };
    },
    // The same inverted: C/k = (N/G)^(s/β), D = (C/k)/N.
    tokensForSize(N) {
      const logN = Math.log(N);
      return Math.exp(((logN - logG) * s) / beta - logN);
    },
  };
}

/** D at which N is the iso-FLOP optimum: the optimum's N grows with compute, so bisect in log D. */
function tokensForSizeNumeric(optimum: (C: number) => { N: number }, N: number, k: number): number {
  let lo = Math.log(N) + Math.log(1e-3);
  let hi = Math.log(N) + Math.log(1e6);
  const sign = (logD: number) => Math.log(optimum(k * N * Math.exp(logD)).N) - Math.log(N);
  const sLo = sign(lo);
  const sHi = sign(hi);
  if (!(sLo < 0 && sHi > 0)) return NaN;
  for (let it = 0; it < 60 && hi - lo > 1e-9; it++) {
    const mid = 0.5 * (lo + hi);
    if (sign(mid) < 0) lo = mid;
    else hi = mid;
  }
  return Math.exp(0.5 * (lo + hi));
}

export function estimate(value: number, draws: readonly number[], level: number): Estimate {
  return { value: Number.isFinite(value) ? value : null, ci: draws.length ? percentileInterval(draws, level) : null };
}

export function assessPlan(plan: ConfigPlan, laws: ConfigLaws, options: AssessOptions = {}): ConfigAssessment {
  const notes: string[] = [];
  const k = plan.flopsPerToken;
  const N = plan.N.value;
  const D = plan.D.value;
  const lossLaw = laws.loss;
  let level = lossLaw?.fit.ciLevel ?? 0.95;
  let loss: Estimate | null = null;
  let frontier: FrontierPosition | null = null;
  let samples = 0;

  if (lossLaw) {
    if (lossLaw.fit.law !== lossLaw.law.id) notes.push(`The fit is of ${lossLaw.fit.law}, not of ${lossLaw.law.id}: no loss predictions.`);
    else {
      const surfaces = lossSurfaces(lossLaw.law, lossLaw.fit, k, options.maxSamples);
      if (!surfaces) notes.push(`${lossLaw.law.title} does not describe loss in model size and data: no loss predictions for the config.`);
      else if (N !== null && D !== null) {
        const { best, samples: draws } = surfaces;
        samples = draws.length;
        if (samples === 0) notes.push('The fit kept no bootstrap samples (fit with keepSamples: true): no intervals.');
        const C = k * N * D;
        const planLossBest = best.loss(N, D);
        const planLosses = draws.map((s) => s.loss(N, D));
        loss = estimate(planLossBest, planLosses, level);
        const o = best.optimum(C);
        const os = draws.map((s) => s.optimum(C));
        const ratio = D / N;
        const tokensForSize = best.tokensForSize(N);
        frontier = {
          C,
          N: estimate(o.N, os.map((x) => x.N), level),
          D: estimate(o.D, os.map((x) => x.D), level),
          planTokensPerParam: ratio,
          optimalTokensPerParam: estimate(o.D / o.N, os.map((x) => x.D / x.N), level),
          factor: estimate(ratio / (o.D / o.N), os.map((x) => ratio / (x.D / x.N)), level),
          lossAtOptimum: estimate(o.loss, os.map((x) => x.loss), level),
          penalty: estimate(planLossBest - o.loss, os.map((x, i) => planLosses[i] - x.loss), level),
          tokensForSize: Number.isFinite(tokensForSize) ? tokensForSize : null,
        };
        if (!Number.isFinite(o.N)) notes.push('The fitted law has no compute-optimal point at this budget (the loss keeps falling along the iso-FLOP line).');
        const extrapolation = extrapolationNote(lossLaw.range, N, D);
        if (extrapolation) notes.push(extrapolation);
      } else notes.push(`No loss prediction: ${N === null ? `N is unknown (${plan.N.how})` : `D is unknown (${plan.D.how})`}`);
    }
  }

  const stepLaw = stepLawAdvice(plan, laws, level);
  if (!lossLaw && laws.stepLaw?.lr) level = laws.stepLaw.lr.ciLevel;
  const curve = laws.annealing ? annealingCurve(plan, laws.annealing, notes) : null;
  return { law: lossLaw?.law.id ?? null, lawSource: lossLaw?.source ?? null, ciLevel: level, loss, frontier, stepLaw, curve, samples, notes };
}

/** A note when the plan lies far past the sweep the law was fitted on: intervals then understate the doubt. */
function extrapolationNote(range: { N?: [number, number]; D?: [number, number] } | undefined, N: number, D: number): string | null {
  if (!range) return null;
  const out: string[] = [];
  if (range.N && N > 10 * range.N[1]) out.push(`N is ${Math.round(N / range.N[1])}× the largest in the sweep`);
  if (range.D && D > 10 * range.D[1]) out.push(`D is ${Math.round(D / range.D[1])}× the largest in the sweep`);
  return out.length ? `Extrapolation: ${out.join('; ')}.` : null;
}

function stepLawAdvice(plan: ConfigPlan, laws: ConfigLaws, level: number): StepLawAdvice | null {
  const N = plan.nonEmbeddingN.value;
  const D = plan.D.value;
  if (N === null || D === null) return null;
  const lrFit = laws.stepLaw?.lr;
  const batchFit = laws.stepLaw?.batch;
  const lrParams = (p: ParamValues) => p.c * Math.pow(N, p.alpha) * Math.pow(D, p.beta);
  const batchParams = (p: ParamValues) => p.d * Math.pow(D, p.gamma);
  const draws = (fit: FitSuccess | undefined, names: string[], f: (p: ParamValues) => number) =>
    (fit?.bootstrap?.samples ?? []).map((s) => f(Object.fromEntries(names.map((n, j) => [n, s[j]]))));
  const lrBest = lrParams(lrFit ? lrFit.params : stepLawPublished.lr);
  const batchBest = batchParams(batchFit ? batchFit.params : stepLawPublished.batch);
  const names = (law: Law) => law.parameters.map((q) => q.name);
  const lr = estimate(lrBest, draws(lrFit, names(stepLawLr), lrParams), lrFit?.ciLevel ?? level);
  const batchTokens = estimate(batchBest, draws(batchFit, names(stepLawBatch), batchParams), batchFit?.ciLevel ?? level);
  const seq = plan.seqLen.value;
  const source = laws.stepLaw?.source ?? (lrFit || batchFit ? `Step Law refit${lrFit && batchFit ? '' : ' (the rest published)'}` : 'Step Law, published coefficients (Li et al. 2025)');
  return {
    N,
    D,
    nHow: plan.nonEmbeddingN.how,
    lr,
    batchTokens,
    batchSequences: seq ? batchBest / seq : null,
    lrFactor: plan.lr.value !== null ? plan.lr.value / lrBest : null,
    batchFactor: plan.batchTokens.value !== null ? plan.batchTokens.value / batchBest : null,
    source,
  };
}

const curvePoints = 120;

function annealingCurve(plan: ConfigPlan, annealing: NonNullable<ConfigLaws['annealing']>, notes: string[]): LossCurve | null {
  if (!plan.schedule) {
    notes.push('No loss curve: the LR-annealing law needs the run\'s steps and learning rate.');
    return null;
  }
  const fit = annealing.fit;
  if (fit.law !== 'lr-annealing') {
    notes.push(`The loss-curve fit is of ${fit.law}, not of the LR-annealing law.`);
    return null;
  }
  const lr = scheduleOf(plan.schedule.spec);
  const total = lr.length;
  if (total === 0) return null;
  const { S1, S2 } = annealingAreas(lr);
  const names = lrAnnealing.parameters.map((q) => q.name);
  const at = (p: ParamValues, step: number) => p.L0 + p.A * Math.pow(S1[step - 1], -p.alpha) - p.C * S2[step - 1];
  const best = fit.params;
  const samples = (fit.bootstrap?.samples ?? []).map((s) => Object.fromEntries(names.map((n, j) => [n, s[j]])) as ParamValues);
  const step: number[] = [];
  const n = Math.min(total, curvePoints);
  for (let i = 0; i < n; i++) {
    const s = n === 1 ? total : Math.round(1 + ((total - 1) * i) / (n - 1));
    if (step.length === 0 || s > step[step.length - 1]) step.push(s);
  }
  const level = fit.ciLevel;
  const lossAt = step.map((s) => {
    const v = at(best, s);
    return Number.isFinite(v) ? v : null;
  });
  const ci = step.map((s) => (samples.length ? percentileInterval(samples.map((p) => at(p, s)), level) : null));
  const final = estimate(at(best, total), samples.map((p) => at(p, total)), level);
  const how = `LR-annealing law (Tissue et al. 2024)${annealing.source ? ` fitted to ${annealing.source}` : ''}, under this config's schedule: ${plan.schedule.how}. It holds for the model and batch it was fitted on.`;
  return { step, loss: lossAt, ci, final, how };
}
