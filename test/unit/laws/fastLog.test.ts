import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom } from '../../../src/core/fit/random';
import { logInto, wordsOf } from '../../../src/core/laws/fastLog';

const ulp = (x: number): number => Math.max(Math.abs(x) * 2 ** -52, Number.MIN_VALUE);

function worstUlp(values: number[]): { worst: number; at: number } {
  const x = Float64Array.from(values);
  const out = new Float64Array(x.length);
  logInto(x, wordsOf(x), out, x.length);
  let worst = 0;
  let at = NaN;
  x.forEach((v, i) => {
    const exact = Math.log(v);
    // Relative where |log x| ≥ 1; absolute (in ulps of 1) below, where x is near 1 and any log
    // built on log(1 + r) has the rounding of 1 + r: what a residual log L̂ − log L needs.
    const e = Math.abs(out[i] - exact) / ulp(Math.max(Math.abs(exact), 1));
    if (e > worst) {
      worst = e;
      at = v;
    }
  });
  return { worst, at };
}

test('logInto is within 2 units in the last place of Math.log across the normal range (of 1 where |log x| < 1)', () => {
  const random = createRandom(12);
  const values: number[] = [];
  for (let i = 0; i < 200_000; i++) values.push(Math.exp(-700 + 1400 * random.next()));
  for (let i = 0; i < 50_000; i++) values.push(0.5 + 9.5 * random.next()); // where fitted losses live
  const { worst, at } = worstUlp(values);
  assert.ok(worst <= 2, `worst error ${worst} ulp at ${at}`);
});

test('logInto at powers of two, cell edges, 1 and the ends of the normal range', () => {
  const values = [1, 2, 0.5, Math.E, 2 ** -1022, Number.MAX_VALUE, 1 + 2 ** -52, 1 - 2 ** -53];
  for (let j = 0; j <= 128; j++) values.push(1 + j / 128, 1 + j / 128 - 2 ** -52);
  const { worst, at } = worstUlp(values);
  assert.ok(worst <= 2, `worst error ${worst} ulp at ${at}`);
  const one = Float64Array.of(1);
  const out = new Float64Array(1);
  logInto(one, wordsOf(one), out, 1);
  assert.ok(Math.abs(out[0]) < 1e-17, `log 1 = ${out[0]}`);
});

test('logInto reads a subarray through its own offset', () => {
  const backing = Float64Array.from([3, 5, 7, 11]);
  const x = backing.subarray(1, 3);
  const out = new Float64Array(2);
  logInto(x, wordsOf(x), out, 2);
  assert.ok(Math.abs(out[0] - Math.log(5)) <= 2 * ulp(Math.log(5)));
  assert.ok(Math.abs(out[1] - Math.log(7)) <= 2 * ulp(Math.log(7)));
});
