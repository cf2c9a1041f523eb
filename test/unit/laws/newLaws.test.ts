import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import { chinchillaLoss, computeOptimal } from '../../../src/core/laws/chinchilla';
import { farseer, farseerLoss } from '../../../src/core/laws/farseer';
import { gadreDownstream, gadreOvertraining, overtrainingLoss } from '../../../src/core/laws/gadre';
import { evaluateLaw } from '../../../src/core/laws/law';
import { equivalentParameters, parScale } from '../../../src/core/laws/parScale';
import { scaleRlSigmoid } from '../../../src/core/laws/scaleRl';
import { stepLawBatch, stepLawLr, stepLawOptimum, stepLawPublished } from '../../../src/core/laws/stepLaw';
import { cases, synthesize } from '../fit/synthetic';

const derived = (law: { derived: readonly { id: string; compute: (p: Record<string, number>, x: Record<string, number>) => number }[] }, id: string) =>
  law.derived.find((d) => d.id === id)!;
const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

/** A Farseer surface whose data exponent grows mildly with N: optimal D/N then grows with compute. */
const farseerExample = { a1: 0.02, b1: Math.log(0.3), alpha: 0.2, a2: 0.3, b2: Math.log(2000), beta: 0.2, a3: 0.3, b3: Math.log(1.8), gamma: -0.35 };

test('Farseer: the numeric compute optimum is the minimum of the surface on the iso-FLOP line', () => {
  const p = farseerExample;
  const C = 1e22;
  const nOpt = derived(farseer, 'N_opt').compute(p, { C, k: 6 });
  const dOpt = derived(farseer, 'D_opt').compute(p, { C, k: 6 });
  close(6 * nOpt * dOpt, C, 1e-9);
  let best = Infinity;
  for (let u = Math.log(1e7); u < Math.log(1e13); u += 1e-3) {
    const N = Math.exp(u);
    best = Math.min(best, farseerLoss(p, N, C / (6 * N)));
  }
  const lOpt = derived(farseer, 'L_opt').compute(p, { C, k: 6 });
  assert.ok(lOpt <= best + 1e-12 && lOpt > best - 1e-6, `${lOpt} vs grid ${best}`);
  const ratio = (c: number) => derived(farseer, 'tokens_per_param').compute(p, { C: c, k: 6 });
  assert.ok(ratio(1e24) > ratio(1e22) && ratio(1e22) > ratio(1e20), 'the optimal tokens per parameter grow with compute');
});

test('a surface that keeps falling along the iso-FLOP line has no compute optimum, rather than the edge of the search', () => {
  // This truth's data exponent grows without bound in N: extrapolated, ever larger models on ever fewer tokens look better.
  assert.ok(Number.isNaN(derived(farseer, 'N_opt').compute(cases.farseer.truth, { C: 1e22, k: 6 })));
});

test('Farseer without N-dependence in the data term is a floor-plus-power-law in D', () => {
  const p = { a1: 0, b1: Math.log(0.3), alpha: 0.2, a2: 0, b2: Math.log(400), beta: 0.2, a3: 0.1, b3: 0.5, gamma: -0.3 };
  const N = 3e9;
  const D = 2e11;
  close(farseerLoss(p, N, D), Math.exp(0.1 * (N / 1e9) ** -0.3 + 0.5) + 400 * D ** -0.3, 1e-12);
  close(evaluateLaw(farseer, { N, D }, p), farseerLoss(p, N, D), 1e-15);
});

test('Farseer\'s default starts find surfaces of other shapes: exponent falling with N, negative exponents, Chinchilla-like', () => {
  const variants = [
    { ...cases.farseer.truth, a1: -0.1, b1: -0.9, a2: -0.5, b2: 7 },
    { ...cases.farseer.truth, a1: -0.1, alpha: -0.3, b1: -1.0, a2: -0.5, beta: -0.3, b2: 6.5 },
    farseerExample,
  ];
  for (const truth of variants) {
    const data = synthesize(farseer, { ...cases.farseer, truth, noise: 0 }, 7);
    const r = fitLaw(farseer, data, { resamples: 0 });
    assert.ok(r.ok && r.objective < 1e-20, `objective ${r.ok && r.objective}`);
    if (!r.ok) continue;
    for (const [name, v] of Object.entries(truth)) assert.ok(Math.abs(r.params[name] - v) < 1e-6 * Math.max(1, Math.abs(v)), `${name}: ${r.params[name]} vs ${v}`);
  }
});

