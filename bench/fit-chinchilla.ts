/**
 * Chinchilla Huber fit: Scaling Lens against scipy's L-BFGS-B, same data, same start grid,
 * same bounds, in the same run.
 *
 *   node --import tsx bench/fit-chinchilla.ts [--grid epoch] [--runs 252] [--seed 7] [--rounds 5] [--skip-replication] [--json]
 *
 * Targets (issue 4): ours ≥ 10× faster than scipy; our objective ≤ scipy's (relative
 * difference < 1e-6); a 1,000-resample bootstrap of the fit in < 1 s on one core.
 * Ours is timed as the product runs it, screening starts on every core, and on one core; scipy
 * runs single-threaded (BLAS threads pinned to 1; scipy's L-BFGS-B has no parallel mode), in
 * three variants (bench/python/fit_chinchilla_scipy.py):
 *   replication  the objective as Besiroglu et al.'s code writes it, gradient by finite differences
 *   analytic     lean numpy objective with its analytic gradient, scipy's default tolerances
 *   careful      the same, run to ftol 1e-15 / gtol 1e-10
 *
 * The machine kind this runs on drifts: the same run was measured 1.6× slower minutes apart,
 * on either side. So the two sides are timed in interleaved rounds (ours, then each scipy
 * variant once), a ratio is taken within each round, and the speed-up reported is the median
 * of the rounds' ratios, with their range.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runBootstrap } from '../src/core/fit/bootstrap';
import { bootstrapTolerance, fitLaw } from '../src/core/fit/fitLaw';
import { coordinates, compileLaw, toTheta } from '../src/core/fit/model';
import { huberObjective } from '../src/core/fit/objective';
import { createRandom } from '../src/core/fit/random';
import { chinchilla } from '../src/core/laws/chinchilla';
import { productGrid } from '../src/core/laws/law';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(flag('--runs') ?? 252);
const seed = Number(flag('--seed') ?? 7);
const grid = flag('--grid') ?? 'default';
const asJson = args.includes('--json');
const skipReplication = args.includes('--skip-replication');
const rounds = Math.max(1, Number(flag('--rounds') ?? 5));
const delta = 1e-3;

/** Besiroglu et al. (2024)'s fitted values, as the truth behind the synthetic sweep. */
const truth = { E: 1.8172, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658 };

/**
 * IsoFLOP profiles like Hoffmann et al.'s: nine budgets from 6e18 to 3e21 FLOPs, model sizes
 * spread over three decades around each optimum, D = C/(6N); log-normal noise with 10%
 * outliers at five times the scale, which is what the Huber loss is for.
 */
function chinchillaSweep(n: number, s: number): { N: number[]; D: number[]; L: number[] } {
  const random = createRandom(s);
  const N: number[] = [];
  const D: number[] = [];
  const L: number[] = [];
  const budgets = 9;
  for (let i = 0; i < n; i++) {
    const C = 6e18 * Math.pow(500, (i % budgets) / (budgets - 1));
    const logNopt = 0.5 * Math.log10(C / 120);
    const size = Math.pow(10, logNopt - 1.5 + 3 * random.next());
    const tokens = C / (6 * size);
    const clean = truth.E + truth.A / size ** truth.alpha + truth.B / tokens ** truth.beta;
    const sd = random.next() < 0.1 ? 0.05 : 0.01;
    N.push(size);
    D.push(tokens);
    L.push(clean * Math.exp(sd * random.normal()));
  }
  return { N, D, L };
}

const epochGrid = (): number[][] => {
  const range = (lo: number, hi: number, step: number): number[] => {
    const out: number[] = [];
    for (let v = lo; v < hi - 1e-9; v += step) out.push(v);
    return out;
  };
  // Besiroglu et al.'s grid in (e, a, b, alpha, beta), the coordinates both sides optimise in.
  return productGrid([range(-1, 1.5, 0.5), range(0, 30, 5), range(0, 30, 5), range(0, 2.5, 0.5), range(0, 2.5, 0.5)]);
};

