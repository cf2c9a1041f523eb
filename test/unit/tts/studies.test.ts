import assert from 'node:assert/strict';
import { test } from 'node:test';
import { difficultyAllocation } from '../../../src/core/tts/allocation';
import { costCurve, paramsFromName, sampleCosts } from '../../../src/core/tts/cost';
import { horizonGain, horizonLength, horizonSlope, stepAccuracyFor } from '../../../src/core/tts/longHorizon';
import { majorityAtKEstimate } from '../../../src/core/tts/parallel';
import { FastRandom } from '../../../src/core/tts/random';
import { agreement, earlyStopping } from '../../../src/core/tts/redundancy';
import { solveVersusVerify } from '../../../src/core/tts/solveVerify';
import { tableFromArrays } from '../../../src/core/tts/table';
import { acceptFirstEstimate, verifierQuality } from '../../../src/core/tts/verifier';
import { votingEstimate } from '../../../src/core/tts/voting';

const all = (P: number) => Int32Array.from({ length: P }, (_, i) => i);

test('cost axes: FLOPs 2·N·T + n_layer·d_attn·T², KV traffic in effective cost, dollars, latency of k concurrent', () => {
  const t = tableFromArrays([[0, 0]], [[1, 1]], {
    model: 'm',
    promptTokens: Float64Array.of(100, 100),
    thinkingTokens: Float64Array.of(300, 700),
    answerTokens: Float64Array.of(100, 100),
  });
  const spec = { activeParams: 1e9, layers: 10, attentionDim: 1000, kvHeads: 2, headDim: 50, kvBytes: 2, bytesPerParam: 2 };
  const c = sampleCosts(t, { models: { m: spec }, prices: { m: { input: 1, output: 10, reasoning: 5 } }, decodeTokensPerSecond: 100, prefillTokensPerSecond: 1000, arithmeticIntensity: 300, batchSize: 10 });
  const T = 100 + 400;
  assert.equal(c.perSample.flops[0], 2 * 1e9 * T + 10 * 1000 * T * T);
  const g = 400;
  const kv = 2 * 10 * 2 * 50 * 2 * (100 * g + (g * (g - 1)) / 2);
  assert.equal(c.perSample.effective[0], c.perSample.flops[0] + 300 * (kv + (g * 1e9 * 2) / 10));
  assert.ok(Math.abs(c.perSample.dollars[0] - (100 * 1 + 300 * 5 + 100 * 10) / 1e6) < 1e-15);
  assert.ok(Math.abs(c.perSample.latency[0] - (0.1 + 4)) < 1e-12);
  // Two concurrent samples take as long as the slower; the first to finish, the faster.
  const slow = costCurve(t, c.perSample.latency, 'latency', 2, all(1));
  const fast = costCurve(t, c.perSample.latency, 'latency', 2, all(1), true);
  assert.ok(Math.abs(slow[1] - 8.1) < 1e-12 && Math.abs(fast[1] - 4.1) < 1e-12);
  assert.ok(Math.abs(slow[0] - 6.1) < 1e-12);
  assert.equal(costCurve(t, c.perSample.tokens, 'tokens', 2, all(1))[1], 2 * 600);
  assert.equal(paramsFromName('codellama-7b'), 7e9);
  assert.equal(paramsFromName('Qwen3-30B-A3B'), 3e9);
  assert.equal(paramsFromName('gpt-4o'), undefined);
});

test('verifier: false-positive rate, the ceiling of resampling, and the exact accept-first curve', () => {
  // Problem 0: right samples always accepted, one of three wrong ones slips through.
  const t = tableFromArrays(
    [
      [0, 0, 1, 2, 3],
      [0, 1, 1, 1, 1],
    ],
    [
      [1, 1, 0, 0, 0],
      [1, 0, 0, 0, 0],
    ],
    { verifier: Float64Array.of(0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.1, 0.1, 0.1, 0.1) },
  );
  const q = verifierQuality(t, all(2), 0.5, { resamples: 100 });
  assert.equal(q.truePositiveRate, 2 / 3);
  assert.equal(q.falsePositiveRate, 1 / 7);
  assert.equal(q.neverAccepted, 1);
  assert.ok(Math.abs(q.ceiling.value - (2 / 3 + 0) / 2) < 1e-12);
  const curve = acceptFirstEstimate(t, 5, all(2), 0.5).curves;
  // With all 5 drawn, problem 0 answers with an accepted sample: right 2 times in 3.
  assert.ok(Math.abs(curve.curve(0)[4] - 2 / 3) < 1e-12);
  assert.ok(Math.abs(curve.curve(0)[0] - 2 / 5) < 1e-12);
});

