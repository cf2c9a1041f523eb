import { fitLaw } from '../fit/fitLaw';
import { percentileInterval } from '../fit/quantile';
import type { FitOptions, FitResult, Interval } from '../fit/types';
import { namedParams } from '../laws/law';
import { lrAnnealing } from '../laws/lrAnnealing';
import { annealingAreas, schedule as scheduleOf, warmupLength, type ScheduleSpec } from '../laws/lrSchedule';
import type { Estimate } from './budget';

/**
 * Where a training run in progress is heading: the LR-annealing law (Tissue et al. 2024) fitted
 * to the loss logged so far, against the areas of the whole planned learning-rate schedule,
 * predicts the loss at every later step — so the final loss and the step at which a target is
 * reached, each with the interval of the fit's bootstrap.
 */

export interface LossCurveInput {
  /** Logged optimizer steps (1-based, as trainers log them) and the loss at each. */
  steps: ArrayLike<number>;
  losses: ArrayLike<number>;
  /** The learning rate of every step of the planned run (index 0 is step 1), or a schedule to generate it. */
  schedule: ArrayLike<number> | ScheduleSpec;
  /** A loss to reach: the step at which the run is predicted to reach it. */
  target?: number;
  /** λ of the annealing area; default 0.999. */
  decay?: number;
  /** Logged points before this step are left out of the fit. Default: the first step after warmup. */
  fromStep?: number;
  /** Points of the predicted curve returned for charts. Default 200. */
  curvePoints?: number;
  /** Passed to the fit (resamples, seed, method, ...); keepSamples is always on. */
  fit?: FitOptions;
}

export interface LossCurvePrediction {
  ok: boolean;
  fit: FitResult;
  totalSteps: number;
  lastLoggedStep: number | null;
  finalLoss: Estimate;
  /** The first step at which the predicted loss is at or below the target. */
  target: {
    loss: number;
    step: Estimate;
    /** Share of resamples whose curve reaches the target within the planned run. */
    probability: number | null;
    reachedByEnd: boolean | null;
  } | null;
  /** The predicted curve on a grid of steps, for charts. */
  curve: { step: number[]; loss: (number | null)[]; ci: (Interval | null)[] };
  ciLevel: number;
  notes: string[];
}

/** Scan stride bound: a run of a million steps is read at 100k places per resample, then refined. */
const maxScan = 100_000;

export function predictLossCurve(input: LossCurveInput): LossCurvePrediction {
  const lr = isSpec(input.schedule) ? scheduleOf(input.schedule) : Float64Array.from(input.schedule);
  const total = lr.length;
  const notes: string[] = [];
  const warmup = warmupLength(lr);
  const { S1, S2 } = annealingAreas(lr, { decay: input.decay });
  const from = input.fromStep ?? warmup + 1;

  const data: Record<string, number[]> = { S1: [], S2: [], L: [] };
  let lastLogged: number | null = null;
  let beyond = 0;
  for (let k = 0; k < input.steps.length; k++) {
    const step = Math.round(input.steps[k]);
    if (!(step >= from)) continue;
    if (step > total) {
      beyond++;
      continue;
    }
    data.S1.push(S1[step - 1]);
    data.S2.push(S2[step - 1]);
    data.L.push(input.losses[k]);
    lastLogged = Math.max(lastLogged ?? 0, step);
  }
  if (beyond) notes.push(`${beyond} logged steps lie beyond the ${total}-step schedule and were left out.`);

  const fit = fitLaw(lrAnnealing, data, { ...input.fit, keepSamples: true });
  const level = fit.ok ? fit.ciLevel : (input.fit?.ciLevel ?? 0.95);
  const gridSteps = curveGrid(total, input.curvePoints ?? 200);
  const empty: Estimate = { value: null, ci: null };
  if (!fit.ok || total === 0) {
    if (total === 0) notes.push('The schedule has no steps.');
    return {
      ok: false,
      fit,
      totalSteps: total,
      lastLoggedStep: lastLogged,
      finalLoss: empty,
      target: input.target === undefined ? null : { loss: input.target, step: empty, probability: null, reachedByEnd: null },
      curve: { step: gridSteps, loss: gridSteps.map(() => null), ci: gridSteps.map(() => null) },
      ciLevel: level,
      notes: [...notes, 'The LR-annealing law could not be fitted to the logged loss: see fit.problems.'],
    };
  }

  type Params = { L0: number; A: number; alpha: number; C: number };
  const at = (p: Params, step: number) => p.L0 + p.A * Math.pow(S1[step - 1], -p.alpha) - p.C * S2[step - 1];
  const best: Params = fit.params as Params;
  const samples = (fit.bootstrap?.samples ?? []).map((s) => namedParams(lrAnnealing, s) as Params);
  const estimate = (value: number, draws: number[]): Estimate => ({
    value: Number.isFinite(value) ? value : null,
    ci: draws.length ? percentileInterval(draws, level) : null,
  });

  const finalLoss = estimate(
    at(best, total),
    samples.map((p) => at(p, total)),
  );

  let target: LossCurvePrediction['target'] = null;
  if (input.target !== undefined) {
    const goal = input.target;
    const first = (p: Params) => firstStepAtOrBelow((s) => at(p, s), goal, total);
    const bestStep = first(best);
    const sampleSteps = samples.map(first);
    const reached = sampleSteps.filter((s) => s !== null).length;
    target = {
      loss: goal,
      step: estimate(bestStep ?? NaN, sampleSteps.map((s) => s ?? NaN)),
      probability: samples.length ? reached / samples.length : null,
      reachedByEnd: bestStep !== null,
    };
    if (bestStep === null) notes.push(`The predicted curve does not reach ${goal} within the ${total} planned steps.`);
  }

  const curve = {
    step: gridSteps,
    loss: gridSteps.map((s) => {
      const v = at(best, s);
      return Number.isFinite(v) ? v : null;
    }),
    ci: gridSteps.map((s) => (samples.length ? percentileInterval(samples.map((p) => at(p, s)), level) : null)),
  };
  if (lastLogged !== null && lastLogged < warmup + 1) notes.push('Every logged point is still in warmup: the prediction rests on no data the law describes.');

  return { ok: true, fit, totalSteps: total, lastLoggedStep: lastLogged, finalLoss, target, curve, ciLevel: level, notes };
}

function isSpec(s: ArrayLike<number> | ScheduleSpec): s is ScheduleSpec {
  return typeof (s as ScheduleSpec).kind === 'string';
}

/** Steps 1..total, about `points` of them, always including the last. */
function curveGrid(total: number, points: number): number[] {
  if (total <= 0) return [];
  const n = Math.max(2, Math.min(total, Math.floor(points)));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = Math.round(1 + ((total - 1) * i) / (n - 1));
    if (out.length === 0 || s > out[out.length - 1]) out.push(s);
  }
  return out;
}

/** The first step whose loss is at or below the goal: a strided scan, refined step by step inside the stride that crosses. */
function firstStepAtOrBelow(loss: (step: number) => number, goal: number, total: number): number | null {
  const stride = Math.max(1, Math.ceil(total / maxScan));
  let previous = 0;
  for (let s = stride; ; s += stride) {
    const step = Math.min(s, total);
    if (loss(step) <= goal) {
      for (let t = previous + 1; t <= step; t++) if (loss(t) <= goal) return t;
      return step;
    }
    previous = step;
    if (step === total) return null;
  }
}
