import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom } from '../../../src/core/fit/random';

test('the same seed gives the same stream; nearby seeds give different ones', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const c = createRandom(43);
  const sa = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(sa, Array.from({ length: 100 }, () => b.next()));
  const sc = Array.from({ length: 100 }, () => c.next());
  assert.ok(sa.filter((v, i) => v === sc[i]).length === 0);
});

test('uniforms lie in [0, 1) with the right mean and variance', () => {
  const r = createRandom(7);
  const n = 200_000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
  }
  const mean = s / n;
  assert.ok(Math.abs(mean - 0.5) < 0.005);
  assert.ok(Math.abs(s2 / n - mean * mean - 1 / 12) < 0.002);
});

test('integers cover [0, n) evenly', () => {
  const r = createRandom(3);
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `${counts}`);
});

test('normals have mean 0 and variance 1', () => {
  const r = createRandom(5);
  const n = 200_000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.01);
  assert.ok(Math.abs(s2 / n - 1) < 0.02);
});
