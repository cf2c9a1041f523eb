import { choleskyFactor } from './linalg';
import type { MinimizeResult, StopReason } from './optimizer';
import type { Solver, Tolerance } from './solver';
import { compileLaw } from './model';
import type { Law, ResidualSpace } from '../laws/law';
import type { StartOutcomes } from './types';

export interface MultiStartResult {
  best: MinimizeResult;
  starts: number;
  /** outcomes.reachedBest + outcomes.joinedBest (see FitSuccess.startsAtBest). */
  startsAtBest: number;
  outcomes: StartOutcomes;
  /** Per start, the start whose path it joined (whose end it is counted as sharing), or −1. */
  joined: Int32Array;
}

export interface MultiStartOptions {
  /** A start "reached the best" when its objective is within this relative distance of it. */
  relativeTolerance: number;
  /**
   * Stop a start where its path comes within this distance of an earlier start's path (in the
   * coordinates of the screen solver's parameter geometry); 0, or no geometry, runs every start
   * to its end.
   */
  joinRadius: number;
  /**
   * Whether every parameter still moves some prediction at θ (see fitLaw). Joins are only
   * made where it does: where a term has vanished the objective is a plateau, where whether
   * L-BFGS-B escapes hangs on its curvature memory rather than on where it is, and runs
   * passing the same point part (without this check, 3–6% of joins on the Chinchilla grid
   * disagreed with the joined start's own end).
   */
  allActive: (theta: Float64Array) => boolean;
}

/**
 * Distance, in the kernel's geometry, below which a start's path is taken to have joined an
 * earlier one. Checked by running every start to its end as well and comparing each joined
 * start's own end (at the best or not) with the one it was credited with: on
 * bench/fit-chinchilla.ts's sweeps (252 runs, 675 starts, 20 seeds) none of 6,639 joins
 * disagreed; on 60-run sweeps 1 of 2,950; with Besiroglu et al.'s 4,500-start grid 1 of 3,124;
 * on the 40-point sweeps of test/unit/fit/synthetic.ts (40 seeds) 42 of 11,573 (0.4%), where a
 * second local minimum or a stall lies beside the paths to the best. Twice the radius saves
 * ~8% more evaluations for ~1.3× the disagreements.
 */
export const defaultJoinRadius = 1e-2;

/**
 * Every start runs far enough to tell which basin it ends in (a looser objective test stops
 * starts early in slow valleys, miscounting the starts that reach the best), unless its path
 * joins one already run.
 */
export const screenTolerance: Tolerance = { gradient: 1e-5, objective: 1e-8, maxIterations: 1000, patience: 3 };

/**
 * Lanes the starts are screened in (see laneStarts): fixed, not the number of cores, so that a
 * fit gives the same result on every machine. Four keep two threads busy to the end; each
 * lane more costs a few joins (the 675-start Chinchilla grid: 38k evaluations in one lane,
 * 42k in four, 48k with no joins).
 */
export const screenLanes = 4;

/** After a join candidate failed `allActive`, iterations before the next is checked (each check costs about one evaluation). */
const recheckAfter = 5;

/** How many of the lowest end points are polished, in case screening stopped one early. */
const polishedCandidates = 3;

/**
 * How many of the lowest points where joined starts stopped are polished as well: each polish
 * ends on the floor of rounding, a few units in the last place from the others, and with
 * joins few starts run to an end of their own to polish from.
 */
const polishedStops = 4;

/** One start's screening run: where it stopped, and whose end it shares if it joined a path. */
export interface ScreenedStart {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  projectedGradient: number;
  reason: StopReason;
  /** The start (own run) whose path this one joined, or −1 for a run to its own end. */
  joined: number;
}

/** Runs the starts of lanes the caller cannot run itself (other threads); null entries are run here. */
export type LaneRunner = (lanes: readonly (readonly number[])[], runLocally: (lane: number) => ScreenedStart[]) => ScreenedStart[][];

/**
 * The starts of lane l of `lanes`: every lanes-th start from l. Each lane keeps its own record
 * of paths, so what a lane computes does not depend on which thread runs it or when: the
 * result is the same on one core as on many.
 */
export function laneStarts(count: number, lanes: number): number[][] {
  const out: number[][] = Array.from({ length: Math.max(1, lanes) }, () => []);
  for (let s = 0; s < count; s++) out[s % out.length].push(s);
  return out;
}

/**
 * Screens the given starts in order. With a parameter geometry, each start is stopped where
 * its path comes within `joinRadius` of the path of an earlier start of the same lane, at a
 * point where every parameter is active, and is counted as ending where that start ended.
 */