const data = chinchillaSweep(runs, seed);
const coords = coordinates(chinchilla);
const startsNatural = grid === 'epoch'
  ? epochGrid().map(([e, a, b, alpha, beta]) => [Math.exp(e), Math.exp(a), Math.exp(b), alpha, beta])
  : productGrid(chinchilla.parameters.map((q) => q.starts));
const startsTheta = startsNatural.map((s) => Array.from(toTheta(coords, s)));

function timeIt<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

// V8 compiles the hot loops on first use, and the fit's worker thread starts on the first
// fit and compiles its own; scipy's timing likewise excludes interpreter start-up. Both sides
// report the best of several runs (the replication variant, at ~15 s, runs once).
const threads = availableParallelism();
const warmUntil = performance.now() + 2000;
while (performance.now() < warmUntil) fitLaw(chinchilla, data, { resamples: 0, starts: startsNatural });
function best(times: number, options: Parameters<typeof fitLaw>[2]): { ms: number; all: number[]; fit: ReturnType<typeof fitLaw> } {
  const all: number[] = [];
  let fit = fitLaw(chinchilla, data, options);
  for (let k = 0; k < times; k++) {
    const t = timeIt(() => fitLaw(chinchilla, data, options));
    all.push(t.ms);
    fit = t.value;
  }
  if (!fit.ok) throw new Error(`our fit failed: ${JSON.stringify(fit.problems)}`);
  return { ms: Math.min(...all), all, fit };
}
// As the product runs it: starts screened on every core (the result does not depend on how many).
const both = best(1, { resamples: 0, starts: startsNatural });
const ours = both.fit;
// On one core, as scipy runs.
const one = best(1, { resamples: 0, starts: startsNatural, threads: 1 });
if (!ours.ok || !one.fit.ok || one.fit.objective !== ours.objective || one.fit.startsAtBest !== ours.startsAtBest) {
  throw new Error('the fit on one core differs from the fit on every core');
}
// The same fit with every start run to its end (no start stopped where it joined another's
// path): what the joins save, and the count they are checked against.
const every = best(3, { resamples: 0, starts: startsNatural, joinStarts: false });
const exhaustive = every.fit;
const exhaustiveMs = every.ms;
const exhaustiveTimes = every.all;
if (!exhaustive.ok) throw new Error('our exhaustive fit failed');

const x = [Float64Array.from(data.N), Float64Array.from(data.D)];
const y = Float64Array.from(data.L, Math.log);
const problem = { law: chinchilla, coords, method: 'huber' as const, space: 'log' as const, delta, x, y };
const bestTheta = toTheta(coords, chinchilla.parameters.map((q) => ours.ok ? ours.params[q.name] : NaN));
runBootstrap(problem, bestTheta, { resamples: 50, seed: 1, groups: null, units: runs }, bootstrapTolerance);
const boots = [0, 1, 2].map(() => timeIt(() => runBootstrap(problem, bestTheta, { resamples: 1000, seed: 0, groups: null, units: runs }, bootstrapTolerance)));
const boot = boots.reduce((a, b) => (b.ms < a.ms ? b : a));
// What a fit panel waits for: the fit and its bootstrap through fitLaw, on every core.
const full = [0, 1, 2].map(() => timeIt(() => fitLaw(chinchilla, data, { resamples: 1000, starts: startsNatural }))).reduce((a, b) => (b.ms < a.ms ? b : a));

