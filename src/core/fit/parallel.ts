import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Law, ResidualSpace } from '../laws/law';
import { findLaw } from '../laws/registry';
import { refitResample, type Draws } from './bootstrap';
import { coordinates } from './model';
import { activityCheck, laneStarts, screenLane, screenTolerance, type LaneRunner, type ScreenedStart } from './multistart';
import type { MinimizeResult, StopReason } from './optimizer';
import { makeSolver, type FitProblem, type Tolerance } from './solver';
import type { FitMethod } from './types';
import { findWorkerScript, startWorker } from '../workerScript';

/**
 * The two loops of a fit that are many independent refits, screening the starts of a
 * multi-start and refitting bootstrap resamples, run on every core. fitLaw is synchronous (the
 * CLI, the server's worker and the reports call it as a function), so the calling thread runs
 * lanes itself and then waits on a SharedArrayBuffer for the lanes worker threads claimed: no
 * promise, no message back. Lanes are claimed from a shared counter, and what a lane computes
 * does not depend on which thread runs it, so a fit is the same to the last bit on any number
 * of cores.
 *
 * Workers are started on first use and kept (unref'd, so they never hold a process open);
 * they rebuild the problem from the law's registry id, so laws built at run time (custom
 * formulas, fixed parameters) run on the calling thread only.
 */

/** What a worker needs to rebuild a fit problem. */
export interface ProblemSpec {
  law: Law;
  bounds?: Readonly<Record<string, readonly [number, number]>>;
  method: FitMethod;
  space: ResidualSpace;
  delta: number;
  x: readonly Float64Array[];
  y: Float64Array;
}

type PostedProblem = Omit<ProblemSpec, 'law'> & { lawId: string };

export interface ScreenJob {
  kind: 'screen';
  starts: readonly Float64Array[];
  relativeTolerance: number;
  joinRadius: number;
}

export interface BootstrapJob {
  kind: 'bootstrap';
  best: Float64Array;
  tolerance: Tolerance;
  draws: Draws;
  resamples: number;
}

/** A job as posted to a worker: the problem by law id, the lanes, and the buffer results come back in. */
export type PostedJob = (ScreenJob | BootstrapJob) & { problem: PostedProblem; lanes: number; shared: SharedArrayBuffer };

/** Fewer refits than this run on the calling thread: the hand-off would cost more than it saves. */
const minParallelRefits = 64;

/** A worker-claimed lane whose worker has finished no refit for this long is rerun here (the worker may have died). */
const stallMs = 5000;

const reasons: readonly StopReason[] = ['gradient', 'objective', 'step', 'line-search', 'max-iterations', 'undefined-start', 'monitor'];

/** Control words: next lane to claim, refits finished by workers, then one state per lane (0 running or unclaimed, 1 done, 2 failed). */
const header = 2;
/** Per refit: x (p values), f, iterations, evaluations, converged, projected gradient, reason, joined. */
const slotSize = (p: number): number => p + 7;

let pool: Worker[] | null = null;

/** Lanes run by worker threads in this process so far (tests check the threads really ran). */
let workerLanes = 0;
export const lanesRunByWorkers = (): number => workerLanes;

function workers(wanted: number): Worker[] {
  if (pool && pool.length >= wanted) return pool.slice(0, wanted);
  const script = findWorkerScript(typeof __dirname === 'string' ? __dirname : process.cwd(), 'fitWorker.js', 'worker.ts');
  if (!script) return [];
  pool ??= [];
  while (pool.length < wanted) {
    const w = startWorker(script);
    w.unref();
    const drop = (): void => {
      pool = pool?.filter((o) => o !== w) ?? null;
    };
    w.on('error', drop);
    w.on('exit', drop);
    pool.push(w);
  }
  return pool.slice(0, wanted);
}

/** Worker threads to use besides the calling one, or 0 when the refits stay on the calling thread. */
function helpersFor(spec: ProblemSpec, refits: number, threads?: number): number {
  const wanted = Math.max(1, Math.floor(threads ?? availableParallelism())) - 1;
  return wanted < 1 || refits < minParallelRefits || findLaw(spec.law.id) !== spec.law ? 0 : wanted;
}

function posted(spec: ProblemSpec): PostedProblem {
  const { law, ...rest } = spec;
  return { ...rest, lawId: law.id };
}

/**
 * Runs `lanes` lanes of `refits` refits, on worker threads too: claims lanes here until none is
 * left, then collects the lanes workers claimed from the buffer (rerunning here any whose
 * worker stalled).
 */
function runLanes<T>(
  job: ScreenJob | BootstrapJob,
  spec: ProblemSpec,
  helpers: number,
  lanes: readonly (readonly number[])[],
  refits: number,
  runLocally: (lane: number) => T,
  read: (data: Float64Array, indices: readonly number[]) => T,
): T[] {
  const p = spec.law.parameters.length;
  const shared = new SharedArrayBuffer(8 * Math.ceil((header + lanes.length) / 2) + 8 * slotSize(p) * refits);
  const control = new Int32Array(shared, 0, header + lanes.length);
  let started: Worker[] = [];
  try {
    started = workers(Math.min(helpers, lanes.length - 1));
  } catch {
    started = [];
  }
  const message: PostedJob = { ...job, problem: posted(spec), lanes: lanes.length, shared };
  for (const w of started) w.postMessage(message);

  const results: (T | undefined)[] = lanes.map(() => undefined);
  const done = new Uint8Array(lanes.length);
  for (let l = Atomics.add(control, 0, 1); l < lanes.length; l = Atomics.add(control, 0, 1)) {
    results[l] = runLocally(l);
    done[l] = 1;
  }
  const data = resultView(shared, lanes.length, p, refits);
  for (let l = 0; l < lanes.length; l++) {
    if (done[l]) continue;
    let progress = Atomics.load(control, 1);
    let since = Date.now();
    while (Atomics.load(control, header + l) === 0) {
      Atomics.wait(control, header + l, 0, 100);
      const now = Atomics.load(control, 1);
      if (now !== progress) {
        progress = now;
        since = Date.now();
      } else if (Date.now() - since > stallMs) break;
    }
    if (Atomics.load(control, header + l) === 1) {
      results[l] = read(data, lanes[l]);
      workerLanes++;
    } else results[l] = runLocally(l);
  }
  return results as T[];
}

