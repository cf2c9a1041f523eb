import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom } from '../../../src/core/fit/random';
import { predictLossCurve as lawCurve } from '../../../src/core/laws/lrAnnealing';
import { schedule, type ScheduleSpec } from '../../../src/core/laws/lrSchedule';
import { predictLossCurve } from '../../../src/core/recommend/lossCurve';

const truth = { L0: 2.5, A: 0.5, alpha: 0.5, C: 0.2 };
const spec: ScheduleSpec = { kind: 'cosine', steps: 20000, peakLr: 1e-3, warmup: 500, minLr: 1e-4 };
const actual = lawCurve(truth, schedule(spec));

/** The first 60% of a run, logged every 100 steps with 0.3% noise. */
function logged(seed: number, until = 12000) {
  const random = createRandom(seed);
  const steps: number[] = [];
  const losses: number[] = [];
  for (let s = 100; s <= until; s += 100) {
    steps.push(s);
    losses.push(actual[s - 1] * Math.exp(0.003 * random.normal()));
  }
  return { steps, losses };
}

test('a run in progress: the predicted final loss and the step reaching a target, with intervals around the truth', () => {
  const target = actual[16000 - 1];
  const r = predictLossCurve({ ...logged(1), schedule: spec, target, fit: { resamples: 200 } });
  assert.equal(r.ok, true, r.notes.join(' '));
  assert.equal(r.totalSteps, 20000);
  assert.equal(r.lastLoggedStep, 12000);
  const final = actual[19999];
  assert.ok(Math.abs(r.finalLoss.value! / final - 1) < 0.005, `${r.finalLoss.value} vs ${final}`);
  assert.ok(r.finalLoss.ci![0] <= final && final <= r.finalLoss.ci![1], `${r.finalLoss.ci} vs ${final}`);
  const step = r.target!.step;
  assert.ok(Math.abs(step.value! - 16000) < 800, `step ${step.value}`);
  assert.ok(step.ci![0] <= 16000 && 16000 <= step.ci![1], `step interval ${step.ci}`);
  assert.ok(r.target!.probability! > 0.9 && r.target!.reachedByEnd);
  assert.equal(r.curve.step[r.curve.step.length - 1], 20000);
  assert.equal(r.curve.loss.length, r.curve.step.length);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

test('a logged schedule array gives the same prediction as its spec', () => {
  const input = { ...logged(2), target: 2.4, fit: { resamples: 50 } };
  const a = predictLossCurve({ ...input, schedule: spec });
  const b = predictLossCurve({ ...input, schedule: Array.from(schedule(spec)) });
  assert.deepEqual(a.finalLoss, b.finalLoss);
  assert.deepEqual(a.target, b.target);
});

test('a target below the planned run\'s reach is reported as not reached', () => {
  const r = predictLossCurve({ ...logged(3), schedule: spec, target: 2.0, fit: { resamples: 50 } });
  assert.equal(r.ok, true);
  assert.equal(r.target!.step.value, null);
  assert.equal(r.target!.reachedByEnd, false);
  assert.match(r.notes.join(' '), /does not reach/);
});

test('too little to fit is a failed prediction with the fit\'s problems, not a number', () => {
  const r = predictLossCurve({ steps: [100, 200], losses: [3, 2.9], schedule: spec, fit: { resamples: 0 } });
  assert.equal(r.ok, false);
  assert.equal(r.finalLoss.value, null);
  assert.ok(r.fit.problems.length > 0);
});