const jobBase = {
  N: data.N,
  D: data.D,
  L: data.L,
  delta,
  starts: startsTheta,
  lower: Array.from(coords.lower),
  upper: Array.from(coords.upper),
  best_tolerance: 1e-5,
};
type ScipyRun = { seconds: number; objective: number; theta: number[]; starts: number; starts_at_best: number; evaluations: number; message: string };
type ScipyOutput = { scipy: string; numpy: string; runs: Record<string, ScipyRun> };
const single = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
function runScipy(variants: Record<string, { gradient: string; options: Record<string, number> }>): ScipyOutput {
  const py = spawnSync('python3', [join(__dirname, 'python', 'fit_chinchilla_scipy.py')], {
    input: JSON.stringify({ ...jobBase, variants }),
    env: { ...process.env, ...single },
    maxBuffer: 1 << 26,
    encoding: 'utf8',
  });
  if (py.status !== 0) throw new Error(`scipy run failed:\n${py.stderr}`);
  return JSON.parse(py.stdout) as ScipyOutput;
}
const timed = {
  analytic: { gradient: 'analytic', options: {} },
  careful: { gradient: 'analytic', options: { ftol: 1e-15, gtol: 1e-10, maxiter: 15000 } },
};
// Interleaved rounds: ours on every core (best of two), ours on one core, then scipy's variants.
const roundsOut: { oursMs: number; oneMs: number; scipyMs: Record<string, number> }[] = [];
let scipy: ScipyOutput | null = null;
for (let r = 0; r < rounds; r++) {
  const oursMs = best(2, { resamples: 0, starts: startsNatural }).ms;
  const oneMs = best(1, { resamples: 0, starts: startsNatural, threads: 1 }).ms;
  const out = runScipy(timed);
  roundsOut.push({ oursMs, oneMs, scipyMs: Object.fromEntries(Object.entries(out.runs).map(([k, v]) => [k, v.seconds * 1000])) });
  scipy ??= out;
}
if (!scipy) throw new Error('no scipy round ran');
if (!skipReplication) scipy.runs = { replication: runScipy({ replication: { gradient: 'numerical', options: {} } }).runs.replication, ...scipy.runs };
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};
const oursMs = median(roundsOut.map((r) => r.oursMs));
const fitTimes = roundsOut.map((r) => r.oursMs);
const oneMs = median(roundsOut.map((r) => r.oneMs));
/** Per round, scipy's time over ours; for the replication variant (run once), over the median of ours. */
const ratios = (name: string, mine: 'oursMs' | 'oneMs'): number[] =>
  name in timed ? roundsOut.map((r) => r.scipyMs[name] / r[mine]) : [(scipy as ScipyOutput).runs[name].seconds * 1000 / (mine === 'oursMs' ? oursMs : oneMs)];

// Both objectives recomputed by one evaluator, so the comparison does not hinge on summation order.
const objective = huberObjective(compileLaw(chinchilla, x, 'log'), 5, y, null, delta);
const scratch = new Float64Array(5);
const evaluate = (theta: ArrayLike<number>): number => objective.evaluate(Float64Array.from(theta), scratch);
const oursObjective = evaluate(bestTheta);

const rows = Object.entries(scipy.runs).map(([name, r]) => {
  const theirs = evaluate(r.theta);
  const each = ratios(name, 'oursMs');
  const eachOne = ratios(name, 'oneMs');
  return {
    scipy: name,
    scipyMs: name in timed ? median(roundsOut.map((q) => q.scipyMs[name])) : r.seconds * 1000,
    speedup: median(each),
    speedupRange: [Math.min(...each), Math.max(...each)],
    speedupOneCore: median(eachOne),
    speedupOneCoreRange: [Math.min(...eachOne), Math.max(...eachOne)],
    scipyObjective: r.objective,
    scipyObjectiveOurEvaluator: theirs,
    oursMinusScipyRelative: (oursObjective - theirs) / Math.abs(theirs),
    scipyStartsAtBest: r.starts_at_best,
    scipyEvaluations: r.evaluations,
    scipyMessage: r.message,
  };
});

const report = {
  data: { runs, seed, grid, starts: startsTheta.length },
  rounds: roundsOut,
  versions: { node: process.version, scipy: scipy.scipy, numpy: scipy.numpy },
  ours: {
    fitMs: oursMs,
    fitMsAll: fitTimes,
    threads,
    fitMsOneCore: oneMs,
    fitMsOneCoreAll: roundsOut.map((r) => r.oneMs),
    objective: ours.objective,
    objectiveOurEvaluator: oursObjective,
    converged: ours.converged,
    startsAtBest: ours.startsAtBest,
    startOutcomes: ours.startOutcomes,
    params: ours.params,
  },
  oursEveryStartToItsEnd: {
    fitMs: exhaustiveMs,
    fitMsAll: exhaustiveTimes,
    objective: exhaustive.objective,
    startsAtBest: exhaustive.startsAtBest,
    startOutcomes: exhaustive.startOutcomes,
  },
  scipy: rows,
  bootstrap: { resamples: 1000, ms: boot.ms, failed: boot.value.failed, unconverged: boot.value.unconverged },
  fitWithBootstrapMs: full.ms,
  targets: {
    speedupAtLeast10x: rows.every((r) => r.speedup >= 10),
    objectiveNotWorse: rows.every((r) => r.oursMinusScipyRelative <= 0),
    relativeDifferenceBelow1e6: rows.every((r) => Math.abs(r.oursMinusScipyRelative) < 1e-6),
    bootstrapUnder1s: boot.ms < 1000,
  },
};

