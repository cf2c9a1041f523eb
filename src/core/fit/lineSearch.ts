/**
 * Moré–Thuente line search (Moré and Thuente 1994, MINPACK-2 `dcsrch`/`dcstep`), the one
 * L-BFGS-B uses. It stops at the first step meeting the Wolfe conditions (sufficient decrease,
 * and φ'(t) ≥ c2·φ'(0)), which keep every quasi-Newton update positive definite (sᵀy > 0);
 * not also demanding |φ'(t)| small, as the strong form does, saves evaluations on Huber
 * objectives, whose slope jumps as residuals cross δ.
 */

/** φ(stp) = f(x + stp·d); after `value`, `slope` holds φ'(stp). */
export interface LineFunction {
  value(stp: number): number;
  slope: number;
}

export type LineSearchStatus = 'wolfe' | 'bound' | 'decrease' | 'fail';

export interface LineSearchResult {
  /** `wolfe`: both conditions hold; `bound`: stopped at stpmax, still decreasing; `decrease`: only f fell. */
  status: LineSearchStatus;
  stp: number;
  f: number;
  evaluations: number;
  /** False when `stp` is not the last point evaluated, so the caller must evaluate it again. */
  current: boolean;
}

export interface LineSearchOptions {
  /** Sufficient decrease (Armijo) constant. */
  c1: number;
  /** Curvature constant. */
  c2: number;
  /** Relative width of the bracket below which the search gives up. */
  xtol: number;
  maxEvaluations: number;
}

/** L-BFGS-B's own constants (`lnsrlb`). */
export const defaultLineSearch: LineSearchOptions = { c1: 1e-3, c2: 0.9, xtol: 0.1, maxEvaluations: 20 };

interface Bracket {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

export function moreThuente(
  fn: LineFunction,
  finit: number,
  ginit: number,
  stp0: number,
  stpmax: number,
  opts: LineSearchOptions = defaultLineSearch,
): LineSearchResult {
  if (!(ginit < 0) || !(stpmax > 0)) return { status: 'fail', stp: 0, f: finit, evaluations: 0, current: false };
  const xtrapl = 1.1;
  const xtrapu = 4;
  const gtest = opts.c1 * ginit;
  const b: Bracket = { stx: 0, fx: finit, dx: ginit, sty: 0, fy: finit, dy: ginit, brackt: false };
  let stp = Math.min(stp0, stpmax);
  let stage = 1;
  let width = stpmax;
  let width1 = 2 * width;
  let stmin = 0;
  let stmax = stp + xtrapu * stp;
  // The smallest step at which the function was undefined; steps stay below it.
  let ceiling = Infinity;
  let evaluations = 0;

  for (;;) {
    const f = fn.value(stp);
    const g = fn.slope;
    evaluations++;
    if (!Number.isFinite(f) || !Number.isFinite(g)) {
      ceiling = Math.min(ceiling, stp);
      if (evaluations >= opts.maxEvaluations || stp - b.stx <= 1e-16 * Math.max(1, stp)) return finish('fail', Infinity, stp, finit, gtest, b, evaluations);
      stp = b.stx + 0.25 * (stp - b.stx);
      continue;
    }
    const ftest = finit + stp * gtest;
    if (stage === 1 && f <= ftest && g >= 0) stage = 2;
    if (f <= ftest && g >= opts.c2 * ginit) return finish('wolfe', f, stp, finit, gtest, b, evaluations);
    if (b.brackt && (stp <= stmin || stp >= stmax)) return finish('decrease', f, stp, finit, gtest, b, evaluations);
    if (b.brackt && stmax - stmin <= opts.xtol * stmax) return finish('decrease', f, stp, finit, gtest, b, evaluations);
    if (stp === stpmax && f <= ftest && g <= gtest) return finish('bound', f, stp, finit, gtest, b, evaluations);
    if (evaluations >= opts.maxEvaluations) return finish('decrease', f, stp, finit, gtest, b, evaluations);

    // In stage 1 the step is chosen on the modified function ψ(t) = φ(t) − φ(0) − t·c1·φ'(0).
    if (stage === 1 && f <= b.fx && f > ftest) {
      b.fx -= b.stx * gtest;
      b.fy -= b.sty * gtest;
      b.dx -= gtest;
      b.dy -= gtest;
      stp = cstep(b, stp, f - stp * gtest, g - gtest, stmin, stmax);
      b.fx += b.stx * gtest;
      b.fy += b.sty * gtest;
      b.dx += gtest;
      b.dy += gtest;
    } else {
      stp = cstep(b, stp, f, g, stmin, stmax);
    }

    if (b.brackt) {
      if (Math.abs(b.sty - b.stx) >= 0.66 * width1) stp = b.stx + 0.5 * (b.sty - b.stx);
      width1 = width;
      width = Math.abs(b.sty - b.stx);
      stmin = Math.min(b.stx, b.sty);
      stmax = Math.max(b.stx, b.sty);
    } else {
      stmin = stp + xtrapl * (stp - b.stx);
      stmax = stp + xtrapu * (stp - b.stx);
    }
    stp = Math.min(Math.max(stp, 0), stpmax);
    if (stp >= ceiling) stp = b.stx + 0.5 * (ceiling - b.stx);
    if ((b.brackt && (stp <= stmin || stp >= stmax)) || (b.brackt && stmax - stmin <= opts.xtol * stmax)) stp = b.stx;
  }
}

/**
 * The result: a Wolfe or bound step as found; otherwise the best point with sufficient
 * decrease, which may be the bracket's best end rather than the last point evaluated.
 */
function finish(status: LineSearchStatus, f: number, stp: number, finit: number, gtest: number, b: Bracket, evaluations: number): LineSearchResult {
  if (status === 'wolfe' || status === 'bound') return { status, stp, f, evaluations, current: true };
  if (f <= finit + stp * gtest && f < finit) return { status: 'decrease', stp, f, evaluations, current: true };
  if (b.fx < finit && b.stx > 0) return { status: 'decrease', stp: b.stx, f: b.fx, evaluations, current: false };
  return { status: 'fail', stp, f, evaluations, current: true };
}

/** One safeguarded cubic/quadratic step (`dcstep`), updating the bracket in place. */
function cstep(b: Bracket, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, dx, sty, fy, dy } = b;
  const sgnd = dp * Math.sign(dx);
  let stpf: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const stpc = stx + (p / q) * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    b.brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const stpc = stp + (p / q) * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    b.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (b.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(stpmin, Math.min(stpmax, stpf));
    }
  } else if (b.brackt) {
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dy / s) * (dp / s)));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    stpf = stp + (p / q) * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }

  if (fp > fx) {
    b.sty = stp;
    b.fy = fp;
    b.dy = dp;
  } else {
    if (sgnd < 0) {
      b.sty = stx;
      b.fy = fx;
      b.dy = dx;
    }
    b.stx = stp;
    b.fx = fp;
    b.dx = dp;
  }
  return stpf;
}
