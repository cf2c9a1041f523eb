import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRandom } from '../../../src/core/fit/random';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import { chinchilla } from '../../../src/core/laws/chinchilla';
import { ChinchillaHuber, ChinchillaKernel } from '../../../src/core/laws/chinchillaKernel';
import { setWasmKernels, WasmChinchillaHuber } from '../../../src/core/laws/chinchillaWasm';

const root = join(__dirname, '..', '..', '..');

function sweep(n: number, seed: number): { ln: Float64Array; ld: Float64Array; y: Float64Array; w: Float64Array } {
  const random = createRandom(seed);
  const ln = Float64Array.from({ length: n }, () => Math.log(1e7 * 1e4 ** random.next()));
  const ld = Float64Array.from({ length: n }, () => Math.log(1e9 * 1e4 ** random.next()));
  const y = Float64Array.from({ length: n }, (_, i) => Math.log(1.8 + 480 * Math.exp(-0.35 * ln[i]) + 2000 * Math.exp(-0.37 * ld[i])) + 0.02 * random.normal());
  const w = Float64Array.from({ length: n }, () => Math.floor(3 * random.next()));
  return { ln, ld, y, w };
}

function thetaNear(random: ReturnType<typeof createRandom>): Float64Array {
  return Float64Array.from([0.6 + 0.5 * random.normal(), 6 + 3 * random.normal(), 7.6 + 3 * random.normal(), 0.35 + 0.2 * random.next(), 0.37 + 0.2 * random.next()]);
}

test('the committed WebAssembly kernel is what scripts/build-wasm.mjs builds from its text', async () => {
  const script = (await import(pathToFileURL(join(root, 'scripts', 'build-wasm.mjs')).href)) as {
    build: () => Promise<Buffer>;
    generated: (bytes: Buffer) => string;
    target: string;
  };
  assert.equal(readFileSync(script.target, 'utf8'), script.generated(await script.build()), 'run node scripts/build-wasm.mjs');
});

test('on one point the WebAssembly objective and gradient equal the JavaScript kernel\'s bit for bit', () => {
  const random = createRandom(5);
  const { ln, ld, y } = sweep(400, 2);
  for (let i = 0; i < 400; i++) {
    const one = (a: Float64Array): Float64Array => a.subarray(i, i + 1);
    const wasm = WasmChinchillaHuber.create(one(ln), one(ld), one(y), null, 1e-3);
    assert.ok(wasm, 'this runtime has WebAssembly SIMD');
    setWasmKernels(false);
    const js = new ChinchillaHuber(new ChinchillaKernel(one(ln), one(ld)), one(y), null, 1e-3);
    setWasmKernels(true);
    const theta = thetaNear(random);
    const g1 = new Float64Array(5);
    const g2 = new Float64Array(5);
    const f1 = js.evaluate(theta, g1);
    const f2 = wasm.evaluate(theta, g2);
    assert.ok(Object.is(f1, f2), `point ${i}: ${f1} vs ${f2}`);
    assert.deepEqual(Array.from(g2), Array.from(g1), `point ${i}`);
  }
});

test('over many points, with and without bootstrap weights, odd and even counts, the two kernels agree to rounding', () => {
  const random = createRandom(9);
  for (const n of [1, 2, 7, 64, 251, 1000]) {
    const { ln, ld, y, w } = sweep(n, n);
    for (const weights of [null, w]) {
      setWasmKernels(false);
      const js = new ChinchillaHuber(new ChinchillaKernel(ln, ld), y, weights, 1e-3);
      setWasmKernels(true);
      const wasm = new ChinchillaHuber(new ChinchillaKernel(ln, ld), y, weights, 1e-3);
      // Interleaved with another objective, so each call finds the other's data in the instance.
      const other = WasmChinchillaHuber.create(ln.subarray(0, 1), ld.subarray(0, 1), y.subarray(0, 1), null, 1e-2);
      for (let trial = 0; trial < 20; trial++) {
        const theta = thetaNear(random);
        const g1 = new Float64Array(5);
        const g2 = new Float64Array(5);
        const f1 = js.evaluate(theta, g1);
        other?.evaluate(theta, new Float64Array(5));
        const f2 = wasm.evaluate(theta, g2);
        assert.ok(Math.abs(f1 - f2) <= 1e-13 * Math.abs(f1), `n ${n}: f ${f1} vs ${f2}`);
        const scale = Math.max(...g1.map(Math.abs));
        for (let j = 0; j < 5; j++) assert.ok(Math.abs(g1[j] - g2[j]) <= 1e-12 * scale, `n ${n}: ∂${j} ${g1[j]} vs ${g2[j]}`);
      }
    }
  }
});

test('a Chinchilla fit reaches the same optimum with the WebAssembly kernel as without it', () => {
  const random = createRandom(21);
  const N: number[] = [];
  const D: number[] = [];
  const L: number[] = [];
  for (let i = 0; i < 60; i++) {
    const n = 1e7 * 1e3 ** random.next();
    const d = 20 * n * 10 ** (random.next() - 0.5);
    N.push(n);
    D.push(d);
    L.push((1.82 + 482 / n ** 0.35 + 2085 / d ** 0.37) * Math.exp(0.01 * random.normal()));
  }
  const options = { resamples: 0, threads: 1 };
  setWasmKernels(false);
  const js = fitLaw(chinchilla, { N, D, L }, options);
  setWasmKernels(true);
  const wasm = fitLaw(chinchilla, { N, D, L }, options);
  assert.ok(js.ok && wasm.ok);
  assert.ok(Math.abs(js.objective - wasm.objective) <= 1e-12 * js.objective, `${js.objective} vs ${wasm.objective}`);
  for (const q of chinchilla.parameters) {
    assert.ok(Math.abs(js.params[q.name] - wasm.params[q.name]) <= 1e-6 * Math.abs(js.params[q.name]), q.name);
  }
});