test('over-training law: Chinchilla with equal exponents, rewritten in C and M, is the same surface', () => {
  const ch = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.34 };
  const eta = 0.17;
  const g = { E: 1.69, a: ch.A * 6 ** eta, b: ch.B * 6 ** eta, eta };
  for (const [N, D] of [
    [1e8, 2e9],
    [7e9, 1e12],
  ]) {
    close(overtrainingLoss(g, 6 * N * D, D / N), chinchillaLoss(ch, N, D), 1e-12);
  }
  // M* is Chinchilla's optimal D/N.
  const o = computeOptimal(ch, 1e23, 6);
  close(derived(gadreOvertraining, 'M_opt').compute(g, {}), o.D / o.N, 1e-9);
  const penalty = derived(gadreOvertraining, 'overtraining_penalty');
  assert.ok(penalty.compute(g, { C: 1e23, M: 200 }) > 0 && Math.abs(penalty.compute(g, { C: 1e23, M: o.D / o.N })) < 1e-12);
  const cFor = derived(gadreOvertraining, 'C_for_target').compute(g, { target: 2.2, M: 40 });
  close(overtrainingLoss(g, cFor, 40), 2.2, 1e-12);
});

test('downstream error: the loss for a target error inverts the error at a loss', () => {
  const p = cases['gadre-downstream'].truth;
  const L = derived(gadreDownstream, 'L_for_target_error').compute(p, { target_error: 0.5 });
  close(derived(gadreDownstream, 'Err_at_loss').compute(p, { loss: L }), 0.5, 1e-12);
  assert.ok(Number.isNaN(derived(gadreDownstream, 'L_for_target_error').compute(p, { target_error: 0.9 })), 'above ε it cannot be reached');
});

test('ParScale: P streams act as N·(1 + k·ln P) parameters, and P for a target inverts the law', () => {
  const p = cases.parscale.truth;
  const N = 1.6e9;
  close(evaluateLaw(parScale, { N, P: 8 }, p), evaluateLaw(parScale, { N: equivalentParameters(N, 8, p.k), P: 1 }, p), 1e-12);
  close(derived(parScale, 'N_equivalent').compute(p, { N, P: 4 }), N * (1 + p.k * Math.log(4)), 1e-15);
  const target = evaluateLaw(parScale, { N, P: 5 }, p);
  close(derived(parScale, 'P_for_target').compute(p, { N, target }), 5, 1e-9);
  assert.equal(derived(parScale, 'P_for_target').compute(p, { N, target: 10 }), 1);
});

test('ScaleRL: half the gain at C_mid, the asymptote at infinite compute, and compute for a fraction inverts the curve', () => {
  const p = cases['scalerl-sigmoid'].truth;
  close(evaluateLaw(scaleRlSigmoid, { C: p.C_mid }, p), p.R0 + 0.5 * (p.A - p.R0), 1e-12);
  close(evaluateLaw(scaleRlSigmoid, { C: 1e30 }, p), p.A, 1e-9);
  assert.equal(derived(scaleRlSigmoid, 'asymptote').compute(p, {}), p.A);
  const c90 = derived(scaleRlSigmoid, 'C_for_fraction').compute(p, { fraction: 0.9 });
  close(evaluateLaw(scaleRlSigmoid, { C: c90 }, p), p.R0 + 0.9 * (p.A - p.R0), 1e-12);
  const cTarget = derived(scaleRlSigmoid, 'C_for_target').compute(p, { target: 0.4 });
  close(derived(scaleRlSigmoid, 'R_at').compute(p, { at_C: cTarget }), 0.4, 1e-12);
  assert.ok(Number.isNaN(derived(scaleRlSigmoid, 'C_for_target').compute(p, { target: 0.7 })), 'beyond the asymptote');
});

test('Step Law: the published coefficients give the published formulas', () => {
  const N = 1e9;
  const D = 1e11;
  const o = stepLawOptimum(N, D);
  close(o.lr, 1.79 * N ** -0.713 * D ** 0.307, 1e-15);
  close(o.batch, 0.58 * D ** 0.571, 1e-15);
  close(derived(stepLawLr, 'lr_opt').compute(stepLawPublished.lr, { N, D }), o.lr, 1e-15);
  close(derived(stepLawBatch, 'batch_opt').compute(stepLawPublished.batch, { D }), o.batch, 1e-15);
  assert.deepEqual(stepLawLr.published!.params, stepLawPublished.lr);
});

test('Step Law refits from a sweep, with or without the published exponents held', () => {
  const truth = { c: 3.1, alpha: -0.65, beta: 0.28 };
  const data = synthesize(stepLawLr, { ...cases['step-law-lr'], truth, noise: 0.03 }, 4);
  const free = fitLaw(stepLawLr, data, { resamples: 200 });
  assert.equal(free.ok, true);
  if (free.ok) for (const name of ['c', 'alpha', 'beta']) assert.ok(free.ci[name][0] <= truth[name as 'c'] && truth[name as 'c'] <= free.ci[name][1], name);
  const fixed = fitLaw(stepLawBatch, synthesize(stepLawBatch, cases['step-law-batch'], 5), { fixed: { gamma: stepLawPublished.batch.gamma }, resamples: 0 });
  assert.equal(fixed.ok, true);
  if (fixed.ok) assert.ok(Math.abs(fixed.params.d / 0.58 - 1) < 0.05, `d = ${fixed.params.d}`);
});
