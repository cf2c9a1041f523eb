import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import type { FitSuccess } from '../../../src/core/fit/types';
import { chinchilla, chinchillaLoss } from '../../../src/core/laws/chinchilla';
import { gadreOvertraining } from '../../../src/core/laws/gadre';
import { namedParams } from '../../../src/core/laws/law';
import { powerLawC } from '../../../src/core/laws/powerLaw';
import { percentileInterval } from '../../../src/core/fit/quantile';
import { budgetFlops, recommendBudget, type Estimate } from '../../../src/core/recommend/budget';
import { cases, synthesize } from '../fit/synthetic';

const starts = [
  [2, Math.exp(6), Math.exp(7), 0.3, 0.3],
  [1, Math.exp(10), Math.exp(10), 0.5, 0.5],
];
const fit = fitLaw(chinchilla, synthesize(chinchilla, cases.chinchilla, 21), { starts, resamples: 200, keepSamples: true }) as FitSuccess;
const samples = fit.bootstrap!.samples!.map((s) => namedParams(chinchilla, s));

/** Hoffmann et al.'s eq. 4: N*(C) = G·(C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β)). */
function closedForm(p: Record<string, number>, C: number) {
  const s = p.alpha + p.beta;
  const G = Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / s);
  const N = G * Math.pow(C / 6, p.beta / s);
  const D = C / (6 * N);
  return { N, D, L: chinchillaLoss(p, N, D) };
}

function near(e: Estimate, value: number, ci: [number, number] | null, rel = 1e-6) {
  assert.ok(e.value !== null && Math.abs(e.value / value - 1) < rel, `value ${e.value} vs ${value}`);
  assert.ok(ci && e.ci, 'an interval');
  assert.ok(Math.abs(e.ci![0] / ci![0] - 1) < rel && Math.abs(e.ci![1] / ci![1] - 1) < rel, `ci ${e.ci} vs ${ci}`);
}

