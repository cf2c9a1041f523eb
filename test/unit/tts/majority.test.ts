import assert from 'node:assert/strict';
import { test } from 'node:test';
import { majorityAtKExact, majorityAtKMonteCarlo, exactFeasible } from '../../../src/core/tts/majority';
import { majorityAtKEstimate } from '../../../src/core/tts/parallel';
import { FastRandom } from '../../../src/core/tts/random';
import { tableFromArrays } from '../../../src/core/tts/table';

/** Plurality over every k-subset, ties shared uniformly: the definition, by enumeration. */
function enumerate(answers: number[], correct: number[], k: number): number {
  const n = answers.length;
  let total = 0;
  let count = 0;
  const chosen: number[] = [];
  const walk = (start: number) => {
    if (chosen.length === k) {
      const votes = new Map<number, number>();
      for (const i of chosen) if (answers[i] >= 0) votes.set(answers[i], (votes.get(answers[i]) ?? 0) + 1);
      const max = Math.max(0, ...votes.values());
      let tied = 0;
      let right = 0;
      for (const [a, v] of votes) if (v === max) {
        tied++;
        right += correct[a];
      }
      total += max > 0 ? right / tied : 0;
      count++;
      return;
    }
    // Only starts that leave enough samples to fill the subset.
    for (let i = start; i <= n - (k - chosen.length); i++) {
      chosen.push(i);
      walk(i + 1);
      chosen.pop();
    }
  };
  walk(0);
  return total / count;
}

function counts(answers: number[], A: number) {
  const sizes = new Array<number>(A).fill(0);
  let abstain = 0;
  for (const a of answers) if (a < 0) abstain++;
  else sizes[a]++;
  return { sizes, abstain };
}

function randomProblem(r: FastRandom, maxN: number, maxA: number) {
  const A = 1 + r.int(maxA);
  const n = 1 + r.int(maxN);
  const answers = Array.from({ length: n }, () => r.int(A + 1) - 1);
  const correct = Array.from({ length: A }, () => (r.next() < 0.4 ? 1 : 0));
  return { A, n, answers, correct };
}

test('exact majority@k equals enumeration over all k-subsets (ties shared, abstentions silent)', () => {
  const r = new FastRandom(11);
  for (let t = 0; t < 150; t++) {
    const { A, n, answers, correct } = randomProblem(r, 12, 5);
    const { sizes, abstain } = counts(answers, A);
    const exact = majorityAtKExact({ sizes, correct, abstain }, n);
    for (let k = 1; k <= n; k++) {
      const truth = enumerate(answers, correct, k);
      assert.ok(Math.abs(exact[k - 1] - truth) < 1e-12, `answers ${answers} correct ${correct} k ${k}: ${exact[k - 1]} vs ${truth}`);
    }
  }
});

test('exact majority@k agrees with seeded Monte Carlo within its confidence interval', () => {
  const r = new FastRandom(12);
  let inside = 0;
  let total = 0;
  let worstZ = 0;
  for (let t = 0; t < 6; t++) {
    // Realistic shapes: one correct answer, a few distractors, some abstentions, n = 40..80.
    const n = 40 + r.int(41);
    const weights = [0.2 + 0.6 * r.next(), 0.3 * r.next(), 0.2 * r.next(), 0.1 * r.next(), 0.05];
    const sum = weights.reduce((a, b) => a + b, 0);
    const answers = Array.from({ length: n }, () => {
      let u = r.next() * sum;
      let a = 0;
      while (a < weights.length - 1 && u > weights[a]) u -= weights[a++];
      return a === weights.length - 1 ? -1 : a;
    });
    const correct = [1, 0, 0, 0];
    const { sizes, abstain } = counts(answers, 4);
    const exact = majorityAtKExact({ sizes, correct, abstain }, n);
    const mc = majorityAtKMonteCarlo(answers, correct, n, 4000, 100 + t);
    for (let k = 0; k < n; k++) {
      if (mc.se[k] === 0) {
        // No trial disagreed: the truth is within the rule-of-three bound of the constant seen.
        assert.ok(Math.abs(mc.value[k] - exact[k]) < 3 / 4000, `k ${k + 1}: ${mc.value[k]} vs ${exact[k]}`);
        continue;
      }
      // Score-type interval (the spread the exact value implies, as Wilson's interval uses):
      // the sample standard error collapses when a near-certain win lost once or not at all.
      const se = Math.max(mc.se[k], Math.sqrt((exact[k] * (1 - exact[k])) / 4000));
      const z = Math.abs(mc.value[k] - exact[k]) / se;
      worstZ = Math.max(worstZ, z);
      total++;
      if (z <= 1.96) inside++;
    }
  }
  // A 95% interval covers the truth about 95% of the time (curves are correlated across k).
  assert.ok(inside / total > 0.85, `${inside}/${total} inside`);
  assert.ok(worstZ < 5, `worst z ${worstZ}`);
});

test('properties: bounded, maj@1 is the share of correct votes, maj@n is the full vote, invariant to sample order', () => {
  const r = new FastRandom(13);
  for (let t = 0; t < 200; t++) {
    const { A, n, answers, correct } = randomProblem(r, 30, 6);
    const { sizes, abstain } = counts(answers, A);
    const curve = majorityAtKExact({ sizes, correct, abstain }, n);
    for (const v of curve) assert.ok(v >= -1e-15 && v <= 1 + 1e-15);
    const right = answers.filter((a) => a >= 0 && correct[a]).length;
    assert.ok(Math.abs(curve[0] - right / n) < 1e-12);
    assert.ok(Math.abs(curve[n - 1] - enumerate(answers, correct, n)) < 1e-12);
    // Shuffled samples, through the table: the same curve.
    const shuffled = [...answers];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const mark = (a: number[]) => a.map((x) => (x >= 0 && correct[x] ? 1 : 0));
    const t1 = tableFromArrays([answers], [mark(answers)]);
    const t2 = tableFromArrays([shuffled], [mark(shuffled)]);
    const e1 = majorityAtKEstimate(t1, n, Int32Array.of(0)).curves.curve(0);
    const e2 = majorityAtKEstimate(t2, n, Int32Array.of(0)).curves.curve(0);
    for (let k = 0; k < n; k++) assert.ok(Math.abs(e1[k] - e2[k]) < 1e-12);
  }
});

test('large or spread-out vote patterns fall back to stated, seeded simulation', () => {
  const n = 1500;
  const answers = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1 + (i % 7)));
  const correct = answers.map((a) => (a === 0 ? 1 : 0));
  assert.equal(exactFeasible({ sizes: [500, 143, 143, 143, 143, 143, 143, 142], correct: [1, 0, 0, 0, 0, 0, 0, 0], abstain: 0 }), false);
  const t = tableFromArrays([answers], [correct]);
  const a = majorityAtKEstimate(t, 50, Int32Array.of(0), { trials: 500, seed: 4 });
  const b = majorityAtKEstimate(t, 50, Int32Array.of(0), { trials: 500, seed: 4 });
  assert.deepEqual(a.curves.curve(0), b.curves.curve(0));
  assert.equal(a.monteCarlo?.trials, 500);
  assert.ok(a.rules.some((s) => /simulated/.test(s)));
  assert.ok(a.rules.some((s) => /uniformly at random/.test(s)));
});
