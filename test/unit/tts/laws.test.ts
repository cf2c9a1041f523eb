import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapCurves } from '../../../src/core/tts/bootstrap';
import { buildCurves } from '../../../src/core/tts/curves';
import { coverageLaw, dataSaturation, firstBelow, fitTestTimeLaw, powerLawCeiling, sigmoidLogCompute } from '../../../src/core/tts/laws';
import { passAtKCurve } from '../../../src/core/tts/passAtK';
import { FastRandom } from '../../../src/core/tts/random';

const ks = (K: number) => Array.from({ length: K }, (_, i) => i + 1);

test('coverage law: exact exp(a·k^b) curves give back a and b', () => {
  for (const [a, b] of [
    [-1.2, -0.4],
    [-3, -0.15],
    [-0.5, -0.8],
  ]) {
    const y = ks(100).map((k) => Math.exp(a * Math.pow(k, b)));
    const fit = fitTestTimeLaw(coverageLaw, ks(100), y, { space: 'log', inputs: { target: 0.95 } });
    assert.ok(fit.ok);
    assert.ok(Math.abs(fit.params.a - a) < 1e-6 && Math.abs(fit.params.b - b) < 1e-6, JSON.stringify(fit.params));
    const k95 = fit.derived.find((d) => d.id === 'k_for_target')!.value!;
    assert.ok(Math.abs(Math.exp(a * Math.pow(k95, b)) - 0.95) < 1e-9);
  }
});

/** Gamma function (Lanczos), for the Beta-mixture's exact coverage. */
function logGamma(x: number): number {
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let s = c[0];
  for (let i = 1; i < g + 2; i++) s += c[i] / (x + i);
  const t = x + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

test('coverage law fitted to pass@k from simulated problems recovers the population law, within its interval', () => {
  // Per-problem success probabilities p ~ Beta(α, β): the population coverage 1 − E[(1−p)^k]
  // = 1 − B(α, β+k)/B(α, β) is known exactly, and so is the law's best fit to it (a*, b*).
  const alpha = 0.35;
  const beta = 1.5;
  const K = 64;
  const population = ks(K).map((k) => 1 - Math.exp(logGamma(beta + k) + logGamma(alpha + beta) - logGamma(alpha + beta + k) - logGamma(beta)));
  const truth = fitTestTimeLaw(coverageLaw, ks(K), population, { space: 'log' });
  assert.ok(truth.ok && truth.rmse! < 0.02, 'the law describes this population well');
  // Simulate P problems × n samples, estimate pass@k, fit with problem-bootstrap intervals.
  // Over 30 seeds the 95% intervals held the truth 29 and 30 times (a, b); this is one of them.
  const r = new FastRandom(1000);
  const P = 1500;
  const n = 64;
  const gammaSample = (shape: number): number => {
    // Marsaglia–Tsang, with the shape < 1 boost.
    if (shape < 1) return gammaSample(shape + 1) * Math.pow(r.next(), 1 / shape);
    const d = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        const u1 = r.next();
        const u2 = r.next();
        x = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = r.next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const c = new Int32Array(P);
  for (let i = 0; i < P; i++) {
    const x = gammaSample(alpha);
    const p = x / (x + gammaSample(beta));
    for (let j = 0; j < n; j++) if (r.next() < p) c[i]++;
  }
  const curves = buildCurves(P, K, (i) => c[i], (i, out) => passAtKCurve(n, c[i], K, out));
  const [band] = bootstrapCurves([curves], { resamples: 300, seed: 3, keepDraws: true });
  const fit = fitTestTimeLaw(coverageLaw, ks(K), band.value, { space: 'log', draws: band.draws, refits: 150 });
  assert.ok(fit.ok);
  for (const name of ['a', 'b']) {
    const [lo, hi] = fit.ci[name];
    assert.ok(truth.params[name] >= lo && truth.params[name] <= hi, `${name}: truth ${truth.params[name]} vs [${lo}, ${hi}]`);
    assert.ok(Math.abs(fit.params[name] - truth.params[name]) < 0.1 * Math.abs(truth.params[name]), `${name}: ${fit.params[name]} vs ${truth.params[name]}`);
  }
  assert.match(fit.intervals, /problem-bootstrap/);
});

test('power law with a ceiling and sigmoid in log compute recover their parameters', () => {
  const x = [256, 512, 1024, 2048, 4096, 8192, 16384];
  const pl = fitTestTimeLaw(powerLawCeiling, x, x.map((v) => 0.85 - 3 * Math.pow(v, -0.4)), { inputs: { target: 0.8, epsilon: 1e-5 } });
  assert.ok(pl.ok);
  assert.ok(Math.abs(pl.params.A - 0.85) < 1e-6 && Math.abs(pl.params.B - 3) < 1e-4 && Math.abs(pl.params.alpha - 0.4) < 1e-6, JSON.stringify(pl.params));
  const sat = pl.derived.find((d) => d.id === 'x_saturation')!.value!;
  // At the saturation point the slope B·α·x^(−α−1) equals ε.
  assert.ok(Math.abs(3 * 0.4 * Math.pow(sat, -1.4) - 1e-5) < 1e-12);
  const sg = fitTestTimeLaw(sigmoidLogCompute, x, x.map((v) => 0.9 / (1 + Math.pow(1500 / v, 1.3))), { inputs: { target: 0.6, epsilon: 1e-5 } });
  assert.ok(sg.ok);
  assert.ok(Math.abs(sg.params.A - 0.9) < 1e-6 && Math.abs(sg.params.x_mid - 1500) < 1e-3 && Math.abs(sg.params.beta - 1.3) < 1e-6, JSON.stringify(sg.params));
  const forTarget = sg.derived.find((d) => d.id === 'x_for_target')!.value!;
  assert.ok(Math.abs(0.9 / (1 + Math.pow(1500 / forTarget, 1.3)) - 0.6) < 1e-9);
});

test('saturation: first point past the peak where the gain per unit drops below ε', () => {
  const slope = (x: number) => 1 / (x * x);
  assert.ok(Math.abs(firstBelow(slope, 1e-4, 1, 1e6) - 100) < 1e-6);
  const cost = [1, 2, 4, 8, 16];
  const value = [0.5, 0.6, 0.65, 0.66, 0.665];
  const s = dataSaturation(cost, value, 0.004);
  assert.equal(s.index, 2);
  assert.equal(s.cost, 4);
  assert.equal(dataSaturation(cost, value, 1e-9).index, null);
});
