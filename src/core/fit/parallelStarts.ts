import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Law, ResidualSpace } from '../laws/law';
import { findLaw } from '../laws/registry';
import { coordinates } from './model';
import { activityCheck, laneStarts, screenLane, screenTolerance, type LaneRunner, type ScreenedStart } from './multistart';
import type { StopReason } from './optimizer';
import { makeSolver } from './solver';
import type { FitMethod } from './types';

/**
 * Screening a multi-start's lanes on other cores. fitLaw is synchronous (the CLI, the server's
 * worker and the reports call it as a function), so the calling thread runs lanes itself and
 * then waits on a SharedArrayBuffer for the lanes worker threads claimed: no promise, no
 * message back. Lanes are claimed from a shared counter; what a lane computes does not depend
 * on who runs it, so the result is the same on any number of cores.
 *
 * Workers are started on first use and kept (unref'd, so they never hold a process open);
 * they rebuild the problem from the law's registry id, so laws built at run time (custom
 * formulas, fixed parameters) screen on the calling thread only.
 */

/** What a worker needs to rebuild the screening problem. */
export interface StartJob {
  lawId: string;
  law: Law;
  bounds?: Readonly<Record<string, readonly [number, number]>>;
  method: FitMethod;
  space: ResidualSpace;
  delta: number;
  x: readonly Float64Array[];
  y: Float64Array;
  starts: readonly Float64Array[];
  relativeTolerance: number;
  joinRadius: number;
}

/** The job as posted (the law travels by id) with the buffer the results come back in. */
export interface PostedJob extends Omit<StartJob, 'law'> {
  lanes: number;
  shared: SharedArrayBuffer;
}

/** Fewer starts than this are screened on the calling thread: the hand-off would cost more than it saves. */
const minParallelStarts = 64;

/** A worker-claimed lane whose worker has finished no start for this long is rerun here (the worker may have died). */
const stallMs = 5000;

const reasons: readonly StopReason[] = ['gradient', 'objective', 'step', 'line-search', 'max-iterations', 'undefined-start', 'monitor'];

/** Header: next lane to claim, starts finished by workers, then one state per lane (0 running or unclaimed, 1 done, 2 failed). */
const header = 2;
/** Per start: x (p values), f, iterations, evaluations, converged, projected gradient, reason, joined. */
const slotSize = (p: number): number => p + 7;

let pool: Worker[] | null = null;

/** Lanes screened by worker threads in this process so far (tests check the threads really ran). */
let workerLanes = 0;
export const lanesScreenedByWorkers = (): number => workerLanes;

/** Worker script: `fitWorker.js` beside the bundle, else `worker.ts` beside this source (tsx). */
function workerScript(): { file: string; typescript: boolean } | null {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const bundled = join(here, 'fitWorker.js');
  if (existsSync(bundled)) return { file: bundled, typescript: false };
  const source = join(here, 'worker.ts');
  if (existsSync(source)) return { file: source, typescript: true };
  return null;
}

function workers(wanted: number): Worker[] {
  if (pool && pool.length >= wanted) return pool.slice(0, wanted);
  const script = workerScript();
  if (!script) return [];
  pool ??= [];
  while (pool.length < wanted) {
    // Worker execArgv cannot carry `--import tsx` on Node 20, so tsx registers inside the worker.
    const w = script.typescript
      ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script.file)});`, { eval: true })
      : new Worker(script.file);
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

/**
 * A LaneRunner using other cores, or null when the job screens on the calling thread: too few
 * starts, one thread wanted or available, a law not in the registry, or no worker script.
 */
export function parallelStarts(job: StartJob, threads?: number): LaneRunner | null {
  const wanted = Math.max(1, Math.floor(threads ?? availableParallelism())) - 1;
  if (wanted < 1 || job.starts.length < minParallelStarts || findLaw(job.lawId) !== job.law) return null;
  return (lanes, runLocally) => {
    const p = job.starts[0].length;
    const shared = new SharedArrayBuffer(4 * (header + lanes.length + 1) + 8 * slotSize(p) * job.starts.length);
    const control = new Int32Array(shared, 0, header + lanes.length);
    let helpers: Worker[] = [];
    try {
      helpers = workers(Math.min(wanted, lanes.length - 1));
    } catch {
      helpers = [];
    }
    const { law: _law, ...rest } = job;
    const posted: PostedJob = { ...rest, lanes: lanes.length, shared };
    for (const w of helpers) w.postMessage(posted);

    const results: (ScreenedStart[] | null)[] = lanes.map(() => null);
    for (let l = Atomics.add(control, 0, 1); l < lanes.length; l = Atomics.add(control, 0, 1)) results[l] = runLocally(l);
    for (let l = 0; l < lanes.length; l++) {
      if (results[l]) continue;
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
        results[l] = readLane(shared, lanes.length, p, lanes[l]);
        workerLanes++;
      } else results[l] = runLocally(l);
    }
    return results as ScreenedStart[][];
  };
}

function dataView(shared: SharedArrayBuffer, lanes: number, p: number, count: number): Float64Array {
  const offset = 8 * Math.ceil((4 * (header + lanes)) / 8);
  return new Float64Array(shared, offset, slotSize(p) * count);
}

function readLane(shared: SharedArrayBuffer, lanes: number, p: number, indices: readonly number[]): ScreenedStart[] {
  const count = Math.max(...indices) + 1;
  const data = dataView(shared, lanes, p, count);
  const size = slotSize(p);
  return indices.map((s) => {
    const o = s * size;
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
  });
}

/** Worker side: claims lanes of a posted job until none is left, writing each start's result into the buffer. */
export function screenPostedJob(job: PostedJob): void {
  const control = new Int32Array(job.shared, 0, header + job.lanes);
  const law = findLaw(job.lawId);
  if (!law) return;
  const coords = coordinates(law, job.bounds);
  const problem = { law, coords, method: job.method, space: job.space, delta: job.delta, x: job.x, y: job.y };
  const screen = makeSolver(problem, screenTolerance);
  const options = { relativeTolerance: job.relativeTolerance, joinRadius: job.joinRadius, allActive: activityCheck(law, job.x, job.space) };
  const lanes = laneStarts(job.starts.length, job.lanes);
  const p = job.starts[0].length;
  const size = slotSize(p);
  const data = dataView(job.shared, job.lanes, p, job.starts.length);
  for (let l = Atomics.add(control, 0, 1); l < job.lanes; l = Atomics.add(control, 0, 1)) {
    let state = 2;
    try {
      const screened = screenLane(screen, job.starts, lanes[l], options, () => Atomics.add(control, 1, 1));
      lanes[l].forEach((s, k) => {
        const r = screened[k];
        const o = s * size;
        data.set(r.x, o);
        data[o + p] = r.f;
        data[o + p + 1] = r.iterations;
        data[o + p + 2] = r.evaluations;
        data[o + p + 3] = r.converged ? 1 : 0;
        data[o + p + 4] = r.projectedGradient;
        data[o + p + 5] = reasons.indexOf(r.reason);
        data[o + p + 6] = r.joined;
      });
      state = 1;
    } finally {
      Atomics.store(control, header + l, state);
      Atomics.notify(control, header + l);
    }
  }
}
