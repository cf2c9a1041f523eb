import { test } from 'node:test';
import assert from 'node:assert/strict';
import { genericModel } from '../../../src/core/fit/model';
import { huber, huberObjective, leastSquaresResiduals } from '../../../src/core/fit/objective';
import { createRandom } from '../../../src/core/fit/random';
import { kaplanND } from '../../../src/core/laws/kaplan';
import { cases, synthesize } from './synthetic';

test('Huber is quadratic inside δ, linear outside, and continuous at δ', () => {
  assert.equal(huber(1, 0.5), 0.125);
  assert.equal(huber(1, -3), 2.5);
  assert.ok(Math.abs(huber(1e-3, 1e-3 + 1e-15) - huber(1e-3, 1e-3)) < 1e-17);
});

test('the Huber objective\'s gradient matches central differences', () => {
  const data = synthesize(kaplanND, cases['kaplan-ND'], 1);
  const x = [Float64Array.from(data.N), Float64Array.from(data.D)];
  const y = Float64Array.from(data.L, Math.log);
  const model = genericModel(kaplanND, x, 'log');
  const objective = huberObjective(model, 4, y, null, 0.02);
  const theta = Float64Array.from([Math.log(6e13), Math.log(2e13), 0.08, 0.1]);
  const g = new Float64Array(4);
  objective.evaluate(theta, g);
  const scratch = new Float64Array(4);
  for (let j = 0; j < 4; j++) {
    const h = 1e-6;
    const up = Float64Array.from(theta);
    const down = Float64Array.from(theta);
    up[j] += h;
    down[j] -= h;
    const numeric = (objective.evaluate(up, scratch) - objective.evaluate(down, scratch)) / (2 * h);
    assert.ok(Math.abs(g[j] - numeric) < 1e-6 * (Math.abs(numeric) + 1e-6), `${j}: ${g[j]} vs ${numeric}`);
  }
});

test('a weight of k counts a point k times', () => {
  const data = synthesize(kaplanND, cases['kaplan-ND'], 2, 10);
  const weights = Float64Array.from([0, 1, 2, 3, 0, 1, 2, 3, 1, 1]);
  const repeated = { N: [] as number[], D: [] as number[], L: [] as number[] };
  weights.forEach((w, i) => {
    for (let k = 0; k < w; k++) {
      repeated.N.push(data.N[i]);
      repeated.D.push(data.D[i]);
      repeated.L.push(data.L[i]);
    }
  });
  const theta = Float64Array.from([Math.log(6e13), Math.log(2e13), 0.08, 0.1]);
  const build = (d: Record<string, number[]>, w: Float64Array | null) =>
    huberObjective(genericModel(kaplanND, [Float64Array.from(d.N), Float64Array.from(d.D)], 'log'), 4, Float64Array.from(d.L, Math.log), w, 1e-3);
  const [g1, g2] = [new Float64Array(4), new Float64Array(4)];
  const a = build(data, weights).evaluate(theta, g1);
  const b = build(repeated, null).evaluate(theta, g2);
  assert.ok(Math.abs(a - b) < 1e-14 * b);
  for (let j = 0; j < 4; j++) assert.ok(Math.abs(g1[j] - g2[j]) < 1e-12 * (Math.abs(g2[j]) + 1e-12));
});

test('least-squares residuals carry the square root of the weights', () => {
  const random = createRandom(3);
  const data = synthesize(kaplanND, cases['kaplan-ND'], 3, 6);
  const model = genericModel(kaplanND, [Float64Array.from(data.N), Float64Array.from(data.D)], 'log');
  const y = Float64Array.from(data.L, Math.log);
  const w = Float64Array.from({ length: 6 }, () => 1 + random.int(4));
  const theta = Float64Array.from([Math.log(6e13), Math.log(2e13), 0.08, 0.1]);
  const [r1, r2] = [new Float64Array(6), new Float64Array(6)];
  leastSquaresResiduals(model, 4, y, w).evaluate(theta, r1, null);
  leastSquaresResiduals(model, 4, y, null).evaluate(theta, r2, null);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(r1[i] * r1[i] - w[i] * r2[i] * r2[i]) < 1e-15);
});
