import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLaws } from '../../../src/core/fit/compare';
import { chinchilla } from '../../../src/core/laws/chinchilla';
import { kaplanND } from '../../../src/core/laws/kaplan';
import { powerLawN, purePowerLawN } from '../../../src/core/laws/powerLaw';
import { cases, synthesize } from './synthetic';

test('on data from a Chinchilla surface, Chinchilla wins in-sample and out of sample', () => {
  const data = synthesize(chinchilla, { ...cases.chinchilla, points: 60 }, 21);
  const { fits, comparison } = compareLaws([kaplanND, chinchilla, powerLawN], data, { resamples: 0 });
  assert.equal(fits.length, 3);
  assert.equal(comparison.best.aic, 'chinchilla');
  assert.equal(comparison.best.bic, 'chinchilla');
  assert.equal(comparison.best.extrapolation, 'chinchilla');
  assert.equal(comparison.recommended, 'chinchilla');
  assert.equal(comparison.holdout?.by, 'N·D');
  const score = (id: string) => comparison.scores.find((s) => s.law === id)!;
  assert.equal(score('chinchilla').deltaAic, 0);
  assert.ok(score('kaplan-ND').deltaAic! > 10);
  assert.ok(score('chinchilla').extrapolation!.rmse < score('power-law-N').extrapolation!.rmse);
  assert.equal(score('chinchilla').extrapolation!.heldOut, 12);
});

test('extrapolation picks the law with the floor when the data flatten out', () => {
  const data = synthesize(powerLawN, { ...cases['power-law-N'], points: 40, noise: 0.003 }, 22);
  const { comparison } = compareLaws([purePowerLawN, powerLawN], data, { resamples: 0 });
  assert.equal(comparison.holdout?.by, 'N');
  assert.equal(comparison.best.extrapolation, 'power-law-N');
  assert.equal(comparison.recommended, 'power-law-N');
});

test('a law that cannot be fitted is scored as failed, not recommended', () => {
  const data = synthesize(powerLawN, cases['power-law-N'], 23);
  const { comparison } = compareLaws([chinchilla, powerLawN], data, { resamples: 0 });
  const failed = comparison.scores.find((s) => s.law === 'chinchilla')!;
  assert.equal(failed.ok, false);
  assert.equal(failed.aic, null);
  assert.equal(comparison.recommended, 'power-law-N');
});
