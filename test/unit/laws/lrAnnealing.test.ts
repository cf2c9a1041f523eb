import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import { evaluateLaw } from '../../../src/core/laws/law';
import { lrAnnealing, predictLossCurve } from '../../../src/core/laws/lrAnnealing';
import { annealingAreas, areasAtSteps, schedule, warmupLength } from '../../../src/core/laws/lrSchedule';
import { createRandom } from '../../../src/core/fit/random';

const truth = { L0: 2.5, A: 0.5, alpha: 0.5, C: 0.2 };

test('schedules start, hold and end where they should', () => {
  const cos = schedule({ kind: 'cosine', steps: 1000, peakLr: 1e-3, warmup: 100, minLr: 1e-4 });
  assert.equal(cos.length, 1000);
  assert.ok(Math.abs(cos[99] - 1e-3) < 1e-15 && Math.abs(cos[0] - 1e-5) < 1e-15, 'linear warmup to the peak');
  assert.ok(Math.abs(cos[999] - 1e-4) < 1e-15, 'cosine ends at min_lr');
  assert.ok(Math.abs(cos[549] - 5.5e-4) < 1e-15, 'cosine is halfway at the middle of the decay');
  const wsd = schedule({ kind: 'wsd', steps: 1000, peakLr: 1e-3, warmup: 0, cooldownFraction: 0.2 });
  assert.equal(wsd[799], 1e-3);
  assert.ok(wsd[800] < 1e-3 && Math.abs(wsd[999]) < 1e-18, 'linear cooldown over the last 200 steps to 0');
  assert.ok(schedule({ kind: 'constant', steps: 50, peakLr: 2e-4 }).every((v) => v === 2e-4));
  assert.equal(warmupLength(cos), 100);
  assert.equal(warmupLength(wsd), 0);
});

test('S1 is the running sum of learning rates; S2 is zero without annealing', () => {
  const lr = schedule({ kind: 'constant', steps: 300, peakLr: 1e-3, warmup: 50 });
  const { S1, S2 } = annealingAreas(lr);
  let sum = 0;
  lr.forEach((v, i) => {
    sum += v;
    assert.ok(Math.abs(S1[i] - sum) < 1e-15);
    assert.equal(S2[i], 0, 'the warmup is not counted as negative annealing');
  });
});

test('one drop of the learning rate adds Δ·(1 − λ^k)/(1 − λ) to S2 after k steps (the momentum form)', () => {
  const lr = new Float64Array(500).fill(1e-3);
  lr.fill(4e-4, 200);
  const lambda = 0.99;
  const { S2 } = annealingAreas(lr, { decay: lambda });
  assert.equal(S2[199], 0);
  for (const k of [1, 10, 300]) {
    const expected = (6e-4 * (1 - lambda ** k)) / (1 - lambda);
    assert.ok(Math.abs(S2[199 + k] - expected) < 1e-15, `k=${k}: ${S2[199 + k]} vs ${expected}`);
  }
  const at = areasAtSteps(lr, [200, 201, 1e9], { decay: lambda });
  assert.equal(at.S2[0], 0);
  assert.ok(Math.abs(at.S2[1] - 6e-4) < 1e-18, 'step 201 is the first at the lower rate');
  assert.equal(at.S2[2], S2[499], 'steps past the end read the last step');
});

test('the predicted curve is the law at each step\'s areas, and a final-loss quantity agrees with it', () => {
  const spec = { kind: 'wsd' as const, steps: 4000, peakLr: 1e-3, warmup: 100, cooldownFraction: 0.2 };
  const lr = schedule(spec);
  const curve = predictLossCurve(truth, lr);
  const { S1, S2 } = annealingAreas(lr);
  for (const i of [100, 2000, 3999]) assert.ok(Math.abs(curve[i] - evaluateLaw(lrAnnealing, { S1: S1[i], S2: S2[i] }, truth)) < 1e-15);
  const wsd = lrAnnealing.derived.find((d) => d.id === 'L_final_wsd')!;
  const v = wsd.compute(truth, { steps: 4000, peak_lr: 1e-3, warmup: 100, min_lr: 0, lambda: 0.999, cooldown_fraction: 0.2 });
  assert.ok(Math.abs(v - curve[3999]) < 1e-12);
  // Annealing pays: the cosine and WSD runs end below the constant one.
  const at = (id: string) => lrAnnealing.derived.find((d) => d.id === id)!.compute(truth, { steps: 4000, peak_lr: 1e-3, warmup: 100, min_lr: 0, lambda: 0.999, cooldown_fraction: 0.2 });
  assert.ok(at('L_final_cosine') < at('L_final_constant') && v < at('L_final_constant'));
});

test('fitted on a cosine and a WSD curve, the law predicts a third schedule\'s curve', () => {
  const random = createRandom(3);
  const data: Record<string, number[]> = { S1: [], S2: [], L: [] };
  for (const spec of [
    { kind: 'cosine' as const, steps: 20000, peakLr: 1e-3, warmup: 500 },
    { kind: 'wsd' as const, steps: 20000, peakLr: 1e-3, warmup: 500, cooldownFraction: 0.1 },
  ]) {
    const lr = schedule(spec);
    const { S1, S2 } = annealingAreas(lr);
    for (let s = 600; s <= 20000; s += 200) {
      data.S1.push(S1[s - 1]);
      data.S2.push(S2[s - 1]);
      data.L.push(evaluateLaw(lrAnnealing, { S1: S1[s - 1], S2: S2[s - 1] }, truth) * Math.exp(0.002 * random.normal()));
    }
  }
  const r = fitLaw(lrAnnealing, data, { resamples: 0 });
  assert.equal(r.ok, true);
  if (!r.ok) return;
  const other = schedule({ kind: 'linear', steps: 30000, peakLr: 1e-3, warmup: 500, minLr: 1e-4 });
  const predicted = predictLossCurve(r.params, other);
  const actual = predictLossCurve(truth, other);
  for (const i of [5000, 20000, 29999]) assert.ok(Math.abs(predicted[i] / actual[i] - 1) < 0.005, `step ${i + 1}: ${predicted[i]} vs ${actual[i]}`);
});
