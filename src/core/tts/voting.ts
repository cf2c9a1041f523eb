import { buildCurves } from './curves';
import type { CurveEstimate } from './parallel';
import { hashString } from './parallel';
import { FastRandom, subSeed } from './random';
import { generatedTokens } from './selection';
import type { ConfigTable } from './table';

/**
 * Voting strategies that weigh answers by more than their count, estimated by seeded
 * simulation (each trial a random order of the samples whose first k form the k-subset, so
 * one trial scores every k):
 *  - weighted majority: each answer's votes weighted by verifier score (Li et al. 2023;
 *    negative scores count as 0);
 *  - Best-of-Majority (Di et al. 2025): keep answers drawn at least ⌈α·k⌉ times, then pick the
 *    one with the highest mean verifier score;
 *  - shortest majority (Zeng et al. 2025): an answer scores its count over its samples' mean
 *    length (count² / total tokens), favouring answers reached by shorter chains.
 * Ties are broken uniformly at random (fractional credit); abstentions do not vote.
 */

export type VotingMetric = 'weighted-majority' | 'best-of-majority' | 'shortest-majority';

export interface VotingOptions {
  /** Trials per problem; default: as many as fit a fixed work budget, between 64 and 2000 (the simulation error of a mean over problems shrinks with both). */
  trials?: number;
  seed?: number;
  /** Best-of-Majority's frequency threshold α; default 0.1. */
  alpha?: number;
}

const WEIGHTED = 0;
const BEST_OF_MAJORITY = 1;
const SHORTEST = 2;

/** Simulates one problem. `score[i]` is sample i's verifier score or token count. */
export function votingMonteCarlo(metric: VotingMetric, answer: ArrayLike<number>, score: ArrayLike<number>, correctAnswer: ArrayLike<number>, kMax: number, trials: number, seed: number, alpha = 0.1): Float64Array {
  const kind = metric === 'weighted-majority' ? WEIGHTED : metric === 'best-of-majority' ? BEST_OF_MAJORITY : SHORTEST;
  const n = answer.length;
  const A = correctAnswer.length;
  // Sorted by (answer, score) first, so the estimate does not depend on the recorded order.
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => answer[a] - answer[b] || score[a] - score[b]);
  const ans = Int32Array.from(idx, (i) => answer[i]);
  const sc = Float64Array.from(idx, (i) => score[i]);
  const right = Uint8Array.from({ length: A }, (_, a) => (correctAnswer[a] ? 1 : 0));
  const order = new Int32Array(n);
  const count = new Float64Array(A);
  const total = new Float64Array(A);
  const sum = new Float64Array(kMax);
  const random = new FastRandom(seed);
  for (let t = 0; t < trials; t++) {
    for (let i = 0; i < n; i++) order[i] = i;
    count.fill(0);
    total.fill(0);
    let most = 0;
    for (let k = 0; k < kMax; k++) {
      const j = k + random.int(n - k);
      const s = order[j];
      order[j] = order[k];
      order[k] = s;
      const a = ans[s];
      if (a >= 0) {
        const c = ++count[a];
        if (c > most) most = c;
        const v = sc[s];
        if (kind === WEIGHTED) total[a] += v > 0 ? v : 0;
        else if (v === v) total[a] += v;
      }
      // Best-of-Majority never demands more than the plurality has: some answer qualifies.
      const need = kind === BEST_OF_MAJORITY ? Math.min(most, Math.max(1, Math.ceil(alpha * (k + 1)))) : 1;
      let best = -Infinity;
      let tied = 0;
      let good = 0;
      for (let b = 0; b < A; b++) {
        const c = count[b];
        if (c === 0 || c < need) continue;
        const value = kind === WEIGHTED ? total[b] : kind === BEST_OF_MAJORITY ? total[b] / c : total[b] > 0 ? (c * c) / total[b] : Infinity;
        if (value > best) {
          best = value;
          tied = 1;
          good = right[b];
        } else if (value === best) {
          tied++;
          good += right[b];
        }
      }
      if (tied) sum[k] += good / tied;
    }
  }
  for (let k = 0; k < kMax; k++) sum[k] /= trials;
  return sum;
}

const RULES: Record<VotingMetric, string> = {
  'weighted-majority': 'votes weighted by verifier score (negative scores count 0)',
  'best-of-majority': 'answers drawn at least ⌈α·k⌉ times, then the highest mean verifier score',
  'shortest-majority': 'answer score = count / mean generated tokens of its samples',
};

/** Work (sample steps × answers) the simulation may spend per estimate before trials shrink. */
const WORK_BUDGET = 5e5;

export function votingEstimate(t: ConfigTable, metric: VotingMetric, K: number, problems: Int32Array, options: VotingOptions = {}): CurveEstimate {
  const seed = options.seed ?? 0;
  const alpha = options.alpha ?? 0.1;
  let answersTotal = 0;
  for (const i of problems) answersTotal += t.answerStart[i + 1] - t.answerStart[i];
  const trials = options.trials ?? Math.max(64, Math.min(2000, Math.floor(WORK_BUDGET / Math.max(1, K * (problems.length + answersTotal)))));
  const data = Array.from(problems, (i) => {
    const a0 = t.answerStart[i];
    const answer: number[] = [];
    const score: number[] = [];
    for (let j = t.start[i]; j < t.start[i + 1]; j++) {
      answer.push(t.answer[j]);
      score.push(metric === 'shortest-majority' ? generatedTokens(t, j) : t.verifier[j]);
    }
    return { answer, score, correct: t.answerCorrect.subarray(a0, t.answerStart[i + 1]) };
  });
  const names = data.map((d) => {
    const pairs = d.answer.map((a, j) => `${a < 0 ? -1 : d.correct[a] ? 'c' + a : 'w' + a}:${d.score[j]}`).sort();
    return pairs.join(',');
  });
  const curves = buildCurves(problems.length, K, (p) => names[p], (p, out) => {
    const d = data[p];
    out.set(votingMonteCarlo(metric, d.answer, d.score, d.correct, K, trials, subSeed(seed, hashString(names[p])), alpha));
  });
  const name = metric === 'weighted-majority' ? 'weighted-maj@k' : metric === 'best-of-majority' ? 'bom@k' : 'shortest-maj@k';
  const rules = [RULES[metric] + (metric === 'best-of-majority' ? ` (α = ${alpha})` : ''), `ties uniformly at random; ${trials} seeded random orders per problem (simulation error averages out over problems)`];
  return { metric: name, curves, problems, rules, monteCarlo: { problems: problems.length, trials, seed } };
}
