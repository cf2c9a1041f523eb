/**
 * Golden-section search for the minimum of a unimodal function on [lo, hi]: no derivatives,
 * one evaluation per step, for one-dimensional optima such as a point on an iso-FLOP curve.
 * Stops after `maxIterations` or when the bracket is narrower than
 * `absoluteTolerance + relativeTolerance · max(1, |hi|)`; returns the final bracket.
 */
export function goldenSection(
  f: (x: number) => number,
  lo: number,
  hi: number,
  options: { maxIterations: number; absoluteTolerance?: number; relativeTolerance?: number },
): { lo: number; hi: number } {
  const abs = options.absoluteTolerance ?? 0;
  const rel = options.relativeTolerance ?? 0;
  const phi = (Math.sqrt(5) - 1) / 2;
  let u1 = hi - phi * (hi - lo);
  let u2 = lo + phi * (hi - lo);
  let f1 = f(u1);
  let f2 = f(u2);
  for (let it = 0; it < options.maxIterations && hi - lo > abs + rel * Math.max(1, Math.abs(hi)); it++) {
    if (f1 <= f2) {
      hi = u2;
      u2 = u1;
      f2 = f1;
      u1 = hi - phi * (hi - lo);
      f1 = f(u1);
    } else {
      lo = u1;
      u1 = u2;
      f1 = f2;
      u2 = lo + phi * (hi - lo);
      f2 = f(u2);
    }
  }
  return { lo, hi };
}