export function screenLane(
  screen: Solver,
  starts: readonly Float64Array[],
  indices: readonly number[],
  options: MultiStartOptions,
  onStart?: () => void,
): ScreenedStart[] {
  const p = starts.length ? starts[0].length : 0;
  const metric = screen.geometry && options.joinRadius > 0 ? metricFactor(screen.geometry, p) : null;
  const paths = metric ? new PathIndex(p, options.joinRadius) : null;
  const point = new Float64Array(p);
  const out: ScreenedStart[] = [];
  for (const s of indices) {
    if (!paths || !metric) {
      const r = screen(starts[s]);
      out.push({ ...r, joined: -1 });
      onStart?.();
      continue;
    }
    const trail: number[] = [];
    let joinedTo = -1;
    let quiet = 0;
    const r = screen(starts[s], (x) => {
      toMetric(metric, x, point, p);
      for (let j = 0; j < p; j++) trail.push(point[j]);
      if (quiet > 0) {
        quiet--;
        return false;
      }
      const candidate = paths.near(point);
      if (candidate < 0) return false;
      if (!options.allActive(x)) {
        quiet = recheckAfter;
        return false;
      }
      joinedTo = candidate;
      return true;
    });
    out.push({ ...r, joined: joinedTo });
    onStart?.();
    // A path goes in once its run has stopped, each point labelled with the run whose end it
    // leads to; a run never joins its own path.
    if (Number.isFinite(r.f)) paths.add(trail, joinedTo >= 0 ? joinedTo : s);
  }
  return out;
}

/**
 * Screens every start with `screen` (converged far enough to tell basins apart), in `lanes`
 * lanes (see laneStarts; `runner` may run some on other threads), then `polish`es from the
 * few lowest distinct end points and keeps the best.
 *
 * Much of a multi-start's time goes into starts that crawl down the same valleys: with a
 * parameter geometry, starts stop where they join an earlier start's path (see screenLane).
 * Starts whose own run ended within the relative tolerance of the best, or who joined such a
 * run, count as having reached the best.
 */
export function multiStart(
  screen: Solver,
  polish: Solver,
  starts: readonly Float64Array[],
  options: MultiStartOptions,
  lanes = 1,
  runner?: LaneRunner,
): MultiStartResult {
  const byLane = laneStarts(starts.length, lanes);
  const local = (lane: number): ScreenedStart[] => screenLane(screen, starts, byLane[lane], options);
  const results = runner ? runner(byLane, local) : byLane.map((_, l) => local(l));
  const screened: ScreenedStart[] = new Array(starts.length);
  byLane.forEach((indices, l) => indices.forEach((s, k) => (screened[s] = results[l][k])));

  const joined = Int32Array.from(screened, (r) => r.joined);
  const own = screened.filter((r) => r.joined < 0 && Number.isFinite(r.f)).sort((a, b) => a.f - b.f);
  if (own.length === 0) throw new Error('multiStart: no start gave a finite objective');
  // Where joined starts stopped: not ends, but often deep in the best's valley, so also places
  // to polish from (the polish picks the lowest of a few descents to the floor of rounding).
  const stops = screened.filter((r) => r.joined >= 0 && Number.isFinite(r.f)).sort((a, b) => a.f - b.f);
  const lowest = own[0].f;
  const candidates: ScreenedStart[] = [];
  const pick = (pool: ScreenedStart[], count: number): void => {
    let taken = 0;
    for (const r of pool) {
      if (taken === count || r.f > lowest + 0.01 * Math.abs(lowest)) break;
      if (!candidates.some((c) => sameVector(c.x, r.x))) {
        candidates.push(r);
        taken++;
      }
    }
  };
  pick(own, polishedCandidates);
  pick(stops, polishedStops);
  let best: MinimizeResult | null = null;
  for (const c of candidates) {
    const q = polish(c.x);
    const r: MinimizeResult =
      q.f <= c.f
        ? { ...q, iterations: c.iterations + q.iterations, evaluations: c.evaluations + q.evaluations }
        : { x: c.x, f: c.f, projectedGradient: c.projectedGradient, iterations: c.iterations, evaluations: c.evaluations, converged: c.converged, reason: c.reason };
    if (best === null || r.f < best.f) best = r;
  }
  const found = best as MinimizeResult;
  const bar = found.f + options.relativeTolerance * Math.abs(found.f) + 1e-15;

  const outcomes: StartOutcomes = { reachedBest: 0, joinedBest: 0, endedElsewhere: 0, joinedElsewhere: 0, unfinished: 0 };
  for (const r of screened) {
    if (r.joined >= 0) {
      if (screened[r.joined].f <= bar) outcomes.joinedBest++;
      else outcomes.joinedElsewhere++;
    } else if (r.f <= bar) outcomes.reachedBest++;
    else if (r.converged) outcomes.endedElsewhere++;
    else outcomes.unfinished++;
  }
  return { best: found, starts: starts.length, startsAtBest: outcomes.reachedBest + outcomes.joinedBest, outcomes, joined };
}

/**
 * The points of finished paths, each labelled with the start whose end its path leads to,
 * bucketed on a grid sixteen radii wide: a query looks in at most two cells per coordinate and
 * usually in one (narrower cells meant more lookups per query than points scanned).
 */
class PathIndex {
  private readonly cells = new Map<number, number[]>();
  private points: Float64Array;
  private owners = new Int32Array(256);
  private count = 0;
  private readonly cellWidth: number;
  private readonly cell: Int32Array;
  private readonly base: Int32Array;
  private readonly side: Int8Array;

