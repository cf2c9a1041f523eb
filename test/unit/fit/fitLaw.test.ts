import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import { huber } from '../../../src/core/fit/objective';
import type { FitResult, FitSuccess } from '../../../src/core/fit/types';
import { chinchilla } from '../../../src/core/laws/chinchilla';
import { evaluateLaw } from '../../../src/core/laws/law';
import { kaplanND } from '../../../src/core/laws/kaplan';
import { powerLawN, purePowerLawN } from '../../../src/core/laws/powerLaw';
import { laws } from '../../../src/core/laws/registry';
import { cases, synthesize } from './synthetic';

function ok(r: FitResult): FitSuccess {
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  return r as FitSuccess;
}

/** A small start grid, so tests that are not about the multi-start stay quick. */
const fewStarts = [
  [2, Math.exp(6), Math.exp(7), 0.3, 0.3],
  [1, Math.exp(10), Math.exp(10), 0.5, 0.5],
];

test('every law recovers its parameters exactly from noise-free data', () => {
  for (const law of laws) {
    const c = { ...cases[law.id], noise: 0 };
    const r = ok(fitLaw(law, synthesize(law, c, 7), { resamples: 0 }));
    for (const q of law.parameters) {
      const rel = Math.abs(r.params[q.name] / c.truth[q.name] - 1);
      assert.ok(rel < 1e-6, `${law.id}.${q.name}: ${r.params[q.name]} vs ${c.truth[q.name]}`);
    }
    assert.ok(r.objective < 1e-20, `${law.id}: objective ${r.objective}`);
    assert.equal(r.converged, true, law.id);
  }
});

test('the reported objective is the Huber sum over the log residuals of the reported parameters', () => {
  const data = synthesize(chinchilla, cases.chinchilla, 3);
  const r = ok(fitLaw(chinchilla, data, { resamples: 0, starts: fewStarts }));
  let sum = 0;
  data.N.forEach((N, i) => {
    sum += huber(1e-3, Math.log(evaluateLaw(chinchilla, { N, D: data.D[i] }, r.params)) - Math.log(data.L[i]));
  });
  assert.ok(Math.abs(sum - r.objective) < 1e-12 * sum, `${sum} vs ${r.objective}`);
  assert.ok(r.residuals.length === data.N.length && Math.abs(r.residuals.reduce((s, v) => s + huber(1e-3, v), 0) - sum) < 1e-12 * sum);
});

