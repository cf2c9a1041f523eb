import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom } from '../../../src/core/fit/random';
import { expInRange, fastExp } from '../../../src/core/laws/fastExp';

const ulp = (x: number): number => Math.max(Math.abs(x) * 2 ** -52, Number.MIN_VALUE);

test('fastExp is within 2 units in the last place of Math.exp over its whole fast range', () => {
  const random = createRandom(11);
  let worst = 0;
  for (let i = 0; i < 200_000; i++) {
    const x = -700 + 1400 * random.next();
    const exact = Math.exp(x);
    worst = Math.max(worst, Math.abs(fastExp(x) - exact) / ulp(exact));
  }
  assert.ok(worst <= 2, `worst error ${worst} ulp`);
});

test('fastExp is exact where it matters most: 0, and near the rounding boundaries of its table', () => {
  assert.equal(fastExp(0), 1);
  for (let k = -200; k <= 200; k++) {
    const x = (k + 0.5) * (Math.LN2 / 64);
    assert.ok(Math.abs(fastExp(x) - Math.exp(x)) <= 2 * ulp(Math.exp(x)), `x = ${x}`);
  }
});

test('fastExp defers to Math.exp outside its range and for special values', () => {
  for (const x of [NaN, Infinity, -Infinity, 709.7, 710, -745, -800, 700, -700]) {
    assert.ok(Object.is(fastExp(x), Math.exp(x)), `x = ${x}`);
  }
});

test('expInRange is fastExp inside the range it is given', () => {
  const random = createRandom(13);
  for (let i = 0; i < 10_000; i++) {
    const x = -699.9 + 1399.8 * random.next();
    assert.ok(Object.is(expInRange(x), fastExp(x)), `x = ${x}`);
  }
});
