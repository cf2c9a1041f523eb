import { percentileInterval } from '../fit/quantile';
import type { FitSuccess, Interval } from '../fit/types';
import { computeForLoss, minimizeOnIsoFlop } from '../laws/isoFlop';
import type { Law } from '../laws/law';

/**
 * Training-budget recommendations from a fitted loss surface: for a budget (FLOPs, GPU-hours at
 * a stated throughput, or dollars at a price per GPU-hour) or a target loss, the compute-optimal
 * model size and tokens, the loss they reach, and what the user's own plan gives up — each with
 * the interval its bootstrap resamples (`FitOptions.keepSamples`) put on it.
 *
 * Works for any law over N, D, C = k·N·D and M = D/N (Chinchilla, Kaplan L(N, D), Farseer, the
 * over-training law, a custom formula in N and D): the optimum is found numerically along the
 * iso-FLOP line, so every law is treated alike (and checked against Chinchilla's closed form).
 */

export type Budget =
  | { kind: 'flops'; flops: number }
  /** GPU-hours at a peak throughput per GPU (FLOP/s) and a utilisation (model FLOPs utilisation, 0–1). */
  | { kind: 'gpu-hours'; gpuHours: number; flopsPerSecond: number; utilization: number }
  | { kind: 'dollars'; dollars: number; pricePerGpuHour: number; flopsPerSecond: number; utilization: number }
  | { kind: 'target-loss'; loss: number };

export interface BudgetRequest {
  budget: Budget;
  /** Training FLOPs per parameter per token (C = k·N·D). Default 6. */
  flopsPerToken?: number;
  /** The user's current plan, to compare with the optimum. */
  plan?: { N: number; D: number };
}

/** A value from the best fit and its bootstrap interval (null where undefined or without resamples). */
export interface Estimate {
  value: number | null;
  ci: Interval | null;
}

export interface PlanComparison {
  N: number;
  D: number;
  flops: number;
  tokensPerParam: number;
  loss: Estimate;
  /** Loss of the plan minus the loss of the optimum at the plan's own compute (≥ 0). */
  lossGap: Estimate;
  /** Compute at which the optimum matches the plan's loss. */
  optimumFlopsToMatch: Estimate;
  /** optimumFlopsToMatch / flops: the share of its compute the plan puts to use (1 at the optimum). */
  computeEfficiency: Estimate;
}

export interface BudgetRecommendation {
  ok: boolean;
  law: string;
  /** The budget in FLOPs (the compute needed, for a target loss), GPU-hours and dollars where they can be stated. */
  budget: { kind: Budget['kind']; flops: Estimate; gpuHours: Estimate | null; dollars: Estimate | null };
  flopsPerToken: number;
  N: Estimate;
  D: Estimate;
  tokensPerParam: Estimate;
  loss: Estimate;
  plan: PlanComparison | null;
  ciLevel: number;
  /** Resamples used for the intervals, and those whose recommendation was undefined. */
  samples: { used: number; undefined: number };
  /** Why something is missing or should be read with care. */
  notes: string[];
}

const allowedVariables = new Set(['N', 'D', 'C', 'M']);

/** Loss at (N, D) for a law over N, D, C and M, or null when the law cannot say. */
export function planLoss(law: Law, k: number): ((p: ArrayLike<number>, N: number, D: number) => number) | null {
  const names = law.variables.map((v) => v.name);
  if (!names.every((n) => allowedVariables.has(n)) || !names.some((n) => n !== 'C')) return null;
  const x = new Float64Array(names.length);
  return (p, N, D) => {
    names.forEach((name, j) => {
      x[j] = name === 'N' ? N : name === 'D' ? D : name === 'C' ? k * N * D : D / N;
    });
    return law.predict(x, p);
  };
}

export function budgetFlops(budget: Budget): number {
  switch (budget.kind) {
    case 'flops':
      return budget.flops;
    case 'gpu-hours':
      return budget.gpuHours * 3600 * budget.flopsPerSecond * budget.utilization;
    case 'dollars':
      return (budget.dollars / budget.pricePerGpuHour) * 3600 * budget.flopsPerSecond * budget.utilization;
    case 'target-loss':
      return NaN;
  }
}

interface Point {
  C: number;
  N: number;
  D: number;
  loss: number;
  plan?: { loss: number; gap: number; match: number };
}

