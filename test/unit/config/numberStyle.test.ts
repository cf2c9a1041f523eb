import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { formatLike, roundCount } from '../../../src/core/config/numberStyle';

const float = { integer: false };
const int = { integer: true };

test('exponent form keeps mantissa decimals, exponent case, sign and padding', () => {
  assert.equal(formatLike('3.0e-4', 9.34e-4, float), '9.3e-4');
  assert.equal(formatLike('3e-4', 9.34e-4, float), '9.3e-4');
  assert.equal(formatLike('3e-4', 2e-4, float), '2e-4');
  assert.equal(formatLike('3.0e-4', 2e-4, float), '2.0e-4');
  assert.equal(formatLike('3.0E-04', 2e-4, float), '2.0E-04');
  assert.equal(formatLike('4.0e+14', 3e14, float), '3.0e+14');
  assert.equal(formatLike('1.e-5', 2.5e-5, float), '2.5e-5');
  // Counts written as exponents stay exact.
  assert.equal(formatLike('1e5', 103000, int), '1.03e5');
  assert.equal(formatLike('1.0e5', 200000, int), '2.0e5');
});

test('fixed-point, plain and separated integers, quoted numbers', () => {
  assert.equal(formatLike('0.0003', 9.34e-4, float), '0.00093');
  assert.equal(formatLike('0.1', 0.25, float), '0.25');
  assert.equal(formatLike('12000', 13600, int), '13600');
  assert.equal(formatLike('12000', 13600.4, int), '13600');
  assert.equal(formatLike('12_000', 13600, int), '13_600');
  assert.equal(formatLike('1_000', 999, int), '999');
  assert.equal(formatLike('"3e-4"', 9.34e-4, float), '"9.3e-4"');
  assert.equal(formatLike("'12000'", 13600, int), "'13600'");
});

test('with no style to follow, floats are written so PyYAML (YAML 1.1) also reads a float', () => {
  for (const v of [9.34e-4, 2e-4, 3e14]) {
    const text = formatLike('', v, float);
    assert.match(text, /^\d\.\d+e[+-]\d+$/, text);
    assert.equal(parseYaml(`x: ${text}`).x, Number(text));
  }
  assert.equal(formatLike('', 13600, int), '13600');
  assert.equal(formatLike('~', 0.25, float), '0.25');
});

test('counts round to three significant digits and never below one', () => {
  assert.equal(roundCount(12345), 12300);
  assert.equal(roundCount(999.6), 1000);
  assert.equal(roundCount(7), 7);
  assert.equal(roundCount(0.2), 1);
  assert.equal(roundCount(NaN), 1);
});
