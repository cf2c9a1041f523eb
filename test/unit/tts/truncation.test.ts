import assert from 'node:assert/strict';
import { test } from 'node:test';
import { truncationCurves } from '../../../src/core/tts/truncation';

test('truncation: accuracy at a budget counts correct traces whose answer already appeared within it', () => {
  const rows = [
    { model: 'm', thinking: 1000, tokensAfterAnswer: 900, correct: true }, // answer at 100
    { model: 'm', thinking: 1000, tokensAfterAnswer: 0, correct: true }, // answer at 1000
    { model: 'm', thinking: 300, correct: true }, // never in the thinking: needs all 300
    { model: 'm', thinking: 800, tokensAfterAnswer: 700, correct: false }, // wrong: never counts
  ];
  const [curve] = truncationCurves(rows, { resamples: 200 });
  const at = (b: number) => curve.points.find((p) => p.budget === b)!.accuracy;
  assert.equal(at(64), 0);
  assert.equal(at(128), 0.25);
  assert.equal(at(512), 0.5);
  assert.equal(at(1000), 0.75);
  for (let i = 1; i < curve.points.length; i++) assert.ok(curve.points[i].accuracy >= curve.points[i - 1].accuracy, 'monotone in the budget');
  for (const p of curve.points) assert.ok(p.lo <= p.accuracy && p.accuracy <= p.hi);
});

test('truncation: traces without known correctness are left out, per model', () => {
  const curves = truncationCurves([{ model: 'a', thinking: 100, correct: true }, { model: 'b', thinking: 100 }], { resamples: 0 });
  assert.deepEqual(curves.map((c) => [c.model, c.traces]), [['a', 1]]);
});
