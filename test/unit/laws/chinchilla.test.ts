import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chinchilla, chinchillaLoss, computeOptimal, overtrainedPlan } from '../../../src/core/laws/chinchilla';

const published = chinchilla.published!.params;
const derived = (id: string) => chinchilla.derived.find((d) => d.id === id)!;

/** Brute-force minimum of L along k·N·D = C, over a fine log grid of N. */
function gridOptimum(C: number, k: number): { N: number; L: number } {
  let best = { N: NaN, L: Infinity };
  for (let u = Math.log(1e6); u < Math.log(1e14); u += 1e-4) {
    const N = Math.exp(u);
    const L = chinchillaLoss(published, N, C / (k * N));
    if (L < best.L) best = { N, L };
  }
  return best;
}

test('the closed-form compute optimum is the minimum of the loss on the iso-FLOP line', () => {
  for (const [C, k] of [
    [1e21, 6],
    [5.76e23, 6],
    [1e25, 8],
  ]) {
    const o = computeOptimal(published, C, k);
    const g = gridOptimum(C, k);
    assert.ok(Math.abs(Math.log(o.N / g.N)) < 2e-4, `C=${C}: ${o.N} vs ${g.N}`);
    assert.ok(Math.abs(k * o.N * o.D - C) <= 1e-12 * C);
    assert.ok(chinchillaLoss(published, o.N, o.D) <= g.L + 1e-12);
  }
});

test('compute-optimal size and data grow as C^(β/(α+β)) and C^(α/(α+β))', () => {
  const a = computeOptimal(published, 1e22, 6);
  const b = computeOptimal(published, 1e24, 6);
  const s = published.alpha + published.beta;
  assert.ok(Math.abs(Math.log(b.N / a.N) / Math.log(100) - published.beta / s) < 1e-12);
  assert.ok(Math.abs(Math.log(b.D / a.D) / Math.log(100) - published.alpha / s) < 1e-12);
});

test('derived quantities agree with each other', () => {
  const x = { C: 1e23, k: 6 };
  const N = derived('N_opt').compute(published, x);
  const D = derived('D_opt').compute(published, x);
  assert.ok(Math.abs(derived('tokens_per_param').compute(published, x) - D / N) < 1e-12 * (D / N));
  assert.ok(Math.abs(derived('L_opt').compute(published, x) - chinchillaLoss(published, N, D)) < 1e-14);
});

test('with no inference the inference-aware model is the compute-optimal one', () => {
  const plan = overtrainedPlan(published, { C: 1e23, k: 6, D_inference: 0, k_inference: 2 });
  const o = computeOptimal(published, 1e23, 6);
  assert.ok(Math.abs(plan.N / o.N - 1) < 1e-6 && Math.abs(plan.D / o.D - 1) < 1e-6);
});

test('counting inference gives a smaller model, trained longer, at the same loss and lower lifetime cost', () => {
  const C = 1e23;
  const o = computeOptimal(published, C, 6);
  const target = chinchillaLoss(published, o.N, o.D);
  let previousN = o.N;
  for (const dInf of [1e11, 1e12, 1e13]) {
    const x = { C, k: 6, D_inference: dInf, k_inference: 2 };
    const plan = overtrainedPlan(published, x);
    assert.ok(plan.N < previousN, `D_inference=${dInf}: N shrinks as inference grows`);
    assert.ok(plan.D > o.D);
    assert.ok(Math.abs(chinchillaLoss(published, plan.N, plan.D) - target) < 1e-9);
    assert.ok(plan.lifetime < plan.lifetimeAtOptimum);
    assert.ok(derived('lifetime_flops_saving').compute(published, x) > 0);
    assert.ok(derived('tokens_per_param_overtrained').compute(published, x) > D_over_N(o));
    previousN = plan.N;
  }
});

test('the inference-aware plan is the cheapest point on the iso-loss curve', () => {
  const x = { C: 1e23, k: 6, D_inference: 2e12, k_inference: 2 };
  const plan = overtrainedPlan(published, x);
  const target = derived('L_opt').compute(published, x);
  const cost = (N: number): number => {
    const gap = target - published.E - published.A * Math.pow(N, -published.alpha);
    const D = Math.pow(published.B / gap, 1 / published.beta);
    return gap > 0 ? 6 * N * D + 2 * N * x.D_inference : Infinity;
  };
  for (const f of [0.9, 0.99, 1.01, 1.1]) assert.ok(cost(plan.N * f) >= plan.lifetime * (1 - 1e-12), `factor ${f}`);
});

function D_over_N(o: { N: number; D: number }): number {
  return o.D / o.N;
}
