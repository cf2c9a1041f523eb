/**
 * Binomial coefficients and quadrature for the exact estimators. Counts of k-subsets of up to
 * about a thousand samples fit a double (C(1000, 500) ≈ 2.7e299); estimators past that switch
 * to ratios or to Monte Carlo.
 */

/** Largest n whose central binomial coefficient is finite in a double. */
export const MAX_EXACT_N = 1020;

const rowCache = new Map<number, Float64Array>();

/** C(m, 0..m), built multiplicatively (each entry correctly rounded to a few ulps); cached. */
export function binomialRow(m: number): Float64Array {
  let row = rowCache.get(m);
  if (row) return row;
  row = new Float64Array(m + 1);
  row[0] = 1;
  const half = m >> 1;
  for (let j = 1; j <= half; j++) row[j] = (row[j - 1] * (m - j + 1)) / j;
  for (let j = half + 1; j <= m; j++) row[j] = row[m - j];
  if (rowCache.size > 4096) rowCache.clear();
  rowCache.set(m, row);
  return row;
}

/** C(n, k) as a double (Infinity past its range; 0 outside 0 ≤ k ≤ n). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  if (n <= MAX_EXACT_N) return binomialRow(n)[k];
  return Math.exp(logBinomial(n, k));
}

let logFact = new Float64Array([0, 0]);

/** log(m!) from a growing table. */
export function logFactorial(m: number): number {
  if (m >= logFact.length) {
    const next = new Float64Array(Math.max(m + 1, logFact.length * 2));
    next.set(logFact);
    for (let i = logFact.length; i < next.length; i++) next[i] = next[i - 1] + Math.log(i);
    logFact = next;
  }
  return logFact[m];
}

export function logBinomial(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const legendreCache = new Map<number, { nodes: Float64Array; weights: Float64Array }>();

/**
 * Gauss–Legendre rule with q nodes on [0, 1]: exact for polynomials of degree ≤ 2q − 1.
 * Nodes by Newton's method on P_q from the usual cosine starting guesses.
 */
export function gaussLegendre01(q: number): { nodes: Float64Array; weights: Float64Array } {
  let rule = legendreCache.get(q);
  if (rule) return rule;
  const nodes = new Float64Array(q);
  const weights = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (q + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = x;
      for (let j = 2; j <= q; j++) {
        const p2 = ((2 * j - 1) * x * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      const pq = q === 1 ? x : p1;
      const pPrev = q === 1 ? 1 : p0;
      dp = (q * (x * pq - pPrev)) / (x * x - 1);
      const dx = pq / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = (1 - x) / 2;
    weights[i] = 1 / ((1 - x * x) * dp * dp);
  }
  rule = { nodes, weights };
  legendreCache.set(q, rule);
  return rule;
}
