import type { MinimizeResult } from './optimizer';
import type { Solver } from './solver';

export interface MultiStartResult {
  best: MinimizeResult;
  starts: number;
  /** Starts whose objective came within the tolerance of the best: few means a rugged surface. */
  startsAtBest: number;
}

/** How many of the lowest screened end points are polished, in case screening stopped one early. */
const polishedCandidates = 3;

/**
 * Runs every start with `screen` (converged far enough to tell basins apart), then `polish`
 * from the few lowest distinct end points and keeps the best. Starts whose screened objective
 * is within the relative tolerance of it count as having reached the best.
 */
export function multiStart(screen: Solver, polish: Solver, starts: readonly Float64Array[], relativeTolerance: number): MultiStartResult {
  const screened = starts.map((start) => screen(start));
  const ranked = screened.filter((r) => Number.isFinite(r.f)).sort((a, b) => a.f - b.f);
  if (ranked.length === 0) throw new Error('multiStart: no start gave a finite objective');
  const candidates: MinimizeResult[] = [];
  for (const r of ranked) {
    if (candidates.length === polishedCandidates || r.f > ranked[0].f + 0.01 * Math.abs(ranked[0].f)) break;
    if (!candidates.some((c) => sameVector(c.x, r.x))) candidates.push(r);
  }
  let best: MinimizeResult | null = null;
  for (const c of candidates) {
    const p = polish(c.x);
    const r = p.f <= c.f ? { ...p, iterations: c.iterations + p.iterations, evaluations: c.evaluations + p.evaluations } : c;
    if (best === null || r.f < best.f) best = r;
  }
  const found = best ?? ranked[0];
  const bar = found.f + relativeTolerance * Math.abs(found.f) + 1e-15;
  return { best: found, starts: starts.length, startsAtBest: screened.filter((r) => r.f <= bar).length };
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