test('for a FLOP budget, N, D and the loss are Chinchilla\'s closed form, and so are their intervals', () => {
  assert.equal(fit.ok, true);
  const C = 1e23;
  const r = recommendBudget(chinchilla, fit, { budget: { kind: 'flops', flops: C } });
  assert.equal(r.ok, true, r.notes.join(' '));
  const best = closedForm(fit.params, C);
  const draws = samples.map((p) => closedForm(p, C));
  near(r.N, best.N, percentileInterval(draws.map((d) => d.N), 0.95));
  near(r.D, best.D, percentileInterval(draws.map((d) => d.D), 0.95));
  near(r.tokensPerParam, best.D / best.N, percentileInterval(draws.map((d) => d.D / d.N), 0.95));
  near(r.loss, best.L, percentileInterval(draws.map((d) => d.L), 0.95), 1e-9);
  assert.equal(r.samples.used, samples.length);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

test('GPU-hours and dollars become FLOPs through throughput, utilisation and price', () => {
  const gpu = { kind: 'gpu-hours' as const, gpuHours: 1e5, flopsPerSecond: 1e15, utilization: 0.4 };
  assert.equal(budgetFlops(gpu), 1e5 * 3600 * 1e15 * 0.4);
  const dollars = { kind: 'dollars' as const, dollars: 2e5, pricePerGpuHour: 2, flopsPerSecond: 1e15, utilization: 0.4 };
  assert.equal(budgetFlops(dollars), budgetFlops(gpu));
  const a = recommendBudget(chinchilla, fit, { budget: gpu });
  const b = recommendBudget(chinchilla, fit, { budget: dollars });
  assert.deepEqual(a.N, b.N);
  assert.ok(Math.abs(b.budget.gpuHours!.value! - 1e5) < 1e-6 && Math.abs(b.budget.dollars!.value! - 2e5) < 1e-4);
  near(a.N, closedForm(fit.params, budgetFlops(gpu)).N, a.N.ci as [number, number]);
});

test('for a target loss, the least compute whose optimum reaches it', () => {
  const target = 2.1;
  const r = recommendBudget(chinchilla, fit, { budget: { kind: 'target-loss', loss: target } });
  assert.equal(r.ok, true);
  const C = r.budget.flops.value!;
  const o = closedForm(fit.params, C);
  assert.ok(Math.abs(o.L - target) < 1e-9, `loss at the recommended compute: ${o.L}`);
  assert.ok(Math.abs(r.N.value! / o.N - 1) < 1e-6);
  assert.ok(r.budget.flops.ci![0] < C && C < r.budget.flops.ci![1]);
  const floor = recommendBudget(chinchilla, fit, { budget: { kind: 'target-loss', loss: 0.9 * fit.params.E } });
  assert.equal(floor.ok, false);
  assert.match(floor.notes.join(' '), /does not reach/);
});

test('a plan off the optimum loses loss at its compute, and the optimum matches it with less compute', () => {
  const C = 1e22;
  const opt = closedForm(fit.params, C);
  const atOptimum = recommendBudget(chinchilla, fit, { budget: { kind: 'flops', flops: C }, plan: { N: opt.N, D: opt.D } });
  assert.ok(Math.abs(atOptimum.plan!.lossGap.value!) < 1e-12);
  assert.ok(Math.abs(atOptimum.plan!.computeEfficiency.value! - 1) < 1e-6);
  const small = { N: opt.N / 8, D: opt.D * 8 };
  const r = recommendBudget(chinchilla, fit, { budget: { kind: 'flops', flops: C }, plan: small });
  const plan = r.plan!;
  const planLoss = chinchillaLoss(fit.params, small.N, small.D);
  assert.ok(Math.abs(plan.loss.value! - planLoss) < 1e-12);
  assert.ok(Math.abs(plan.lossGap.value! - (planLoss - opt.L)) < 1e-9);
  const match = plan.optimumFlopsToMatch.value!;
  assert.ok(match < C && Math.abs(closedForm(fit.params, match).L - planLoss) < 1e-9);
  assert.ok(Math.abs(plan.computeEfficiency.value! - match / C) < 1e-12 && plan.computeEfficiency.value! < 1);
  assert.ok(plan.lossGap.ci![0] > 0, 'every resample agrees the plan is worse');
});

test('any law over N, D, C and M: the over-training law recommends M* = (b/a)^(1/(2η))', () => {
  const g = fitLaw(gadreOvertraining, synthesize(gadreOvertraining, cases['gadre-overtraining'], 3), { resamples: 50, keepSamples: true }) as FitSuccess;
  const C = 1e23;
  const r = recommendBudget(gadreOvertraining, g, { budget: { kind: 'flops', flops: C } });
  const mOpt = Math.pow(g.params.b / g.params.a, 1 / (2 * g.params.eta));
  assert.ok(Math.abs(r.tokensPerParam.value! / mOpt - 1) < 1e-6, `${r.tokensPerParam.value} vs ${mOpt}`);
  assert.ok(Math.abs(r.N.value! / Math.sqrt(C / (6 * mOpt)) - 1) < 1e-6);
});

test('laws that cannot split a budget, and bad budgets, say why instead of recommending', () => {
  const c = fitLaw(powerLawC, synthesize(powerLawC, cases['power-law-C'], 1), { resamples: 0 }) as FitSuccess;
  const r = recommendBudget(powerLawC, c, { budget: { kind: 'flops', flops: 1e23 } });
  assert.equal(r.ok, false);
  assert.match(r.notes[0], /model size and data/);
  const bad = recommendBudget(chinchilla, fit, { budget: { kind: 'gpu-hours', gpuHours: 10, flopsPerSecond: 1e15, utilization: 40 } });
  assert.equal(bad.ok, false);
  assert.match(bad.notes[0], /Utilisation/);
  const noSamples = recommendBudget(chinchilla, { ...fit, bootstrap: null }, { budget: { kind: 'flops', flops: 1e21 } });
  assert.equal(noSamples.ok, true);
  assert.equal(noSamples.N.ci, null);
  assert.match(noSamples.notes[0], /keepSamples/);
});