if (asJson) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const f = (v: number, d = 1): string => v.toFixed(d);
  console.log(`Chinchilla Huber fit (δ = ${delta}): ${runs} runs, ${startsTheta.length} starts (${grid} grid), seed ${seed}`);
  console.log(`node ${process.version}; scipy ${scipy.scipy}, numpy ${scipy.numpy} (single-threaded)`);
  console.log('');
  const o = ours.startOutcomes;
  const e = exhaustive.startOutcomes;
  console.log(`(medians over ${rounds} interleaved rounds)`);
  console.log(`ours    L-BFGS-B     ${f(oursMs)} ms on ${threads} threads, ${f(oneMs)} ms on one  objective ${oursObjective.toPrecision(17)}  starts at best ${ours.startsAtBest}/${ours.starts}`);
  console.log(`        (starts: ${o.reachedBest} reached the best, ${o.joinedBest} joined a path to it; ${o.endedElsewhere} ended elsewhere, ${o.joinedElsewhere} joined a path there; ${o.unfinished} unfinished)`);
  console.log(
    `ours, every start to its end: ${f(exhaustiveMs)} ms  objective ${evaluate(toTheta(coords, chinchilla.parameters.map((q) => exhaustive.ok ? exhaustive.params[q.name] : NaN))).toPrecision(17)}  starts at best ${exhaustive.startsAtBest}/${exhaustive.starts} (${e.endedElsewhere} ended elsewhere, ${e.unfinished} unfinished)`,
  );
  for (const r of rows) {
    console.log(
      `scipy   ${r.scipy.padEnd(11)}  ${f(r.scipyMs)} ms  objective ${r.scipyObjectiveOurEvaluator.toPrecision(17)}  starts at best ${r.scipyStartsAtBest}/${startsTheta.length}  ${r.scipyEvaluations} evaluations  (${r.scipyMessage})`,
    );
  }
  console.log('');
  for (const r of rows) {
    console.log(
      `vs scipy ${r.scipy.padEnd(11)}: ${f(r.speedup)}× faster [${r.speedupRange.map((v) => f(v)).join('–')}] (${f(r.speedupOneCore)}× on one core [${r.speedupOneCoreRange.map((v) => f(v)).join('–')}]); objective ours − scipy = ${(r.oursMinusScipyRelative).toExponential(2)} relative (${r.oursMinusScipyRelative <= 0 ? 'ours lower or equal' : 'ours higher'})`,
    );
  }
  console.log(`bootstrap: 1000 resamples in ${f(boot.ms)} ms on one core (${boot.value.failed} failed, ${boot.value.unconverged} unconverged); fit + bootstrap through fitLaw on every core: ${f(full.ms)} ms`);
  console.log('');
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  console.log(`target ≥ 10× faster: ${rows.map((r) => `${verdict(r.speedup >= 10)} vs ${r.scipy} (${f(r.speedup)}×)`).join(', ')}`);
  console.log(`target objective ≤ scipy's: ${rows.map((r) => `${verdict(r.oursMinusScipyRelative <= 0)} vs ${r.scipy}`).join(', ')}`);
  console.log(`target |relative difference| < 1e-6: ${verdict(report.targets.relativeDifferenceBelow1e6)}`);
  console.log(`target bootstrap < 1 s: ${verdict(report.targets.bootstrapUnder1s)} (${f(boot.ms)} ms)`);
}
