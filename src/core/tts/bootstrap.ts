import { quantileSorted } from '../fit/quantile';
import type { ProblemCurves } from './curves';
import { FastRandom } from './random';

/**
 * Percentile bootstrap over problems for means of per-problem curves. A resample draws P
 * problems with replacement; its mean curve is Σ_g w_g · row_g / P, where w_g counts the draws
 * that landed on problems sharing row g. So each resample costs P draws plus one pass over the
 * distinct rows' active entries, never a copy of the data; all curves given together share
 * the same draws (paired), so differences between them are resampled consistently.
 */

export interface BootstrapOptions {
  /** Resamples; default 1000. */
  resamples?: number;
  /** Default 0: same data and seed, same intervals. */
  seed?: number;
  /** Interval coverage; default 0.95. */
  level?: number;
  /** Keep every resample's mean curve (e.g. to refit a law on each). */
  keepDraws?: boolean;
}

export const DEFAULT_RESAMPLES = 1000;

export interface Band {
  value: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  /** Resample means, resamples × K row-major, with `keepDraws`. */
  draws?: Float64Array;
}

/** Resamples handled together: their draw counts stay in cache while the rows stream past. */
const BLOCK = 32;
/** Distinct rows per pass of the inner kernel (64 rows × 100 k ≈ 50 KiB). */
const ROW_BLOCK = 64;

export function bootstrapCurves(sets: readonly ProblemCurves[], options: BootstrapOptions = {}): Band[] {
  const B = options.resamples ?? DEFAULT_RESAMPLES;
  const level = options.level ?? 0.95;
  const P = sets[0]?.problems ?? 0;
  for (const s of sets) if (s.problems !== P) throw new Error('bootstrapCurves: every curve set must cover the same problems');
  const means = sets.map((s) => s.mean());
  if (B === 0 || P === 0) return means.map((value) => ({ value, lo: value.slice(), hi: value.slice() }));

  const random = new FastRandom(options.seed ?? 0);
  const picks = new Int32Array(P);
  const block = Math.max(1, Math.min(BLOCK, Math.floor(4_000_000 / Math.max(...sets.map((s) => s.distinct)))));
  const draws = sets.map((s) => new Float64Array(B * s.K));
  const groupWeights = sets.map((s) => new Float64Array(block * s.distinct));
  const tails = sets.map((s) => new Float64Array(block * (s.K + 1)));

  for (let b0 = 0; b0 < B; b0 += block) {
    const nb = Math.min(block, B - b0);
    for (const gw of groupWeights) gw.fill(0);
    for (let b = 0; b < nb; b++) {
      for (let j = 0; j < P; j++) picks[j] = random.int(P);
      sets.forEach((s, m) => countRows(picks, s.rowOf, groupWeights[m], b * s.distinct));
    }
    sets.forEach((s, m) => accumulate(s, nb, groupWeights[m], tails[m], draws[m], b0));
  }
  return sets.map((s, m) => {
    const band = percentileBand(draws[m], B, s.K, level);
    return { value: means[m], lo: band.lo, hi: band.hi, ...(options.keepDraws ? { draws: draws[m] } : {}) };
  });
}

/** Draws per distinct row: how often the resample picked a problem with that curve. */
function countRows(picks: Int32Array, rowOf: Int32Array, gw: Float64Array, offset: number): void {
  for (let j = 0; j < picks.length; j++) gw[offset + rowOf[picks[j]]]++;
}

function accumulate(s: ProblemCurves, nb: number, gw: Float64Array, tailAcc: Float64Array, draws: Float64Array, b0: number): void {
  const G = s.distinct;
  const K = s.K;
  const P = s.problems;
  tailAcc.fill(0, 0, nb * (K + 1));
  const rows = s.rows;
  const active = s.active;
  const tail = s.tail;
  for (let g0 = 0; g0 < G; g0 += ROW_BLOCK) {
    const g1 = Math.min(G, g0 + ROW_BLOCK);
    let b = 0;
    // Four resamples at a time: each row entry is loaded once for four accumulations.
    for (; b + 3 < nb; b += 4) {
      const o0 = (b0 + b) * K;
      const o1 = o0 + K;
      const o2 = o1 + K;
      const o3 = o2 + K;
      const og = b * G;
      for (let g = g0; g < g1; g++) {
        const w0 = gw[og + g];
        const w1 = gw[og + G + g];
        const w2 = gw[og + 2 * G + g];
        const w3 = gw[og + 3 * G + g];
        const a = active[g];
        const r = g * K;
        for (let k = 0; k < a; k++) {
          const x = rows[r + k];
          draws[o0 + k] += w0 * x;
          draws[o1 + k] += w1 * x;
          draws[o2 + k] += w2 * x;
          draws[o3 + k] += w3 * x;
        }
        // The constant tail is added once, at its start, and spread by a running sum below.
        const ot = b * (K + 1) + a;
        const v = tail[g];
        tailAcc[ot] += w0 * v;
        tailAcc[ot + K + 1] += w1 * v;
        tailAcc[ot + 2 * (K + 1)] += w2 * v;
        tailAcc[ot + 3 * (K + 1)] += w3 * v;
      }
    }
    for (; b < nb; b++) {
      const out = (b0 + b) * K;
      const og = b * G;
      const ot = b * (K + 1);
      for (let g = g0; g < g1; g++) {
        const w = gw[og + g];
        if (w === 0) continue;
        const a = active[g];
        const r = g * K;
        for (let k = 0; k < a; k++) draws[out + k] += w * rows[r + k];
        tailAcc[ot + a] += w * tail[g];
      }
    }
  }
  for (let b = 0; b < nb; b++) {
    const out = (b0 + b) * K;
    const ot = b * (K + 1);
    let run = 0;
    for (let k = 0; k < K; k++) {
      run += tailAcc[ot + k];
      draws[out + k] = (draws[out + k] + run) / P;
    }
  }
}

/** Per-k percentile interval (numpy's default linear interpolation) of resample means. */
export function percentileBand(draws: Float64Array, B: number, K: number, level: number): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(K);
  const hi = new Float64Array(K);
  const column = new Float64Array(B);
  const tailP = (1 - level) / 2;
  for (let k = 0; k < K; k++) {
    for (let b = 0; b < B; b++) column[b] = draws[b * K + k];
    column.sort();
    lo[k] = quantileSorted(column, tailP);
    hi[k] = quantileSorted(column, 1 - tailP);
  }
  return { lo, hi };
}

/** Bootstrap interval of a mean of per-problem values (a one-point curve). */
export function bootstrapMean(values: Float64Array, options: BootstrapOptions = {}): { value: number; lo: number; hi: number } {
  const B = options.resamples ?? DEFAULT_RESAMPLES;
  const P = values.length;
  let sum = 0;
  for (let i = 0; i < P; i++) sum += values[i];
  const value = P ? sum / P : NaN;
  if (B === 0 || P === 0) return { value, lo: value, hi: value };
  const random = new FastRandom(options.seed ?? 0);
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let j = 0; j < P; j++) s += values[random.int(P)];
    means[b] = s / P;
  }
  means.sort();
  const t = (1 - (options.level ?? 0.95)) / 2;
  return { value, lo: quantileSorted(means, t), hi: quantileSorted(means, 1 - t) };
}
