/**
 * Solve or verify at equal compute ("When To Solve, When To Verify", Singhi et al. 2025).
 * With a fixed budget counted in solutions, one can spend it all on solutions and take the
 * majority (self-consistency), or on fewer solutions each checked by a verifier that costs λ
 * solutions (generative verification: λ ≈ verification tokens / solution tokens) and keep the
 * best-scored. The comparison puts both accuracy curves on the same compute axis and reports
 * where, if anywhere, verification starts to pay.
 */
export interface SolveVerifyPoint {
  /** Compute in solution-equivalents. */
  compute: number;
  accuracy: number;
  lo: number;
  hi: number;
  /** Solutions sampled. */
  solutions: number;
}

export interface SolveVerifyComparison {
  /** Cost of one verification, in solutions. */
  verifyCost: number;
  solve: SolveVerifyPoint[];
  verify: SolveVerifyPoint[];
  /** Smallest compute at which verification beats majority voting at the same compute, or null. */
  crossover: number | null;
}

export interface CurvePoints {
  value: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

/** `majority` and `bestOfN` are curves over k = 1..K (index k − 1). */
export function solveVersusVerify(majority: CurvePoints, bestOfN: CurvePoints, verifyCost: number): SolveVerifyComparison {
  const K = majority.value.length;
  const solve: SolveVerifyPoint[] = [];
  const verify: SolveVerifyPoint[] = [];
  for (let k = 1; k <= K; k++) solve.push({ compute: k, accuracy: majority.value[k - 1], lo: majority.lo[k - 1], hi: majority.hi[k - 1], solutions: k });
  for (let s = 1; s <= bestOfN.value.length; s++) {
    verify.push({ compute: s * (1 + verifyCost), accuracy: bestOfN.value[s - 1], lo: bestOfN.lo[s - 1], hi: bestOfN.hi[s - 1], solutions: s });
  }
  // Majority accuracy at a compute between integer k: the better of the affordable k (no interpolation).
  const solveAt = (c: number): number => {
    const k = Math.min(K, Math.floor(c + 1e-9));
    return k >= 1 ? Math.max(...solve.slice(0, k).map((p) => p.accuracy)) : NaN;
  };
  let crossover: number | null = null;
  for (const p of verify) {
    if (p.compute > K) break;
    if (p.accuracy > solveAt(p.compute)) {
      crossover = p.compute;
      break;
    }
  }
  return { verifyCost, solve, verify, crossover };
}
