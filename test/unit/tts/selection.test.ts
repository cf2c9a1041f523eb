import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FastRandom } from '../../../src/core/tts/random';
import { expectedAtBest, selectionEstimate } from '../../../src/core/tts/selection';
import { tableFromArrays } from '../../../src/core/tts/table';

/** Best-keyed sample of every k-subset, ties shared: the definition. */
function enumerate(keys: number[], values: number[], k: number): number {
  const n = keys.length;
  let total = 0;
  let count = 0;
  const chosen: number[] = [];
  const walk = (start: number) => {
    if (chosen.length === k) {
      const key = (i: number) => (Number.isNaN(keys[i]) ? -Infinity : keys[i]);
      const best = Math.max(...chosen.map(key));
      const tied = chosen.filter((i) => key(i) === best);
      total += tied.reduce((s, i) => s + values[i], 0) / tied.length;
      count++;
      return;
    }
    for (let i = start; i <= n - (k - chosen.length); i++) {
      chosen.push(i);
      walk(i + 1);
      chosen.pop();
    }
  };
  walk(0);
  return total / count;
}

test('best-of-k by rank equals enumeration, with ties and unscored samples', () => {
  const r = new FastRandom(21);
  for (let t = 0; t < 150; t++) {
    const n = 1 + r.int(11);
    const keys = Array.from({ length: n }, () => (r.next() < 0.15 ? NaN : r.int(5)));
    const values = Array.from({ length: n }, () => r.int(2));
    const curve = expectedAtBest(keys, values, n);
    for (let k = 1; k <= n; k++) assert.ok(Math.abs(curve[k - 1] - enumerate(keys, values, k)) < 1e-12);
  }
});

test('best-of-N, shortest-of-k and first-finish through a table: bounded, order-invariant, k = 1 is the mean', () => {
  const r = new FastRandom(22);
  const n = 12;
  const answers = [Array.from({ length: n }, () => r.int(3))];
  const correct = [answers[0].map((a) => (a === 0 ? 1 : 0))];
  const verifier = Float64Array.from({ length: n }, (_, j) => (correct[0][j] ? 0.6 : 0.4) + 0.3 * (r.next() - 0.5));
  const thinkingTokens = Float64Array.from({ length: n }, (_, j) => (correct[0][j] ? 500 : 900) + r.int(400));
  const latency = Float64Array.from(thinkingTokens, (v) => v / 50);
  const t = tableFromArrays(answers, correct, { verifier, thinkingTokens, latency });
  const perm = Array.from({ length: n }, (_, j) => n - 1 - j);
  const reversed = tableFromArrays([perm.map((j) => answers[0][j])], [perm.map((j) => correct[0][j])], {
    verifier: Float64Array.from(perm, (j) => verifier[j]),
    thinkingTokens: Float64Array.from(perm, (j) => thinkingTokens[j]),
    latency: Float64Array.from(perm, (j) => latency[j]),
  });
  const mean = correct[0].reduce((a: number, b) => a + b, 0) / n;
  for (const metric of ['best-of-n', 'shortest-of-k', 'first-finish'] as const) {
    const a = selectionEstimate(t, metric, n, Int32Array.of(0)).curves.curve(0);
    const b = selectionEstimate(reversed, metric, n, Int32Array.of(0)).curves.curve(0);
    assert.ok(Math.abs(a[0] - mean) < 1e-12);
    for (let k = 0; k < n; k++) {
      assert.ok(a[k] >= 0 && a[k] <= 1);
      assert.ok(Math.abs(a[k] - b[k]) < 1e-12);
    }
  }
});
