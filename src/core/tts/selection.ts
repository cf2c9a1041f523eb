import { buildCurves } from './curves';
import type { CurveEstimate } from './parallel';
import type { ConfigTable } from './table';

/**
 * Pick-one strategies that rank samples by a key and keep the best of a random k-subset:
 *  - best-of-N: highest verifier score (Cobbe et al. 2021; Lightman et al. 2023);
 *  - shortest-of-k: fewest generated tokens (shorter chains are more often right for o1-like
 *    models, Zeng et al. 2025);
 *  - first-finish: the first of k concurrent samples to complete, by latency (by tokens it is
 *    shortest-of-k).
 * Exact: with samples sorted best first, the best of a random k-subset lies at or after rank r
 * with probability h(r, k) = C(n−r, k)/C(n, k), so a block of tied samples at ranks [r0, r1)
 * is picked with probability h(r0, k) − h(r1, k), and by symmetry each tied sample equally
 * (ties broken uniformly at random). Samples without a key rank last, tied among themselves.
 */

/**
 * Expected `values` of the best-keyed sample of a random k-subset, k = 1..kMax. Higher keys
 * are better; NaN keys rank last.
 */
export function expectedAtBest(keys: ArrayLike<number>, values: ArrayLike<number>, kMax: number, out: Float64Array = new Float64Array(kMax)): Float64Array {
  const { bounds, means } = rankBlocks(keys, values);
  const n = keys.length;
  out.fill(0, 0, kMax);
  // h(r, k) for k = 1..kMax at both ends of each block, by h(r, k+1) = h(r, k)·(n−r−k)/(n−k).
  for (let g = 0; g < means.length; g++) {
    const r0 = bounds[g];
    const r1 = bounds[g + 1];
    const mu = means[g];
    if (mu === 0) continue;
    let h0 = 1;
    let h1 = 1;
    for (let k = 1; k <= kMax; k++) {
      h0 *= Math.max(0, n - r0 - k + 1) / (n - k + 1);
      h1 *= Math.max(0, n - r1 - k + 1) / (n - k + 1);
      out[k - 1] += mu * (h0 - h1);
    }
  }
  return out;
}

interface Blocks {
  bounds: number[];
  means: number[];
}

/** Samples sorted by key (best first) and grouped into tie blocks with their mean value. */
function rankBlocks(keys: ArrayLike<number>, values: ArrayLike<number>): Blocks {
  const n = keys.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const key = (i: number) => (Number.isNaN(keys[i]) ? -Infinity : keys[i]);
  const missing = (i: number) => Number.isNaN(keys[i]);
  order.sort((a, b) => (missing(a) !== missing(b) ? (missing(a) ? 1 : -1) : key(b) - key(a)));
  const bounds = [0];
  const means: number[] = [];
  let sum = 0;
  let count = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    sum += values[i];
    count++;
    const next = order[r + 1];
    const sameNext = r + 1 < n && missing(next) === missing(i) && (missing(i) || keys[next] === keys[i]);
    if (!sameNext) {
      bounds.push(r + 1);
      means.push(sum / count);
      sum = 0;
      count = 0;
    }
  }
  return { bounds, means };
}

/** A name for a problem's ranked blocks: equal names, equal curves. */
function blocksKey(keys: ArrayLike<number>, values: ArrayLike<number>): string {
  const { bounds, means } = rankBlocks(keys, values);
  let s = '';
  for (let g = 0; g < means.length; g++) s += `${bounds[g + 1] - bounds[g]}:${means[g]},`;
  return s;
}

export type SelectionMetric = 'best-of-n' | 'shortest-of-k' | 'first-finish';

const RULES: Record<SelectionMetric, string> = {
  'best-of-n': 'the sample with the highest verifier score; ties uniformly at random; unscored samples rank last',
  'shortest-of-k': 'the sample with the fewest generated tokens (thinking + answer); ties uniformly at random',
  'first-finish': 'the first of k concurrent samples to finish, by recorded latency; ties uniformly at random',
};

/** Per-sample ranking key of a strategy (higher is better), NaN where unknown. */
export function selectionKey(t: ConfigTable, metric: SelectionMetric, j: number): number {
  if (metric === 'best-of-n') return t.verifier[j];
  if (metric === 'first-finish') return -t.latency[j];
  return -generatedTokens(t, j);
}

/** Thinking + answer tokens of sample j (NaN when neither is known). */
export function generatedTokens(t: ConfigTable, j: number): number {
  const a = t.thinkingTokens[j];
  const b = t.answerTokens[j];
  if (Number.isNaN(a) && Number.isNaN(b)) return NaN;
  return (Number.isNaN(a) ? 0 : a) + (Number.isNaN(b) ? 0 : b);
}

/**
 * Accuracy of a pick-one strategy for k = 1..K over the chosen problems, from the samples with
 * known correctness.
 */
export function selectionEstimate(t: ConfigTable, metric: SelectionMetric, K: number, problems: Int32Array): CurveEstimate {
  const perProblem = Array.from(problems, (i) => {
    const keys: number[] = [];
    const values: number[] = [];
    for (let j = t.start[i]; j < t.start[i + 1]; j++) {
      if (t.correct[j] < 0) continue;
      keys.push(selectionKey(t, metric, j));
      values.push(t.correct[j]);
    }
    return { keys, values };
  });
  const names = perProblem.map((p) => blocksKey(p.keys, p.values));
  const curves = buildCurves(problems.length, K, (p) => names[p], (p, out) => expectedAtBest(perProblem[p].keys, perProblem[p].values, K, out));
  return { metric: metric === 'best-of-n' ? 'bon@k' : metric === 'shortest-of-k' ? 'shortest@k' : 'first-finish@k', curves, problems, rules: [RULES[metric] + ' (exact)'] };
}
