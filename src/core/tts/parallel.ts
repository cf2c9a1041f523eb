import { correctCounts, voteCounts, voteKey } from './counts';
import { buildCurves, type ProblemCurves } from './curves';
import { exactFeasible, majorityAtKExact, majorityAtKMonteCarlo } from './majority';
import { passAtKCurve, passHatKCurve } from './passAtK';
import { subSeed } from './random';
import type { ConfigTable } from './table';

/**
 * Parallel-sampling curves of one configuration over k = 1..K: per-problem curves for the
 * problems chosen, ready for the mean and the bootstrap.
 */
export interface CurveEstimate {
  /** `pass@k`, `pass^k`, `maj@k`, ... */
  metric: string;
  curves: ProblemCurves;
  /** Problems (indices into the table) the curves cover, in order. */
  problems: Int32Array;
  /** Problems computed by simulation rather than exactly, and how. */
  monteCarlo?: { problems: number; trials: number; seed: number };
  /** How ties, abstentions, thresholds were handled: shown under the chart. */
  rules: string[];
}

/** Problems with at least `minSamples` samples of known correctness. */
export function gradedProblems(t: ConfigTable, minSamples = 1): Int32Array {
  const { n } = correctCounts(t);
  const out: number[] = [];
  for (let i = 0; i < n.length; i++) if (n[i] >= minSamples) out.push(i);
  return Int32Array.from(out);
}

/** The longest k every chosen problem supports (its samples of known correctness). */
export function commonK(t: ConfigTable, problems: Int32Array): number {
  const { n } = correctCounts(t);
  let K = Infinity;
  for (const i of problems) K = Math.min(K, n[i]);
  return Number.isFinite(K) ? K : 0;
}

export function passAtKEstimate(t: ConfigTable, K: number, problems: Int32Array): CurveEstimate {
  const { n, c } = correctCounts(t);
  const curves = buildCurves(problems.length, K, (p) => n[problems[p]] * 67108864 + c[problems[p]], (p, out) => passAtKCurve(n[problems[p]], c[problems[p]], K, out));
  return { metric: 'pass@k', curves, problems, rules: ['unbiased estimator 1 − C(n−c,k)/C(n,k) (Chen et al. 2021)'] };
}

export function passHatKEstimate(t: ConfigTable, K: number, problems: Int32Array): CurveEstimate {
  const { n, c } = correctCounts(t);
  const curves = buildCurves(problems.length, K, (p) => n[problems[p]] * 67108864 + c[problems[p]], (p, out) => passHatKCurve(n[problems[p]], c[problems[p]], K, out));
  return { metric: 'pass^k', curves, problems, rules: ['all k tries succeed: C(c,k)/C(n,k) (τ-bench)'] };
}

export interface MajorityOptions {
  /** Trials per problem when exact computation is out of reach; default 4000. */
  trials?: number;
  seed?: number;
  /** Force simulation everywhere (tests compare it with the exact values). */
  monteCarloOnly?: boolean;
}

export const MAJORITY_RULES = [
  'ties broken uniformly at random (a correct answer tied with t others scores 1/(t+1))',
  'samples without an answer abstain; k abstentions score 0',
];

export function majorityAtKEstimate(t: ConfigTable, K: number, problems: Int32Array, options: MajorityOptions = {}): CurveEstimate {
  const trials = options.trials ?? 4000;
  const seed = options.seed ?? 0;
  let simulated = 0;
  const keys: string[] = [];
  const votes = Array.from(problems, (i) => voteCounts(t, i));
  for (const v of votes) keys.push(voteKey(v));
  const curves = buildCurves(problems.length, K, (p) => keys[p], (p, out) => {
    const v = votes[p];
    if (!options.monteCarloOnly && exactFeasible(v)) {
      majorityAtKExact(v, K, out);
      return;
    }
    simulated++;
    const i = problems[p];
    const answers = t.answer.subarray(t.start[i], t.start[i + 1]);
    // Seeded by the counts, not the position, so reordering problems changes nothing.
    out.set(majorityAtKMonteCarlo(answers, v.correct, K, trials, subSeed(seed, hashString(keys[p]))).value);
  });
  const rules = [...MAJORITY_RULES];
  if (simulated) rules.push(`${simulated} distinct vote patterns simulated (${trials} seeded random orders each); the rest exact`);
  else rules.push('exact (hypergeometric counting)');
  return { metric: 'maj@k', curves, problems, rules, ...(simulated ? { monteCarlo: { problems: simulated, trials, seed } } : {}) };
}

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
