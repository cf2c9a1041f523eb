import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import { fixParameters } from '../../../src/core/fit/fixed';
import { coordinates, genericModel } from '../../../src/core/fit/model';
import type { FitResult, FitSuccess } from '../../../src/core/fit/types';
import { chinchilla } from '../../../src/core/laws/chinchilla';
import { stepLawLr } from '../../../src/core/laws/stepLaw';
import { cases, synthesize } from './synthetic';

function ok(r: FitResult): FitSuccess {
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  return r as FitSuccess;
}

test('holding exponents at given values fits the rest, and reports the held ones with point intervals', () => {
  const truth = { c: 2.5, alpha: -0.713, beta: 0.307 };
  const data = synthesize(stepLawLr, { ...cases['step-law-lr'], truth, noise: 0.02 }, 3);
  const r = ok(fitLaw(stepLawLr, data, { fixed: { alpha: -0.713, beta: 0.307 }, resamples: 200, keepSamples: true }));
  assert.deepEqual(Object.keys(r.params), ['c', 'alpha', 'beta']);
  assert.equal(r.params.alpha, -0.713);
  assert.equal(r.params.beta, 0.307);
  assert.deepEqual(r.ci.alpha, [-0.713, -0.713]);
  assert.deepEqual(r.fixed, { alpha: -0.713, beta: 0.307 });
  assert.ok(r.ci.c[0] <= 2.5 && 2.5 <= r.ci.c[1], `c interval ${r.ci.c}`);
  assert.ok(Math.abs(r.params.c / 2.5 - 1) < 0.02);
  for (const s of r.bootstrap!.samples!) {
    assert.equal(s.length, 3);
    assert.equal(s[1], -0.713);
  }
  // One free parameter: the warnings count points per free parameter.
  assert.ok(!r.warnings.some((w) => w.code === 'fit/few-points-per-parameter'));
});

test('a fixed fit at the true values recovers the free parameters exactly, through the law\'s own kernel', () => {
  const c = { ...cases.chinchilla, noise: 0 };
  const data = synthesize(chinchilla, c, 5);
  const starts = [
    [2, Math.exp(6), Math.exp(7), 0.3, 0.3],
    [1, Math.exp(10), Math.exp(10), 0.5, 0.5],
  ];
  const r = ok(fitLaw(chinchilla, data, { fixed: { E: c.truth.E, beta: c.truth.beta }, resamples: 0, starts }));
  for (const name of ['A', 'B', 'alpha']) assert.ok(Math.abs(r.params[name] / c.truth[name] - 1) < 1e-6, `${name}: ${r.params[name]}`);
  assert.ok(r.objective < 1e-20);
  // Derived quantities see the held values.
  const free = ok(fitLaw(chinchilla, data, { resamples: 0, starts }));
  const nOpt = (f: FitSuccess) => f.derived.find((d) => d.id === 'N_opt')!.value!;
  assert.ok(Math.abs(nOpt(r) / nOpt(free) - 1) < 1e-5);
});

test('starts and bounds keep the full law\'s order and names', () => {
  const data = synthesize(chinchilla, cases.chinchilla, 6);
  const starts = [[1.8, Math.exp(6), Math.exp(7), 0.3, 0.3]];
  const r = ok(fitLaw(chinchilla, data, { fixed: { E: 1.8172 }, starts, bounds: { E: [1, 2], alpha: [0.1, 0.9] }, resamples: 0 }));
  assert.equal(r.starts, 1);
  assert.ok(r.params.alpha >= 0.1 && r.params.alpha <= 0.9);
  assert.equal(r.params.E, 1.8172);
});

test('the reduced kernel agrees with the generic one over the free parameters', () => {
  const data = synthesize(chinchilla, cases.chinchilla, 7);
  const x = chinchilla.variables.map((v) => Float64Array.from(data[v.name]));
  const reduced = fixParameters(chinchilla, { E: 1.7, beta: 0.35 }).law;
  const fast = reduced.compile!(x, 'log')!;
  const slow = genericModel(reduced, x, 'log');
  const c = coordinates(reduced);
  const theta = Float64Array.from([Math.log(500), Math.log(2000), 0.33]);
  assert.deepEqual(Array.from(c.isLog), [1, 1, 0]);
  const n = x[0].length;
  const [o1, o2, j1, j2] = [new Float64Array(n), new Float64Array(n), new Float64Array(3 * n), new Float64Array(3 * n)];
  assert.ok(fast.evaluate(theta, o1, j1) && slow.evaluate(theta, o2, j2));
  for (let i = 0; i < n; i++) assert.ok(Math.abs(o1[i] - o2[i]) < 1e-12);
  for (let i = 0; i < 3 * n; i++) assert.ok(Math.abs(j1[i] - j2[i]) < 1e-9 * Math.max(1e-3, Math.abs(j2[i])));
});

test('bad fixed values are errors that name the parameter', () => {
  const data = synthesize(stepLawLr, cases['step-law-lr'], 8);
  const codes = (r: FitResult) => r.problems.map((p) => p.code);
  assert.deepEqual(codes(fitLaw(stepLawLr, data, { fixed: { gamma: 1 } })), ['options/invalid-fixed']);
  assert.deepEqual(codes(fitLaw(stepLawLr, data, { fixed: { alpha: NaN } })), ['options/invalid-fixed']);
  assert.deepEqual(codes(fitLaw(stepLawLr, data, { fixed: { c: -1 } })), ['options/invalid-fixed']);
  const all = fitLaw(stepLawLr, data, { fixed: { c: 1.79, alpha: -0.713, beta: 0.307 } });
  assert.equal(all.ok, false);
  assert.match(all.problems[0].message, /nothing to fit/);
  // An empty `fixed` is no constraint at all.
  const plain = ok(fitLaw(stepLawLr, data, { resamples: 0 }));
  const empty = ok(fitLaw(stepLawLr, data, { resamples: 0, fixed: {} }));
  assert.deepEqual(empty.params, plain.params);
  assert.equal(empty.fixed, undefined);
});
