import type { VoteCounts } from './majority';
import { problemCount, type ConfigTable } from './table';

/**
 * Per-problem counts the estimators start from, computed once per table: samples with known
 * correctness (n) and correct ones (c) for pass@k; answer-group sizes for voting.
 */

export interface CorrectCounts {
  n: Int32Array;
  c: Int32Array;
}

export function correctCounts(t: ConfigTable): CorrectCounts {
  const P = problemCount(t);
  const n = new Int32Array(P);
  const c = new Int32Array(P);
  for (let i = 0; i < P; i++) {
    let ni = 0;
    let ci = 0;
    for (let j = t.start[i]; j < t.start[i + 1]; j++) {
      const v = t.correct[j];
      if (v >= 0) {
        ni++;
        ci += v;
      }
    }
    n[i] = ni;
    c[i] = ci;
  }
  return { n, c };
}

/** Answer-group sizes and correctness of problem i (abstentions: samples without an answer). */
export function voteCounts(t: ConfigTable, i: number): VoteCounts {
  const a0 = t.answerStart[i];
  const A = t.answerStart[i + 1] - a0;
  const sizes = new Int32Array(A);
  let abstain = 0;
  for (let j = t.start[i]; j < t.start[i + 1]; j++) {
    const a = t.answer[j];
    if (a >= 0) sizes[a]++;
    else abstain++;
  }
  return { sizes, correct: t.answerCorrect.subarray(a0, a0 + A), abstain };
}

/**
 * A canonical name for vote counts: majority@k depends only on the multiset of (size,
 * correct) pairs and the abstentions, so problems with equal names share one curve.
 */
export function voteKey(v: VoteCounts): string {
  const parts: number[] = [];
  for (let a = 0; a < v.sizes.length; a++) parts.push(v.sizes[a] * 2 + (v.correct[a] ? 1 : 0));
  parts.sort((x, y) => y - x);
  return `${v.abstain}|${parts.join(',')}`;
}

/** Samples per problem (all, whatever is known about them). */
export function sampleCounts(t: ConfigTable): Int32Array {
  const P = problemCount(t);
  const out = new Int32Array(P);
  for (let i = 0; i < P; i++) out[i] = t.start[i + 1] - t.start[i];
  return out;
}
