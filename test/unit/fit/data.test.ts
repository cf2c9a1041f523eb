import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import type { FitIssue, FitResult } from '../../../src/core/fit/types';
import { chinchilla } from '../../../src/core/laws/chinchilla';
import { kaplanN } from '../../../src/core/laws/kaplan';
import { powerLawN } from '../../../src/core/laws/powerLaw';
import { cases, synthesize } from './synthetic';

const quick = { resamples: 0 };
const codes = (r: FitResult) => r.problems.map((p) => p.code);
const problem = (r: FitResult, code: string): FitIssue => {
  const p = r.problems.find((q) => q.code === code);
  assert.ok(p, `expected ${code}, got ${JSON.stringify(r.problems)}`);
  return p!;
};
const sweep = () => synthesize(powerLawN, cases['power-law-N'], 1);

test('non-positive sizes are reported with their rows and left out of the fit', () => {
  const data = sweep();
  data.N[3] = 0;
  data.N[7] = -5;
  const r = fitLaw(powerLawN, data, quick);
  const p = problem(r, 'data/non-positive');
  assert.equal(p.column, 'N');
  assert.deepEqual(p.rows, [3, 7]);
  assert.equal(p.severity, 'warning');
  assert.equal(r.ok, true);
  assert.equal(r.n_points, data.N.length - 2);
  if (r.ok) assert.ok(!r.rows.includes(3) && !r.rows.includes(7));
});

test('with invalidRows: fail, a bad row stops the fit with an error', () => {
  const data = sweep();
  data.L[2] = NaN;
  const r = fitLaw(powerLawN, data, { ...quick, invalidRows: 'fail' });
  assert.equal(r.ok, false);
  const p = problem(r, 'data/not-a-number');
  assert.equal(p.severity, 'error');
  assert.deepEqual(p.rows, [2]);
});

test('NaN and non-positive losses are both caught, per column', () => {
  const data = sweep();
  data.L[0] = NaN;
  data.L[1] = 0;
  const r = fitLaw(powerLawN, data, quick);
  assert.deepEqual(problem(r, 'data/not-a-number').rows, [0]);
  const p = problem(r, 'data/non-positive');
  assert.deepEqual(p.rows, [1]);
  assert.match(p.message, /log-space/);
});

test('a missing column names the columns that are there', () => {
  const r = fitLaw(chinchilla, { N: [1, 2, 3], loss: [3, 2, 1] }, quick);
  assert.equal(r.ok, false);
  const p = problem(r, 'data/missing-column');
  assert.match(p.message, /Columns present: N, loss/);
});

test('columns of different lengths are an error', () => {
  const r = fitLaw(powerLawN, { N: [1e6, 1e7, 1e8, 1e9], L: [3, 2.5, 2.2] }, quick);
  assert.deepEqual(codes(r), ['data/length-mismatch']);
});

test('one model size for every run (one point per scale) cannot fit a law in N', () => {
  const data = sweep();
  data.N = data.N.map(() => 1e8);
  const r = fitLaw(powerLawN, data, quick);
  assert.equal(r.ok, false);
  assert.equal(problem(r, 'data/single-scale').column, 'N');
});

test('D a fixed multiple of N in every run leaves the Chinchilla terms confounded', () => {
  const N = [1e7, 3e7, 1e8, 3e8, 1e9, 3e9, 1e10];
  const D = N.map((n) => 20 * n);
  const L = N.map((n, i) => 1.8 + 480 / n ** 0.35 + 2000 / D[i] ** 0.37);
  const r = fitLaw(chinchilla, { N, D, L }, quick);
  assert.equal(r.ok, false);
  assert.match(problem(r, 'data/confounded-variables').message, /N and D/);
});

test('all-equal losses are an error, not a flat fit', () => {
  const data = sweep();
  data.L = data.L.map(() => 2.5);
  const r = fitLaw(powerLawN, data, quick);
  assert.equal(r.ok, false);
  problem(r, 'data/constant-response');
});

test('fewer distinct points than parameters is an error', () => {
  const r = fitLaw(chinchilla, { N: [1e8, 1e9, 1e8, 1e9], D: [1e10, 1e10, 1e11, 1e11], L: [3, 2.8, 2.7, 2.5] }, quick);
  assert.equal(r.ok, false);
  assert.match(problem(r, 'data/too-few-points').message, /4 distinct \(N, D\) points for 5 parameters/);
});

test('a law with two parameters fits from two scales, and says the fit is fragile', () => {
  const r = fitLaw(kaplanN, { N: [1e8, 1e9, 1e8, 1e9], L: [3.1, 2.6, 3.0, 2.7] }, { resamples: 50 });
  assert.equal(r.ok, true);
  assert.ok(r.warnings.some((w) => w.code === 'fit/few-points-per-parameter'));
});

test('invalid options are reported, not thrown', () => {
  const r = fitLaw(powerLawN, sweep(), { delta: -1, resamples: 2.5, ciLevel: 2 });
  assert.equal(r.ok, false);
  assert.equal(r.problems.filter((p) => p.code === 'options/invalid').length, 3);
});

test('bounds that name no parameter, are empty, or leave a scale non-positive are refused', () => {
  const r = fitLaw(powerLawN, sweep(), { ...quick, bounds: { X: [0, 1], alpha: [2, 1], E: [0, 5] } });
  assert.equal(r.ok, false);
  assert.deepEqual(
    r.problems.map((p) => p.params),
    [['X'], ['alpha'], ['E']],
  );
});

test('tighter bounds hold the fit inside them', () => {
  const r = fitLaw(powerLawN, sweep(), { ...quick, bounds: { alpha: [0.1, 0.2] } });
  assert.equal(r.ok, true);
  if (r.ok) {
    assert.equal(r.params.alpha, 0.2);
    assert.ok(r.warnings.some((w) => w.code === 'fit/param-at-bound' && w.params?.[0] === 'alpha'));
  }
});

test('as many points as parameters is refused: an exact interpolation says nothing about the law', () => {
  const r = fitLaw(powerLawN, { N: [1e8, 1e9, 1e10], L: [3.0, 2.6, 2.4] }, { resamples: 0 });
  assert.equal(r.ok, false);
  assert.ok(r.problems.some((p) => p.code === 'data/too-few-points'));
});
