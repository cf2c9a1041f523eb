import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choleskySolve, symmetricEigen } from '../../../src/core/fit/linalg';
import { createRandom } from '../../../src/core/fit/random';

function randomSpd(n: number, seed: number): Float64Array {
  const r = createRandom(seed);
  const m = Float64Array.from({ length: n * n }, () => r.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += m[k * n + i] * m[k * n + j];
  for (let i = 0; i < n; i++) a[i * n + i] += 0.1;
  return a;
}

test('Cholesky solves symmetric positive definite systems', () => {
  const n = 6;
  const a = randomSpd(n, 1);
  const x = Float64Array.from({ length: n }, (_, i) => i - 2.5);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += a[i * n + j] * x[j];
  assert.equal(choleskySolve(Float64Array.from(a), b, n), true);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(b[i] - x[i]) < 1e-9);
});

test('Cholesky refuses indefinite matrices', () => {
  assert.equal(choleskySolve(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2), false);
});

test('the eigen-decomposition reconstructs the matrix with orthonormal vectors, values ascending', () => {
  const n = 5;
  const a = randomSpd(n, 2);
  const { values, vectors } = symmetricEigen(a, n);
  for (let k = 1; k < n; k++) assert.ok(values[k] >= values[k - 1]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let rec = 0;
      let dot = 0;
      for (let k = 0; k < n; k++) {
        rec += vectors[i * n + k] * values[k] * vectors[j * n + k];
        dot += vectors[k * n + i] * vectors[k * n + j];
      }
      assert.ok(Math.abs(rec - a[i * n + j]) < 1e-10);
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12);
    }
  }
});

test('a singular matrix has a zero eigenvalue along its null direction', () => {
  const { values, vectors } = symmetricEigen([1, 1, 1, 1], 2);
  assert.ok(Math.abs(values[0]) < 1e-15 && Math.abs(values[1] - 2) < 1e-15);
  assert.ok(Math.abs(Math.abs(vectors[0]) - Math.SQRT1_2) < 1e-12 && Math.abs(vectors[0] + vectors[2]) < 1e-12);
});
