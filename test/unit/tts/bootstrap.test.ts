import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantileSorted } from '../../../src/core/fit/quantile';
import { bootstrapCurves, bootstrapMean } from '../../../src/core/tts/bootstrap';
import { buildCurves, curvesFromMatrix } from '../../../src/core/tts/curves';
import { passAtKCurve } from '../../../src/core/tts/passAtK';
import { FastRandom } from '../../../src/core/tts/random';

/** The textbook bootstrap: copy the resampled problems' curves and average them. */
function naive(matrix: Float64Array, P: number, K: number, B: number, seed: number, level: number) {
  const r = new FastRandom(seed);
  const draws = new Float64Array(B * K);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < P; j++) {
      const i = r.int(P);
      for (let k = 0; k < K; k++) draws[b * K + k] += matrix[i * K + k];
    }
    for (let k = 0; k < K; k++) draws[b * K + k] /= P;
  }
  const lo = new Float64Array(K);
  const hi = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const col = Float64Array.from({ length: B }, (_, b) => draws[b * K + k]).sort();
    lo[k] = quantileSorted(col, (1 - level) / 2);
    hi[k] = quantileSorted(col, 1 - (1 - level) / 2);
  }
  return { lo, hi };
}

test('shared rows and constant tails give exactly the textbook bootstrap (same draws)', () => {
  const P = 300;
  const K = 20;
  const r = new FastRandom(5);
  const n = Int32Array.from({ length: P }, () => 20 + r.int(5));
  const c = Int32Array.from(n, (ni) => r.int(ni + 1));
  const matrix = new Float64Array(P * K);
  for (let i = 0; i < P; i++) matrix.set(passAtKCurve(n[i], c[i], K), i * K);
  const curves = buildCurves(P, K, (i) => `${n[i]},${c[i]}`, (i, out) => passAtKCurve(n[i], c[i], K, out));
  assert.ok(curves.distinct < P);
  assert.ok(curves.active.some((a) => a < K));
  const [band] = bootstrapCurves([curves], { resamples: 200, seed: 9, level: 0.9 });
  const ref = naive(matrix, P, K, 200, 9, 0.9);
  for (let k = 0; k < K; k++) {
    assert.ok(Math.abs(band.lo[k] - ref.lo[k]) < 1e-12 && Math.abs(band.hi[k] - ref.hi[k]) < 1e-12);
    assert.ok(band.lo[k] <= band.value[k] + 1e-12 && band.value[k] <= band.hi[k] + 1e-12);
  }
  // Deduplicating by value instead of by key changes nothing either.
  const [again] = bootstrapCurves([curvesFromMatrix(K, matrix)], { resamples: 200, seed: 9, level: 0.9 });
  assert.deepEqual(Array.from(again.lo), Array.from(band.lo));
});

test('seeded: the same seed gives the same intervals, another seed different ones; sets are paired', () => {
  const P = 100;
  const values = Float64Array.from({ length: P }, (_, i) => (i % 7) / 7);
  const a = curvesFromMatrix(1, values);
  const b = curvesFromMatrix(1, Float64Array.from(values, (v) => 2 * v));
  const [x1, y1] = bootstrapCurves([a, b], { resamples: 300, seed: 1 });
  const [x2] = bootstrapCurves([a], { resamples: 300, seed: 1 });
  const [x3] = bootstrapCurves([a], { resamples: 300, seed: 2 });
  assert.deepEqual(x1, x2);
  assert.notDeepEqual(Array.from(x1.lo), Array.from(x3.lo));
  // Paired: the doubled curve's interval is exactly twice the first's.
  assert.ok(Math.abs(y1.lo[0] - 2 * x1.lo[0]) < 1e-12 && Math.abs(y1.hi[0] - 2 * x1.hi[0]) < 1e-12);
  const m = bootstrapMean(values, { resamples: 300, seed: 1 });
  assert.ok(Math.abs(m.lo - x1.lo[0]) < 1e-12 && Math.abs(m.hi - x1.hi[0]) < 1e-12);
});
