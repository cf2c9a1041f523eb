import type { Interval } from './types';

/** Linear-interpolation quantile of sorted values (type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile interval of the finite values; null when fewer than half are finite, since the
 * interval would then describe a minority of resamples.
 */
export function percentileInterval(values: ArrayLike<number>, level: number): Interval | null {
  const finite = Float64Array.from(Array.prototype.filter.call(values, Number.isFinite) as number[]);
  if (finite.length === 0 || finite.length < 0.5 * values.length) return null;
  finite.sort();
  const tail = (1 - level) / 2;
  return [quantileSorted(finite, tail), quantileSorted(finite, 1 - tail)];
}