export function recommendBudget(law: Law, fit: FitSuccess, request: BudgetRequest): BudgetRecommendation {
  const k = request.flopsPerToken ?? 6;
  const notes: string[] = [];
  const lossAt = planLoss(law, k);
  const budget = request.budget;
  const empty: Estimate = { value: null, ci: null };
  const fail = (why: string): BudgetRecommendation => ({
    ok: false,
    law: law.id,
    budget: { kind: budget.kind, flops: empty, gpuHours: null, dollars: null },
    flopsPerToken: k,
    N: empty,
    D: empty,
    tokensPerParam: empty,
    loss: empty,
    plan: null,
    ciLevel: fit.ciLevel,
    samples: { used: 0, undefined: 0 },
    notes: [why],
  });
  if (!lossAt) return fail(`${law.title} does not describe loss in model size and data (its variables are ${law.variables.map((v) => v.name).join(', ')}), so it cannot split a budget between them.`);
  if (fit.law !== law.id) return fail(`The fit is of ${fit.law}, not of ${law.id}.`);
  if (!(k > 0)) return fail(`FLOPs per parameter per token must be positive (got ${k}).`);
  const problem = budgetProblem(budget);
  if (problem) return fail(problem);
  const plan = request.plan;
  if (plan && !(plan.N > 0 && plan.D > 0)) return fail(`The plan's N and D must be positive (got N = ${plan.N}, D = ${plan.D}).`);

  const solve = (p: ArrayLike<number>): Point => {
    const at = (N: number, D: number) => lossAt(p, N, D);
    const o =
      budget.kind === 'target-loss' ? computeForLoss(at, budget.loss, k) : { C: budgetFlops(budget), ...minimizeOnIsoFlop(at, budgetFlops(budget), k) };
    const point: Point = { C: o.C, N: o.N, D: o.D, loss: o.loss };
    if (plan) {
      const planLossValue = at(plan.N, plan.D);
      const atPlanCompute = minimizeOnIsoFlop(at, k * plan.N * plan.D, k);
      point.plan = { loss: planLossValue, gap: planLossValue - atPlanCompute.loss, match: computeForLoss(at, planLossValue, k).C };
    }
    return point;
  };

  const vector = (values: Record<string, number>) => Float64Array.from(law.parameters, (q) => values[q.name]);
  const best = solve(vector(fit.params));
  const samples = fit.bootstrap?.samples ?? [];
  if (samples.length === 0) notes.push('The fit kept no bootstrap samples (fit with keepSamples: true and resamples > 0): no intervals.');
  const draws = samples.map((s) => solve(s));
  const undefinedDraws = draws.filter((d) => !Number.isFinite(d.N)).length;
  if (!Number.isFinite(best.N)) {
    notes.push(
      budget.kind === 'target-loss'
        ? `The fitted law does not reach a loss of ${budget.loss} at any compute up to 1e40 FLOPs (it lies at or below the law's floor).`
        : 'The fitted law has no compute-optimal point for this budget.',
    );
  }
  if (undefinedDraws > 0) notes.push(`${undefinedDraws} of ${draws.length} resamples give no recommendation (for a target loss: they do not reach it).`);

  const level = fit.ciLevel;
  const estimate = (pick: (q: Point) => number): Estimate => {
    const v = pick(best);
    return {
      value: Number.isFinite(v) ? v : null,
      ci: draws.length ? percentileInterval(draws.map(pick), level) : null,
    };
  };
  const flops = estimate((q) => q.C);
  const gpuSeconds = budget.kind === 'gpu-hours' || budget.kind === 'dollars' ? budget.flopsPerSecond * budget.utilization : null;
  const scale = (e: Estimate, by: number): Estimate => ({
    value: e.value === null ? null : e.value * by,
    ci: e.ci ? [e.ci[0] * by, e.ci[1] * by] : null,
  });
  const gpuHours = gpuSeconds ? scale(flops, 1 / (3600 * gpuSeconds)) : null;
  const dollars = gpuHours && budget.kind === 'dollars' ? scale(gpuHours, budget.pricePerGpuHour) : null;

  let comparison: PlanComparison | null = null;
  if (plan) {
    const planFlops = k * plan.N * plan.D;
    comparison = {
      N: plan.N,
      D: plan.D,
      flops: planFlops,
      tokensPerParam: plan.D / plan.N,
      loss: estimate((q) => q.plan!.loss),
      lossGap: estimate((q) => q.plan!.gap),
      optimumFlopsToMatch: estimate((q) => q.plan!.match),
      computeEfficiency: estimate((q) => q.plan!.match / planFlops),
    };
  }

  return {
    ok: Number.isFinite(best.N),
    law: law.id,
    budget: { kind: budget.kind, flops, gpuHours, dollars },
    flopsPerToken: k,
    N: estimate((q) => q.N),
    D: estimate((q) => q.D),
    tokensPerParam: estimate((q) => q.D / q.N),
    loss: estimate((q) => q.loss),
    plan: comparison,
    ciLevel: level,
    samples: { used: draws.length - undefinedDraws, undefined: undefinedDraws },
    notes,
  };
}

function budgetProblem(budget: Budget): string | null {
  const positive = (name: string, v: number) => (v > 0 && Number.isFinite(v) ? null : `${name} must be a positive number (got ${v}).`);
  switch (budget.kind) {
    case 'flops':
      return positive('The FLOP budget', budget.flops);
    case 'gpu-hours':
      return positive('GPU-hours', budget.gpuHours) ?? positive('Throughput (FLOP/s per GPU)', budget.flopsPerSecond) ?? utilizationProblem(budget.utilization);
    case 'dollars':
      return (
        positive('The dollar budget', budget.dollars) ??
        positive('The price per GPU-hour', budget.pricePerGpuHour) ??
        positive('Throughput (FLOP/s per GPU)', budget.flopsPerSecond) ??
        utilizationProblem(budget.utilization)
      );
    case 'target-loss':
      return positive('The target loss', budget.loss);
  }
}

function utilizationProblem(u: number): string | null {
  return u > 0 && u <= 1 ? null : `Utilisation is a fraction of peak throughput in (0, 1] (got ${u}).`;
}
