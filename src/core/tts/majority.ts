import { binomialRow, gaussLegendre01, MAX_EXACT_N } from './combinatorics';
import { FastRandom } from './random';

/**
 * majority@k (self-consistency; Wang et al. 2023): the expected accuracy of a plurality vote
 * over k samples drawn without replacement from a problem's n, for k = 1..kMax.
 *
 * Rules, stated wherever the curve is shown:
 *  - samples without an extracted answer abstain (they are drawn but cast no vote); a draw of
 *    only abstentions answers nothing and scores 0;
 *  - a tie for the most votes is broken uniformly at random among the tied answers, so a
 *    correct answer tied with t others scores 1/(t + 1).
 *
 * Exact computation. For a correct answer with c samples, competitors with m_1..m_r samples
 * and a abstentions, the correct answer with x votes wins when every competitor draws at most
 * x, a tie among T competitors at x crediting 1/(T + 1) = ∫₀¹ u^T du. Counting draws by
 * generating functions in z (votes drawn) and u (ties):
 *   wins_k = Σ_x C(c, x) · [z^(k−x)] ∫₀¹ (1+z)^F_x · Π_{m_j ≥ x} (Σ_{y<x} C(m_j, y) z^y + u·C(m_j, x) z^x) du
 * where F_x gathers the abstentions and the competitors too small to reach x (free draws).
 * The integrand is a polynomial of degree r_x in u, so ⌈(r_x + 1)/2⌉ Gauss–Legendre nodes
 * integrate it exactly. Dividing by C(n, k) gives the probability; one pass over x yields
 * every k at once. Cost ~ Σ_x r_x·x·(n − c) per correct answer: a few thousand operations for
 * typical answer distributions; past MAX_EXACT_N samples or a cost budget, seeded Monte Carlo.
 */

export interface VoteCounts {
  /** Samples per distinct answer. */
  sizes: ArrayLike<number>;
  /** Whether each answer is correct. */
  correct: ArrayLike<number | boolean>;
  /** Samples without an answer. */
  abstain: number;
}

/** Work units (multiply-adds) above which exact computation gives way to Monte Carlo. */
export const EXACT_BUDGET = 4_000_000;

/** Estimated multiply-adds of the exact computation (stops counting past `cap`), to choose it or Monte Carlo. */
export function exactCost(v: VoteCounts, cap = Infinity): number {
  let n = v.abstain;
  for (let i = 0; i < v.sizes.length; i++) n += v.sizes[i];
  let cost = 0;
  for (let g = 0; g < v.sizes.length; g++) {
    if (!v.correct[g]) continue;
    const c = v.sizes[g];
    for (let x = 1; x <= c; x++) {
      let r = 0;
      for (let j = 0; j < v.sizes.length; j++) if (j !== g && v.sizes[j] >= x) r++;
      if (r === 0) break;
      cost += Math.ceil((r + 1) / 2) * r * (x + 1) * (n - c + 1);
      if (cost > cap) return cost;
    }
  }
  return cost;
}

/** Whether majorityAtKExact can handle these counts within budget. */
export function exactFeasible(v: VoteCounts, budget = EXACT_BUDGET): boolean {
  let n = v.abstain;
  for (let i = 0; i < v.sizes.length; i++) n += v.sizes[i];
  return n <= MAX_EXACT_N && exactCost(v, budget) <= budget;
}

/** Exact majority@k for k = 1..kMax into `out[k − 1]`. */
export function majorityAtKExact(v: VoteCounts, kMax: number, out: Float64Array = new Float64Array(kMax)): Float64Array {
  const A = v.sizes.length;
  let n = v.abstain;
  for (let i = 0; i < A; i++) n += v.sizes[i];
  out.fill(0, 0, kMax);
  const wins = new Float64Array(n + 1);
  const others: number[] = [];
  for (let g = 0; g < A; g++) {
    if (!v.correct[g] || v.sizes[g] === 0) continue;
    others.length = 0;
    for (let j = 0; j < A; j++) if (j !== g && v.sizes[j] > 0) others.push(v.sizes[j]);
    // Small competitors first: they leave the tie set earliest and join the free draws.
    others.sort((a, b) => a - b);
    addWins(v.sizes[g], others, v.abstain, n, wins);
  }
  const total = binomialRow(n);
  for (let k = 1; k <= kMax && k <= n; k++) {
    const p = wins[k] / total[k];
    // Rounding leaves a certain win at 1 − 1e-16; snapping makes the curve's tail exactly
    // constant (which the bootstrap skips) and costs at most 1e-13.
    out[k - 1] = p > 1 - 1e-13 ? 1 : p;
  }
  return out;
}

