import { goldenSection } from '../fit/goldenSection';
/**
 * The compute-optimal split of a FLOP budget for any loss surface L(N, D), found numerically:
 * a scan of the iso-FLOP line k·N·D = C in log tokens-per-parameter, then golden-section
 * refinement around the best scanned point. Closed forms exist for some laws (Chinchilla's
 * eq. 4); this is for the others, and for checking those.
 */

export interface IsoFlopOptimum {
  N: number;
  D: number;
  loss: number;
}

/** Tokens-per-parameter range searched: far beyond any sensible plan on both sides. */
const logRatioMin = Math.log(1e-4);
const logRatioMax = Math.log(1e8);
const scanPoints = 97;

export function minimizeOnIsoFlop(lossAt: (N: number, D: number) => number, C: number, k: number): IsoFlopOptimum {
  const nd = C / k;
  if (!(nd > 0) || !Number.isFinite(nd)) return { N: NaN, D: NaN, loss: NaN };
  const logNd = Math.log(nd);
  // r = log(D/N): N = sqrt(ND/e^r), D = sqrt(ND·e^r).
  const at = (r: number): number => {
    const v = lossAt(Math.exp(0.5 * (logNd - r)), Math.exp(0.5 * (logNd + r)));
    return Number.isFinite(v) ? v : Infinity;
  };
  const h = (logRatioMax - logRatioMin) / (scanPoints - 1);
  let bestK = -1;
  let bestV = Infinity;
  for (let i = 0; i < scanPoints; i++) {
    const v = at(logRatioMin + i * h);
    if (v < bestV) {
      bestV = v;
      bestK = i;
    }
  }
  // A best point at the end of the range means the loss keeps falling past any sensible plan
  // (the surface has no optimum there, e.g. extrapolated far outside its data): say so.
  if (bestK <= 0 || bestK >= scanPoints - 1) return { N: NaN, D: NaN, loss: NaN };
  let lo = logRatioMin + Math.max(0, bestK - 1) * h;
  let hi = logRatioMin + Math.min(scanPoints - 1, bestK + 1) * h;
  ({ lo, hi } = goldenSection(at, lo, hi, { maxIterations: 100, absoluteTolerance: 1e-11 }));
  const r = 0.5 * (lo + hi);
  const N = Math.exp(0.5 * (logNd - r));
  const D = Math.exp(0.5 * (logNd + r));
  return { N, D, loss: lossAt(N, D) };
}

/**
 * The least compute whose optimum reaches `target`: a root of L*(C) − target in log C (the
 * optimal loss falls smoothly with compute), by the Illinois variant of regula falsi, which
 * converges superlinearly where bisection would need some fifty optimizations.
 * NaN when even `maxFlops` does not reach it.
 */
export function computeForLoss(lossAt: (N: number, D: number) => number, target: number, k: number, minFlops = 1e6, maxFlops = 1e40): IsoFlopOptimum & { C: number } {
  const none = { C: NaN, N: NaN, D: NaN, loss: NaN };
  const best = (logC: number) => minimizeOnIsoFlop(lossAt, Math.exp(logC), k);
  let a = Math.log(minFlops);
  let b = Math.log(maxFlops);
  const top = best(b);
  if (!(top.loss <= target)) return none;
  const bottom = best(a);
  if (bottom.loss <= target) return { C: minFlops, ...bottom };
  let fa = bottom.loss - target;
  let fb = top.loss - target;
  let side = 0;
  let last = top;
  for (let it = 0; it < 200 && b - a > 1e-12 * Math.max(1, Math.abs(b)); it++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const o = best(c);
    const fc = o.loss - target;
    if (!Number.isFinite(fc)) return none;
    if (fc <= 0) {
      b = c;
      fb = fc;
      last = o;
      if (side === -1) fa /= 2;
      side = -1;
    } else {
      a = c;
      fa = fc;
      if (side === 1) fb /= 2;
      side = 1;
    }
    if (Math.abs(fc) <= 1e-14 * Math.abs(target)) break;
  }
  return { C: Math.exp(b), ...last };
}
