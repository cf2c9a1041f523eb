import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passAtK, passAtKCurve, passHatK, passHatKCurve } from '../../../src/core/tts/passAtK';
import { FastRandom } from '../../../src/core/tts/random';

/** C(n, k) exactly. */
function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** num/den as a double, correct to ~1e-30 absolute for ratios in [0, 1]. */
function ratio(num: bigint, den: bigint): number {
  const scale = 10n ** 30n;
  return Number((num * scale) / den) / 1e30;
}

test('pass@k equals the closed form 1 − C(n−c,k)/C(n,k) to 1e-12 on random data, n up to 3,000', () => {
  const r = new FastRandom(1);
  let worst = 0;
  const cases: [number, number][] = [];
  for (let t = 0; t < 300; t++) {
    const n = 1 + r.int(120);
    cases.push([n, r.int(n + 1)]);
  }
  cases.push([3000, 3], [3000, 1500], [2048, 2047], [1000, 0], [1000, 1000]);
  for (const [n, c] of cases) {
    const curve = passAtKCurve(n, c);
    const ks = n <= 120 ? Array.from({ length: n }, (_, i) => i + 1) : [1, 2, 10, 100, 999, n - 1, n];
    for (const k of ks) {
      const exact = 1 - ratio(binom(n - c, k), binom(n, k));
      worst = Math.max(worst, Math.abs(curve[k - 1] - exact), Math.abs(passAtK(n, c, k) - exact));
    }
  }
  assert.ok(worst < 1e-12, `worst error ${worst}`);
});

test('pass^k equals C(c,k)/C(n,k) to 1e-12', () => {
  const r = new FastRandom(2);
  let worst = 0;
  for (let t = 0; t < 300; t++) {
    const n = 1 + r.int(100);
    const c = r.int(n + 1);
    const curve = passHatKCurve(n, c);
    for (let k = 1; k <= n; k++) {
      const exact = ratio(binom(c, k), binom(n, k));
      worst = Math.max(worst, Math.abs(curve[k - 1] - exact), Math.abs(passHatK(n, c, k) - exact));
    }
  }
  assert.ok(worst < 1e-12, `worst error ${worst}`);
});

test('properties: bounded, pass@k nondecreasing and pass^k nonincreasing in k, both c/n at k = 1', () => {
  const r = new FastRandom(3);
  for (let t = 0; t < 500; t++) {
    const n = 1 + r.int(200);
    const c = r.int(n + 1);
    const up = passAtKCurve(n, c);
    const down = passHatKCurve(n, c);
    assert.ok(Math.abs(up[0] - c / n) < 1e-15 && Math.abs(down[0] - c / n) < 1e-15);
    for (let k = 0; k < n; k++) {
      assert.ok(up[k] >= 0 && up[k] <= 1 && down[k] >= 0 && down[k] <= 1);
      if (k) assert.ok(up[k] >= up[k - 1] - 1e-15 && down[k] <= down[k - 1] + 1e-15);
    }
    // Any correct sample is found once k exceeds the wrong ones; all k succeed only if c ≥ k.
    if (c > 0) assert.equal(up[n - c], 1);
    if (c < n) assert.equal(down[c], 0);
  }
});