test('weighted majority with equal scores is majority; Best-of-Majority and shortest majority stay in [0, 1]', () => {
  const r = new FastRandom(41);
  const P = 30;
  const n = 10;
  const answers = Array.from({ length: P }, () => Array.from({ length: n }, () => r.int(3) - (r.next() < 0.1 ? 1 : 0)));
  const correct = answers.map((a) => a.map((x) => (x === 0 ? 1 : 0)));
  const t = tableFromArrays(answers, correct, { verifier: new Float64Array(P * n).fill(0.5), answerTokens: Float64Array.from({ length: P * n }, () => 100 + r.int(50)) });
  const exact = majorityAtKEstimate(t, n, all(P)).curves.mean();
  const weighted = votingEstimate(t, 'weighted-majority', n, all(P), { trials: 3000 }).curves.mean();
  for (let k = 0; k < n; k++) assert.ok(Math.abs(exact[k] - weighted[k]) < 0.01, `k ${k + 1}: ${exact[k]} vs ${weighted[k]}`);
  for (const metric of ['best-of-majority', 'shortest-majority'] as const) {
    const m = votingEstimate(t, metric, n, all(P), { trials: 200 });
    for (const v of m.curves.mean()) assert.ok(v >= 0 && v <= 1);
    assert.ok(m.rules.length >= 2);
  }
});

test('redundancy: agreement by hand; stopping at m agreeing samples saves tokens, m = ∞ is the full vote', () => {
  const t = tableFromArrays(
    [
      [0, 0, 0, 0],
      [0, 1, 0, 1],
    ],
    [
      [1, 1, 1, 1],
      [1, 0, 1, 0],
    ],
  );
  const ag = agreement(t, all(2), { resamples: 50 });
  assert.ok(Math.abs(ag.pairwise.value - (1 + 4 / 12) / 2) < 1e-12);
  assert.ok(Math.abs(ag.modalShare.value - (1 + 0.5) / 2) < 1e-12);
  const [two, never] = earlyStopping(t, all(2), { agree: [2, 99], orders: 50, resamples: 50 });
  assert.ok(two.saved.value > 0.4);
  assert.equal(never.saved.value, 0);
  assert.equal(never.lost.value, 0);
  assert.equal(never.fullVote, (1 + 0.5) / 2);
});

test('long horizon: H = ln s / ln p, and small per-step gains stretch it', () => {
  assert.ok(Math.abs(horizonLength(0.5) - 1) < 1e-12);
  assert.ok(Math.abs(horizonLength(0.99) - Math.log(0.5) / Math.log(0.99)) < 1e-12);
  assert.equal(horizonLength(1), Infinity);
  const g = horizonGain(0.99, 0.005);
  assert.ok(g.ratio > 1.9 && g.ratio < 2.1);
  assert.ok(Math.abs(Math.pow(stepAccuracyFor(100), 100) - 0.5) < 1e-12);
  const h = 1e-7;
  assert.ok(Math.abs(horizonSlope(0.9) - (horizonLength(0.9 + h) - horizonLength(0.9 - h)) / (2 * h)) < 1e-3);
});

test('solve vs verify: curves on one compute axis and the crossover', () => {
  const maj = { value: [0.5, 0.5, 0.55, 0.56, 0.57, 0.57], lo: [0, 0, 0, 0, 0, 0], hi: [1, 1, 1, 1, 1, 1] };
  const bon = { value: [0.5, 0.62, 0.7], lo: [0, 0, 0], hi: [1, 1, 1] };
  const s = solveVersusVerify(maj, bon, 1);
  assert.deepEqual(s.verify.map((p) => p.compute), [2, 4, 6]);
  assert.equal(s.crossover, 4);
});

test('difficulty-aware allocation is scored on held-out problems and samples', () => {
  const r = new FastRandom(51);
  const P = 80;
  const n = 16;
  const answers: number[][] = [];
  const correct: number[][] = [];
  for (let i = 0; i < P; i++) {
    const p = i < P / 2 ? 0.9 : 0.35;
    const a = Array.from({ length: n }, () => (r.next() < p ? 0 : 1 + r.int(4)));
    answers.push(a);
    correct.push(a.map((x) => (x === 0 ? 1 : 0)));
  }
  const t = tableFromArrays(answers, correct);
  const { results, notes } = difficultyAllocation(t, all(P), { resamples: 100, budgets: [2, 4] });
  assert.equal(results.length, 2);
  for (const x of results) {
    assert.ok(x.adaptive.lo <= x.adaptive.value && x.adaptive.value <= x.adaptive.hi);
    assert.ok(x.spent <= x.budget * 1.5);
    assert.ok(x.policy.length >= 1);
  }
  assert.ok(notes.some((s) => /cross-fitting/.test(s)));
});