function resultView(shared: SharedArrayBuffer, lanes: number, p: number, refits: number): Float64Array {
  return new Float64Array(shared, 8 * Math.ceil((header + lanes) / 2), slotSize(p) * refits);
}

function writeSlot(data: Float64Array, at: number, p: number, r: MinimizeResult, joined: number): void {
  const o = at * slotSize(p);
  data.set(r.x, o);
  data[o + p] = r.f;
  data[o + p + 1] = r.iterations;
  data[o + p + 2] = r.evaluations;
  data[o + p + 3] = r.converged ? 1 : 0;
  data[o + p + 4] = r.projectedGradient;
  data[o + p + 5] = reasons.indexOf(r.reason);
  data[o + p + 6] = joined;
}

function readSlot(data: Float64Array, at: number, p: number): ScreenedStart {
  const o = at * slotSize(p);
  return {
    x: data.slice(o, o + p),
    f: data[o + p],
    iterations: data[o + p + 1],
    evaluations: data[o + p + 2],
    converged: data[o + p + 3] === 1,
    projectedGradient: data[o + p + 4],
    reason: reasons[data[o + p + 5]] ?? 'objective',
    joined: data[o + p + 6],
  };
}

/**
 * A LaneRunner screening on other cores too, or null when the starts are screened on the
 * calling thread: too few, one thread wanted or available, or a law not in the registry.
 */
export function parallelStarts(spec: ProblemSpec, job: Omit<ScreenJob, 'kind'>, threads?: number): LaneRunner | null {
  const helpers = helpersFor(spec, job.starts.length, threads);
  if (helpers === 0) return null;
  const p = spec.law.parameters.length;
  return (lanes, runLocally) =>
    runLanes({ kind: 'screen', ...job }, spec, helpers, lanes, job.starts.length, runLocally, (data, indices) => indices.map((s) => readSlot(data, s, p)));
}

/** Bootstrap refits from `best`, on every core when worth it; per resample, the refit's result, in order. */
export function parallelRefits(
  problem: FitProblem,
  spec: ProblemSpec,
  best: Float64Array,
  tolerance: Tolerance,
  draws: Draws,
  resamples: number,
  threads?: number,
): MinimizeResult[] {
  const lanes = laneStarts(resamples, bootstrapLanes);
  const local = (lane: number): MinimizeResult[] => lanes[lane].map((b) => refitResample(problem, best, tolerance, draws, b));
  const helpers = helpersFor(spec, resamples, threads);
  const p = spec.law.parameters.length;
  const byLane =
    helpers === 0
      ? lanes.map((_, l) => local(l))
      : runLanes({ kind: 'bootstrap', best, tolerance, draws, resamples }, spec, helpers, lanes, resamples, local, (data, indices) =>
          indices.map((b): MinimizeResult => readSlot(data, b, p)),
        );
  const out: MinimizeResult[] = new Array(resamples);
  lanes.forEach((indices, l) => indices.forEach((b, k) => (out[b] = byLane[l][k])));
  return out;
}

/** Resamples are independent: more lanes only even out the threads' shares. */
const bootstrapLanes = 8;

/** Worker side: claims lanes of a posted job until none is left, writing each refit into the buffer. */
export function runPostedJob(job: PostedJob): void {
  const control = new Int32Array(job.shared, 0, header + job.lanes);
  const law = findLaw(job.problem.lawId);
  if (!law) return;
  const { x, y, method, space, delta, bounds } = job.problem;
  const problem: FitProblem = { law, coords: coordinates(law, bounds), method, space, delta, x, y };
  const p = law.parameters.length;
  let run: (lane: number, data: Float64Array) => void;
  let count: number;
  if (job.kind === 'screen') {
    const screen = makeSolver(problem, screenTolerance);
    const options = { relativeTolerance: job.relativeTolerance, joinRadius: job.joinRadius, allActive: activityCheck(law, x, space) };
    const lanes = laneStarts(job.starts.length, job.lanes);
    count = job.starts.length;
    run = (l, data) => {
      const screened = screenLane(screen, job.starts, lanes[l], options, () => Atomics.add(control, 1, 1));
      lanes[l].forEach((s, k) => writeSlot(data, s, p, screened[k], screened[k].joined));
    };
  } else {
    const lanes = laneStarts(job.resamples, job.lanes);
    count = job.resamples;
    run = (l, data) => {
      for (const b of lanes[l]) {
        writeSlot(data, b, p, refitResample(problem, job.best, job.tolerance, job.draws, b), -1);
        Atomics.add(control, 1, 1);
      }
    };
  }
  const data = resultView(job.shared, job.lanes, p, count);
  for (let l = Atomics.add(control, 0, 1); l < job.lanes; l = Atomics.add(control, 0, 1)) {
    let state = 2;
    try {
      run(l, data);
      state = 1;
    } finally {
      Atomics.store(control, header + l, state);
      Atomics.notify(control, header + l);
    }
  }
}
