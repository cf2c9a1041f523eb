import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coordinates, genericModel, toNatural } from '../../../src/core/fit/model';
import { huberObjective } from '../../../src/core/fit/objective';
import { createRandom } from '../../../src/core/fit/random';
import type { CompiledModel, Law } from '../../../src/core/laws/law';
import { laws } from '../../../src/core/laws/registry';
import { cases, synthesize } from '../fit/synthetic';

/** A point near the published or synthetic truth, jittered so tests do not sit on special values. */
function nearTruth(law: Law, seed: number): Float64Array {
  const random = createRandom(seed);
  const truth = cases[law.id].truth;
  return Float64Array.from(law.parameters, (q) => truth[q.name] * (1 + 0.2 * (random.next() - 0.5)));
}

function columns(law: Law, seed: number): Float64Array[] {
  const data = synthesize(law, cases[law.id], seed);
  return law.variables.map((v) => Float64Array.from(data[v.name]));
}

test('each law\'s analytic gradient matches central differences of its prediction', () => {
  for (const law of laws) {
    const x = columns(law, 1);
    const grad = new Float64Array(law.parameters.length);
    for (let trial = 0; trial < 5; trial++) {
      const p = nearTruth(law, trial + 1);
      const point = x.map((c) => c[trial]);
      law.gradient(point, p, grad);
      law.parameters.forEach((q, j) => {
        const h = 1e-6 * Math.abs(p[j]);
        const up = Float64Array.from(p);
        const down = Float64Array.from(p);
        up[j] += h;
        down[j] -= h;
        const numeric = (law.predict(point, up) - law.predict(point, down)) / (2 * h);
        const scale = Math.abs(numeric) + Math.abs(law.predict(point, p) / p[j]) * 1e-6;
        assert.ok(Math.abs(grad[j] - numeric) <= 1e-5 * scale, `${law.id} ∂/∂${q.name}: ${grad[j]} vs ${numeric}`);
      });
    }
  }
});

test('each law\'s compiled kernel agrees with the generic one in log and linear space', () => {
  for (const law of laws) {
    if (!law.compile) continue;
    const x = columns(law, 2);
    const n = x[0].length;
    const p = law.parameters.length;
    const c = coordinates(law);
    for (const space of ['log', 'linear'] as const) {
      const fast: CompiledModel = law.compile(x, space)!;
      const slow = genericModel(law, x, space);
      for (let trial = 0; trial < 3; trial++) {
        const natural = nearTruth(law, 10 + trial);
        const theta = Float64Array.from(natural, (v, j) => (c.isLog[j] ? Math.log(v) : v));
        assert.deepEqual(Array.from(toNatural(c, theta)).map((v, j) => Math.abs(v - natural[j]) <= 1e-12 * Math.abs(natural[j])), new Array(p).fill(true));
        const [o1, o2] = [new Float64Array(n), new Float64Array(n)];
        const [j1, j2] = [new Float64Array(n * p), new Float64Array(n * p)];
        assert.equal(fast.evaluate(theta, o1, j1), true);
        assert.equal(slow.evaluate(theta, o2, j2), true);
        for (let i = 0; i < n; i++) assert.ok(Math.abs(o1[i] - o2[i]) <= 1e-12 * Math.max(1, Math.abs(o2[i])), `${law.id} ${space} value ${i}`);
        for (let k = 0; k < n * p; k++) {
          const tol = 1e-9 * Math.max(1e-3, Math.abs(j2[k]));
          assert.ok(Math.abs(j1[k] - j2[k]) <= tol, `${law.id} ${space} jacobian ${k}: ${j1[k]} vs ${j2[k]}`);
        }
      }
    }
  }
});

test('fused Huber kernels equal the Jacobian-based sum, with and without weights', () => {
  for (const law of laws) {
    const x = columns(law, 3);
    const model = law.compile?.(x, 'log');
    if (!model?.logHuber) continue;
    const n = x[0].length;
    const random = createRandom(4);
    const y = Float64Array.from({ length: n }, () => Math.log(2 + random.next()));
    const weights = Float64Array.from({ length: n }, () => random.int(3));
    const c = coordinates(law);
    for (const w of [null, weights]) {
      const fused = huberObjective(model, law.parameters.length, y, w, 1e-3);
      const plain = huberObjective({ n, evaluate: model.evaluate }, law.parameters.length, y, w, 1e-3);
      for (let trial = 0; trial < 3; trial++) {
        const theta = Float64Array.from(nearTruth(law, 20 + trial), (v, j) => (c.isLog[j] ? Math.log(v) : v));
        const [g1, g2] = [new Float64Array(theta.length), new Float64Array(theta.length)];
        const f1 = fused.evaluate(theta, g1);
        const f2 = plain.evaluate(theta, g2);
        assert.ok(Math.abs(f1 - f2) <= 1e-13 * Math.abs(f2), `${law.id}: ${f1} vs ${f2}`);
        for (let j = 0; j < theta.length; j++) assert.ok(Math.abs(g1[j] - g2[j]) <= 1e-10 * (Math.abs(g2[j]) + 1e-8), `${law.id} grad ${j}`);
      }
    }
  }
});

test('a log-space kernel reports predictions it cannot represent instead of returning garbage', () => {
  const law = laws.find((l) => l.id === 'chinchilla')!;
  const x = columns(law, 5);
  const model = law.compile!(x, 'log')!;
  const n = x[0].length;
  // exp(800) overflows: the shifted path keeps log L finite, so evaluation must still succeed.
  const extreme = Float64Array.from([800, 0, 0, 0.3, 0.3]);
  const out = new Float64Array(n);
  assert.equal(model.evaluate(extreme, out, new Float64Array(n * 5)), true);
  for (const v of out) assert.ok(Math.abs(v - 800) < 1e-9);
  assert.equal(model.evaluate(Float64Array.from([NaN, 0, 0, 0.3, 0.3]), out, null), false);
});