test('the result is plain JSON: it survives a round trip unchanged', () => {
  const data = synthesize(chinchilla, cases.chinchilla, 4);
  const r = fitLaw(chinchilla, data, { resamples: 100, starts: fewStarts, inputs: { D_inference: 1e12 }, predict: { N: [1e10], D: [1e12] }, keepSamples: true });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

test('the bootstrap is deterministic for a seed, and the seed matters', () => {
  const data = synthesize(powerLawN, cases['power-law-N'], 5);
  const a = ok(fitLaw(powerLawN, data, { resamples: 200, seed: 1 }));
  const b = ok(fitLaw(powerLawN, data, { resamples: 200, seed: 1 }));
  const c = ok(fitLaw(powerLawN, data, { resamples: 200, seed: 2 }));
  assert.deepEqual(a.ci, b.ci);
  assert.notDeepEqual(a.ci, c.ci);
});

test('every parameter gets an interval around its estimate, narrowing with more data', () => {
  const small = ok(fitLaw(powerLawN, synthesize(powerLawN, cases['power-law-N'], 6, 20), { resamples: 300 }));
  const large = ok(fitLaw(powerLawN, synthesize(powerLawN, cases['power-law-N'], 6, 320), { resamples: 300 }));
  for (const q of powerLawN.parameters) {
    for (const r of [small, large]) {
      const [lo, hi] = r.ci[q.name];
      assert.ok(lo <= r.params[q.name] && r.params[q.name] <= hi, `${q.name}: ${lo} ≤ ${r.params[q.name]} ≤ ${hi}`);
    }
    const width = (r: FitSuccess) => r.ci[q.name][1] - r.ci[q.name][0];
    assert.ok(width(large) < 0.6 * width(small), `${q.name} narrows: ${width(small)} → ${width(large)}`);
  }
});

test('resampling runs keeps each run\'s points together', () => {
  // Every point logged four times by the same run: resampled by run, that is exactly the
  // original data resampled by point (same draws for the same seed); resampled by point, the
  // copies would pass for independent evidence and the interval would shrink about twofold.
  const data = synthesize(powerLawN, cases['power-law-N'], 15);
  const copies = { N: data.N.flatMap((v) => [v, v, v, v]), L: data.L.flatMap((v) => [v, v, v, v]) };
  const groups = data.N.flatMap((_, i) => [i, i, i, i]);
  const original = ok(fitLaw(powerLawN, data, { resamples: 300, seed: 4 }));
  const byRun = ok(fitLaw(powerLawN, copies, { resamples: 300, seed: 4, groups }));
  const byPoint = ok(fitLaw(powerLawN, copies, { resamples: 300, seed: 4 }));
  assert.equal(byRun.bootstrap?.unit, 'run');
  assert.equal(byRun.bootstrap?.units, data.N.length);
  for (const q of powerLawN.parameters) {
    const [a, b] = [original.ci[q.name], byRun.ci[q.name]];
    assert.ok(Math.abs(a[0] / b[0] - 1) < 1e-3 && Math.abs(a[1] / b[1] - 1) < 1e-3, `${q.name}: ${a} vs ${b}`);
    const width = (r: FitSuccess) => r.ci[q.name][1] - r.ci[q.name][0];
    assert.ok(width(byPoint) < 0.7 * width(byRun), `${q.name}: ${width(byPoint)} vs ${width(byRun)}`);
  }
});

test('derived quantities come with intervals; those without inputs are left out', () => {
  const data = synthesize(chinchilla, cases.chinchilla, 8);
  const without = ok(fitLaw(chinchilla, data, { resamples: 200, starts: fewStarts }));
  const ids = without.derived.map((d) => d.id);
  assert.deepEqual(ids, ['N_opt', 'D_opt', 'tokens_per_param', 'L_opt']);
  const maxCompute = Math.max(...data.N.map((N, i) => 6 * N * data.D[i]));
  for (const d of without.derived) {
    assert.equal(d.inputs.C, 10 * maxCompute);
    assert.equal(d.inputs.k, 6);
    assert.ok(d.value !== null && d.ci !== null && d.ci[0] <= d.value && d.value <= d.ci[1], d.id);
  }
  const withInference = ok(fitLaw(chinchilla, data, { resamples: 200, starts: fewStarts, inputs: { D_inference: 1e12, C: 1e22 } }));
  const nOver = withInference.derived.find((d) => d.id === 'N_overtrained')!;
  const nOpt = withInference.derived.find((d) => d.id === 'N_opt')!;
  assert.equal(nOpt.inputs.C, 1e22);
  assert.ok(nOver.value! < nOpt.value!);
});

test('predictions at new points carry intervals that contain the truth for a good fit', () => {
  const law = powerLawN;
  const data = synthesize(law, cases['power-law-N'], 9, 80);
  const at = { N: [1e7, 1e9, 1e11] };
  const r = ok(fitLaw(law, data, { resamples: 300, predict: at }));
  assert.deepEqual(r.predictions!.points, at);
  at.N.forEach((N, i) => {
    const truth = evaluateLaw(law, { N }, cases['power-law-N'].truth);
    const [lo, hi] = r.predictions!.ci[i]!;
    assert.ok(lo <= truth && truth <= hi, `N=${N}: ${lo} ≤ ${truth} ≤ ${hi}`);
  });
  // Extrapolating beyond the data is less certain than interpolating inside it.
  const width = (i: number) => r.predictions!.ci[i]![1] - r.predictions!.ci[i]![0];
  assert.ok(width(2) > width(1));
});

test('Huber resists outliers that pull a least-squares fit away', () => {
  const c = cases['power-law-N'];
  const data = synthesize(powerLawN, { ...c, noise: 0.002 }, 10, 40);
  for (let i = 0; i < 40; i += 8) data.L[i] *= 1.3;
  const robust = ok(fitLaw(powerLawN, data, { resamples: 0 }));
  const squares = ok(fitLaw(powerLawN, data, { resamples: 0, method: 'least-squares' }));
  const error = (r: FitSuccess) => Math.abs(r.params.alpha / c.truth.alpha - 1);
  assert.ok(error(robust) < 0.02, `Huber α off by ${error(robust)}`);
  assert.ok(error(squares) > 3 * error(robust), `least squares α off by ${error(squares)}`);
  assert.equal(squares.delta, null);
});

test('least squares minimises the sum of squared log residuals', () => {
  const data = synthesize(kaplanND, cases['kaplan-ND'], 11);
  const r = ok(fitLaw(kaplanND, data, { resamples: 0, method: 'least-squares' }));
  const half = 0.5 * r.residuals.reduce((s, v) => s + v * v, 0);
  assert.ok(Math.abs(half - r.objective) < 1e-12 * half);
  // Any nudge of a parameter raises it.
  for (const q of kaplanND.parameters) {
    for (const f of [0.999, 1.001]) {
      const p = { ...r.params, [q.name]: r.params[q.name] * f };
      const moved = data.N.reduce((s, N, i) => s + 0.5 * (Math.log(evaluateLaw(kaplanND, { N, D: data.D[i] }, p)) - Math.log(data.L[i])) ** 2, 0);
      assert.ok(moved > r.objective, `${q.name}×${f}`);
    }
  }
});

test('the multi-start reports how many starts reached the best, and the best beats every start', () => {
  const data = synthesize(chinchilla, cases.chinchilla, 12);
  const r = ok(fitLaw(chinchilla, data, { resamples: 0 }));
  assert.equal(r.starts, chinchilla.parameters.reduce((n, q) => n * q.starts.length, 1));
  assert.ok(r.startsAtBest >= 1 && r.startsAtBest <= r.starts);
  const fromFew = ok(fitLaw(chinchilla, data, { resamples: 0, starts: fewStarts }));
  assert.ok(r.objective <= fromFew.objective * (1 + 1e-12));
});

test('data with no irreducible loss leave E negligible, and the fit says so', () => {
  const data = synthesize(purePowerLawN, { ...cases['pure-power-law-N'], noise: 0 }, 13);
  const r = ok(fitLaw(powerLawN, data, { resamples: 100 }));
  const w = r.warnings.find((x) => x.code === 'fit/negligible-term');
  assert.ok(w, JSON.stringify(r.warnings));
  assert.deepEqual(w!.params, ['E']);
});

test('loss rising with N drives the exponent to its bound, and the fit says so', () => {
  const data = synthesize(powerLawN, cases['power-law-N'], 16);
  data.L = data.N.map((N, i) => 2 + 0.01 * Math.log(N) + 0.001 * Math.sin(i));
  const r = ok(fitLaw(powerLawN, data, { resamples: 0 }));
  const w = r.warnings.find((x) => x.code === 'fit/param-at-bound');
  assert.ok(w, JSON.stringify(r.warnings));
  assert.deepEqual(w!.params, ['alpha']);
  assert.match(w!.message, /lower bound \(0\)/);
});

test('a sweep over a narrow range of N leaves E, A and α trading off', () => {
  const c = cases['power-law-N'];
  const data = synthesize(powerLawN, { ...c, ranges: { N: [1e8, 1.05e8] } }, 14);
  const r = ok(fitLaw(powerLawN, data, { resamples: 100 }));
  const codes = r.warnings.map((w) => w.code);
  assert.ok(codes.includes('fit/flat-direction') || codes.includes('fit/wide-interval'), JSON.stringify(codes));
  const wellSpread = ok(fitLaw(powerLawN, synthesize(powerLawN, c, 14), { resamples: 100 }));
  assert.deepEqual(wellSpread.warnings, []);
});