  constructor(
    private readonly p: number,
    private readonly radius: number,
  ) {
    this.cellWidth = 16 * radius;
    this.points = new Float64Array(256 * p);
    this.cell = new Int32Array(p);
    this.base = new Int32Array(p);
    this.side = new Int8Array(p);
  }

  /**
   * Adds a finished path's points. A point within half the radius of one already stored for the
   * same owner adds nothing a query could find, and skipping it keeps the cells near the
   * common end points, where hundreds of paths converge, short.
   */
  add(trail: readonly number[], owner: number): void {
    const { p } = this;
    const x = new Float64Array(p);
    for (let k = 0; k + p <= trail.length; k += p) {
      for (let j = 0; j < p; j++) x[j] = trail[k + j];
      if (this.near(x, 0.5 * this.radius) === owner) continue;
      if (this.count === this.owners.length) {
        const grown = new Float64Array(this.points.length * 2);
        grown.set(this.points);
        this.points = grown;
        const owners = new Int32Array(this.owners.length * 2);
        owners.set(this.owners);
        this.owners = owners;
      }
      for (let j = 0; j < p; j++) {
        this.points[this.count * p + j] = trail[k + j];
        this.cell[j] = Math.floor(trail[k + j] / this.cellWidth);
      }
      const key = hashCell(this.cell);
      const list = this.cells.get(key);
      if (list) list.push(this.count);
      else this.cells.set(key, [this.count]);
      this.owners[this.count] = owner;
      this.count++;
    }
  }

  /** The owner of a stored point within `radius` of x (largest coordinate difference), or −1. */
  near(x: Float64Array, radius = this.radius): number {
    const { p, cellWidth, cell, base, side } = this;
    if (this.count === 0) return -1;
    // Per coordinate, the neighbouring cell to visit too (−1, 0 for none, +1).
    let spread = 0;
    for (let j = 0; j < p; j++) {
      const u = x[j] / cellWidth;
      const c = Math.floor(u);
      base[j] = c;
      const frac = (u - c) * cellWidth;
      side[j] = frac < radius ? -1 : frac > cellWidth - radius ? 1 : 0;
      if (side[j] !== 0) spread++;
    }
    for (let mask = 0; mask < 1 << spread; mask++) {
      for (let j = 0, bit = 0; j < p; j++) {
        cell[j] = base[j];
        if (side[j] !== 0) {
          if (mask & (1 << bit)) cell[j] += side[j];
          bit++;
        }
      }
      const list = this.cells.get(hashCell(cell));
      if (!list) continue;
      for (const i of list) {
        let close = true;
        for (let j = 0; j < p && close; j++) close = Math.abs(this.points[i * p + j] - x[j]) <= radius;
        if (close) return this.owners[i];
      }
    }
    return -1;
  }
}

/** A 32-bit key for a grid cell; collisions only put unrelated points in one list. */
function hashCell(cell: Int32Array): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < cell.length; j++) h = Math.imul(h ^ cell[j], 0x01000193) ^ (h >>> 15);
  return h;
}

/** Lower Cholesky factor L of B (B = L·Lᵀ), so that φ = Lᵀ·θ has ‖φ‖² = θᵀ·B·θ; null if B is not positive definite. */
function metricFactor(b: Float64Array, p: number): Float64Array | null {
  const l = Float64Array.from(b);
  return choleskyFactor(l, p) ? l : null;
}

/** out ← Lᵀ·x. */
function toMetric(l: Float64Array, x: Float64Array, out: Float64Array, p: number): void {
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = i; j < p; j++) s += l[j * p + i] * x[j];
    out[i] = s;
  }
}

function sameVector(a: Float64Array, b: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if (Math.abs(a[j] - b[j]) > 1e-6 * Math.max(1, Math.abs(a[j]))) return false;
  return true;
}

/** Distinct starts in θ, clamped into the bounds, non-finite ones dropped. */
export function distinctStarts(thetas: readonly Float64Array[], lower: Float64Array, upper: Float64Array): Float64Array[] {
  const seen = new Set<string>();
  const out: Float64Array[] = [];
  for (const t of thetas) {
    const c = Float64Array.from(t, (v, j) => Math.min(upper[j], Math.max(lower[j], v)));
    if (!c.every(Number.isFinite)) continue;
    const key = Array.from(c).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/** Whether every parameter still moves some prediction at θ (see MultiStartOptions.allActive). */
export function activityCheck(law: Law, x: readonly Float64Array[], space: ResidualSpace): (theta: Float64Array) => boolean {
  const model = compileLaw(law, x, space);
  const p = law.parameters.length;
  const pred = new Float64Array(model.n);
  const jac = new Float64Array(model.n * p);
  const largest = new Float64Array(p);
  return (theta) => {
    if (!model.evaluate(theta, pred, jac)) return false;
    largest.fill(0);
    for (let i = 0; i < model.n; i++) for (let j = 0; j < p; j++) largest[j] = Math.max(largest[j], Math.abs(jac[i * p + j]));
    return largest.every((v) => v >= 1e-3);
  };
}
