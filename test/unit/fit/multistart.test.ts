import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw, type FitSuccess } from '../../../src/core/fit';
import { choleskyFactor } from '../../../src/core/fit/linalg';
import { compileLaw, coordinates, genericModel, toTheta } from '../../../src/core/fit/model';
import { huberObjective } from '../../../src/core/fit/objective';
import { defaultJoinRadius, multiStart } from '../../../src/core/fit/multistart';
import { lanesRunByWorkers } from '../../../src/core/fit/parallel';
import { makeSolver, type FitProblem } from '../../../src/core/fit/solver';
import { chinchilla } from '../../../src/core/laws/chinchilla';
import { kaplanND } from '../../../src/core/laws/kaplan';
import { productGrid } from '../../../src/core/laws/law';
import type { FitResult } from '../../../src/core/fit/types';
import { cases, synthesize } from './synthetic';

const ok = (r: FitResult): FitSuccess => {
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  return r as FitSuccess;
};

const screenTolerance = { gradient: 1e-5, objective: 1e-8, maxIterations: 1000, patience: 3 };
const polishTolerance = { gradient: 1e-10, objective: 1e-15, maxIterations: 2000, patience: 1 };

function chinchillaProblem(seed: number, points?: number): { problem: FitProblem; starts: Float64Array[] } {
  const data = synthesize(chinchilla, cases.chinchilla, seed, points);
  const coords = coordinates(chinchilla);
  const x = [Float64Array.from(data.N), Float64Array.from(data.D)];
  const y = Float64Array.from(data.L, Math.log);
  const starts = productGrid(chinchilla.parameters.map((q) => q.starts)).map((s) => toTheta(coords, s));
  return { problem: { law: chinchilla, coords, method: 'huber', space: 'log', delta: 1e-3, x, y }, starts };
}

function allActive(problem: FitProblem): (theta: Float64Array) => boolean {
  const model = compileLaw(problem.law, problem.x, problem.space);
  const p = problem.law.parameters.length;
  const pred = new Float64Array(model.n);
  const jac = new Float64Array(model.n * p);
  return (theta) => {
    if (!model.evaluate(theta, pred, jac)) return false;
    for (let j = 0; j < p; j++) {
      let largest = 0;
      for (let i = 0; i < model.n; i++) largest = Math.max(largest, Math.abs(jac[i * p + j]));
      if (largest < 1e-3) return false;
    }
    return true;
  };
}

test('a start stopped where it joined another start\'s path would have ended where that start did', () => {
  // Every start is also run to its end, and its own end compared with the one it was credited with.
  for (const seed of [21, 22, 23]) {
    const { problem, starts } = chinchillaProblem(seed);
    const screen = makeSolver(problem, screenTolerance);
    const polish = makeSolver(problem, polishTolerance, undefined, true);
    const own = starts.map((s) => screen(s));
    const active = allActive(problem);
    const exhaustive = multiStart(screen, polish, starts, { relativeTolerance: 1e-5, joinRadius: 0, allActive: active });
    const joined = multiStart(screen, polish, starts, { relativeTolerance: 1e-5, joinRadius: defaultJoinRadius, allActive: active });
    const bar = exhaustive.best.f * (1 + 1e-5) + 1e-15;
    let joins = 0;
    for (let s = 0; s < starts.length; s++) {
      const j = joined.joined[s];
      if (j < 0) continue;
      joins++;
      assert.equal(own[s].f <= bar, own[j].f <= bar, `seed ${seed}: start ${s} joined start ${j}: ends ${own[s].f} and ${own[j].f}`);
    }
    assert.ok(joins > starts.length / 4, `seed ${seed}: only ${joins} joins`);
    assert.equal(joined.startsAtBest, exhaustive.startsAtBest);
    assert.ok(Math.abs(joined.best.f - exhaustive.best.f) <= 1e-12 * exhaustive.best.f);
  }
});

test('every start\'s outcome is reported, and the count at the best is their sum', () => {
  const data = synthesize(chinchilla, cases.chinchilla, 24);
  const r = ok(fitLaw(chinchilla, data, { resamples: 0 }));
  const o = r.startOutcomes;
  assert.equal(o.reachedBest + o.joinedBest + o.endedElsewhere + o.joinedElsewhere + o.unfinished, r.starts);
  assert.equal(r.startsAtBest, o.reachedBest + o.joinedBest);
  assert.ok(o.joinedBest > 0);
  const exhaustive = ok(fitLaw(chinchilla, data, { resamples: 0, joinStarts: false }));
  assert.equal(exhaustive.startOutcomes.joinedBest + exhaustive.startOutcomes.joinedElsewhere, 0);
  assert.equal(exhaustive.startsAtBest, exhaustive.startOutcomes.reachedBest);
  assert.equal(r.startsAtBest, exhaustive.startsAtBest);
  assert.ok(r.objective <= exhaustive.objective * (1 + 1e-12));
});

test('the Chinchilla Huber objective declares how its parameters trade off; generic ones do not', () => {
  const { problem } = chinchillaProblem(26);
  const fused = huberObjective(compileLaw(chinchilla, problem.x, 'log'), 5, problem.y, null, 1e-3);
  const b = fused.geometry;
  assert.ok(b instanceof Float64Array && b.length === 25);
  // a against α through log N: B's (a, α) block is the mean of (1, −log N)ᵀ(1, −log N).
  const ln = Array.from(problem.x[0], Math.log);
  const mean = ln.reduce((s, v) => s + v, 0) / ln.length;
  const square = ln.reduce((s, v) => s + v * v, 0) / ln.length;
  assert.equal(b[1 * 5 + 1], 1);
  assert.ok(Math.abs(b[1 * 5 + 3] + mean) < 1e-12 * mean);
  assert.ok(Math.abs(b[3 * 5 + 3] - square) < 1e-12 * square);
  assert.equal(choleskyFactor(Float64Array.from(b), 5), true);
  const generic = huberObjective(genericModel(chinchilla, problem.x, 'log'), 5, problem.y, null, 1e-3);
  assert.equal(generic.geometry ?? null, null);
});

test('laws without a parameter geometry run every start to its end', () => {
  const data = synthesize(kaplanND, cases['kaplan-ND'], 25);
  const r = ok(fitLaw(kaplanND, data, { resamples: 0 }));
  assert.equal(r.startOutcomes.joinedBest + r.startOutcomes.joinedElsewhere, 0);
  assert.equal(r.startsAtBest, r.startOutcomes.reachedBest);
});

test('starts screened and resamples refitted on two threads give the same fit as on one, to the last bit', async () => {
  const data = synthesize(chinchilla, cases.chinchilla, 31);
  const options = { resamples: 200, seed: 5 };
  const one = ok(fitLaw(chinchilla, data, { ...options, threads: 1 }));
  const before = lanesRunByWorkers();
  // The worker thread starts on the first fit and joins in once it runs: fit until it has.
  const deadline = Date.now() + 20000;
  let fits = 0;
  while (lanesRunByWorkers() === before || fits < 3) {
    assert.ok(Date.now() < deadline, 'no lane was run by a worker thread');
    const two = ok(fitLaw(chinchilla, data, { ...options, threads: 2 }));
    fits++;
    assert.deepEqual(two.params, one.params);
    assert.equal(two.objective, one.objective);
    assert.deepEqual(two.startOutcomes, one.startOutcomes);
    assert.equal(two.iterations, one.iterations);
    assert.deepEqual(two.ci, one.ci);
    assert.deepEqual(two.bootstrap, one.bootstrap);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