/** Adds to wins[k] the tie-weighted number of k-subsets in which the answer with c samples wins. */
function addWins(c: number, others: number[], abstain: number, n: number, wins: Float64Array): void {
  const rest = n - c;
  const cRow = binomialRow(c);
  const restRow = binomialRow(rest);
  const maxOther = others.length ? others[others.length - 1] : 0;
  // x above every competitor's size: every draw of the rest is free and the answer wins outright.
  for (let x = Math.max(1, maxOther + 1); x <= c; x++) {
    const w = cRow[x];
    for (let s = 0; s <= rest; s++) wins[x + s] += w * restRow[s];
  }
  const poly = new Float64Array(rest + 1);
  const next = new Float64Array(rest + 1);
  const d = new Float64Array(rest + 1);
  let firstTied = 0;
  let free = abstain;
  // Once a single competitor (size m) can still reach x, the free draws F stay fixed and x's
  // polynomial differs from x−1's by one term: S_x = (1+z)^F · Σ_{y<x} C(m, y) z^y grows by
  // C(m, x)·z^x·(1+z)^F and the tie adds half of that, so each x costs O(F), not O(F·x).
  let single: Float64Array | null = null;
  for (let x = 1; x <= Math.min(c, maxOther); x++) {
    while (firstTied < others.length && others[firstTied] < x) free += others[firstTied++];
    const r = others.length - firstTied;
    if (r === 1) {
      const row = binomialRow(others[firstTied]);
      const freeRow = binomialRow(free);
      if (!single) {
        single = new Float64Array(rest + 1);
        for (let y = 0; y < x; y++) for (let s = 0; s <= free; s++) single[s + y] += row[y] * freeRow[s];
      }
      const w = cRow[x];
      const h = row[x];
      for (let s = 0; s <= rest && x + s <= n; s++) wins[x + s] += w * single[s];
      for (let s = 0; s <= free && 2 * x + s <= n; s++) wins[2 * x + s] += 0.5 * w * h * freeRow[s];
      for (let s = 0; s <= free && x + s <= rest; s++) single[x + s] += h * freeRow[s];
      continue;
    }
    const { nodes, weights } = gaussLegendre01(Math.ceil((r + 1) / 2));
    d.fill(0);
    let degD = 0;
    for (let q = 0; q < nodes.length; q++) {
      const u = nodes[q];
      const freeRow = binomialRow(free);
      poly.set(freeRow);
      let deg = free;
      for (let j = firstTied; j < others.length; j++) {
        const m = others[j];
        const row = binomialRow(m);
        // Multiply by Σ_{y<x} C(m, y) z^y + u·C(m, x) z^x.
        const newDeg = deg + x;
        next.fill(0, 0, newDeg + 1);
        for (let y = 0; y <= x; y++) {
          const coef = y < x ? row[y] : u * row[x];
          if (coef === 0) continue;
          for (let s = 0; s <= deg; s++) next[s + y] += coef * poly[s];
        }
        poly.set(next.subarray(0, newDeg + 1));
        deg = newDeg;
      }
      const w = weights[q];
      for (let s = 0; s <= deg; s++) d[s] += w * poly[s];
      if (deg > degD) degD = deg;
    }
    const w = cRow[x];
    for (let s = 0; s <= degD && x + s <= n; s++) wins[x + s] += w * d[s];
  }
}

export interface MonteCarloCurve {
  value: Float64Array;
  /** Standard error of each value. */
  se: Float64Array;
  trials: number;
}

/**
 * majority@k by simulation: each trial is a random order of the samples, and its first k form
 * the k-subset, so one trial scores every k. `answer[i]` is sample i's answer id (−1 abstains)
 * and `correctAnswer[a]` whether answer a is correct; ties score correct-tied / tied.
 */
export function majorityAtKMonteCarlo(answer: ArrayLike<number>, correctAnswer: ArrayLike<number | boolean>, kMax: number, trials: number, seed: number): MonteCarloCurve {
  const n = answer.length;
  const A = correctAnswer.length;
  // Sorted first, so the estimate depends on the multiset of answers, not their recorded order.
  const order = Int32Array.from(answer).sort();
  const votes = new Int32Array(A);
  const isCorrect = new Uint8Array(A);
  for (let a = 0; a < A; a++) isCorrect[a] = correctAnswer[a] ? 1 : 0;
  const sum = new Float64Array(kMax);
  const sumSq = new Float64Array(kMax);
  const random = new FastRandom(seed);
  for (let t = 0; t < trials; t++) {
    votes.fill(0);
    let max = 0;
    let atMax = 0;
    let correctAtMax = 0;
    for (let k = 0; k < kMax; k++) {
      // Partial Fisher–Yates: position k receives a uniform pick of the remaining samples.
      const j = k + random.int(n - k);
      const a = order[j];
      order[j] = order[k];
      order[k] = a;
      if (a >= 0) {
        const v = ++votes[a];
        if (v > max) {
          max = v;
          atMax = 1;
          correctAtMax = isCorrect[a];
        } else if (v === max) {
          atMax++;
          correctAtMax += isCorrect[a];
        }
      }
      const credit = max > 0 ? correctAtMax / atMax : 0;
      sum[k] += credit;
      sumSq[k] += credit * credit;
    }
  }
  const value = new Float64Array(kMax);
  const se = new Float64Array(kMax);
  for (let k = 0; k < kMax; k++) {
    const m = sum[k] / trials;
    value[k] = m;
    const variance = Math.max(0, sumSq[k] / trials - m * m);
    se[k] = trials > 1 ? Math.sqrt(variance / (trials - 1)) : NaN;
  }
  return { value, se, trials };
}
