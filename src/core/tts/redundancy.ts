import { bootstrapMean, type BootstrapOptions } from './bootstrap';
import { FastRandom, subSeed } from './random';
import { generatedTokens } from './selection';
import type { ConfigTable } from './table';

/**
 * Redundancy of parallel samples and what stopping early would have saved. Most parallel
 * reasoning traces of one problem reach the same answer (the observation behind DeepPrune,
 * Tu et al. 2025), so sampling can stop once m samples agree. The rule is replayed on the
 * recorded samples: in their recorded order, and averaged over seeded random orders (the
 * recorded order is one arbitrary draw), against the plurality vote over all samples.
 */

export interface Agreement {
  /** Mean over problems of the chance two distinct samples give the same answer. */
  pairwise: { value: number; lo: number; hi: number };
  /** Mean share of samples giving the problem's most common answer. */
  modalShare: { value: number; lo: number; hi: number };
}

export function agreement(t: ConfigTable, problems: Int32Array, options: BootstrapOptions = {}): Agreement {
  const pair = new Float64Array(problems.length);
  const modal = new Float64Array(problems.length);
  problems.forEach((i, p) => {
    const counts = new Map<number, number>();
    let n = 0;
    for (let j = t.start[i]; j < t.start[i + 1]; j++) {
      const a = t.answer[j];
      if (a < 0) continue;
      counts.set(a, (counts.get(a) ?? 0) + 1);
      n++;
    }
    let same = 0;
    let most = 0;
    for (const c of counts.values()) {
      same += c * (c - 1);
      most = Math.max(most, c);
    }
    pair[p] = n > 1 ? same / (n * (n - 1)) : 1;
    modal[p] = n ? most / n : 0;
  });
  return { pairwise: bootstrapMean(pair, options), modalShare: bootstrapMean(modal, options) };
}

export interface EarlyStopResult {
  /** Stop once this many samples agree. */
  agree: number;
  /** Mean samples drawn before stopping, and as a share of all. */
  samplesUsed: number;
  /** Share of generated tokens saved (of samples when tokens are unknown). */
  saved: { value: number; lo: number; hi: number };
  accuracy: { value: number; lo: number; hi: number };
  /** Accuracy of the plurality over all samples, the baseline. */
  fullVote: number;
  /** Accuracy lost against the full vote (positive = worse). */
  lost: { value: number; lo: number; hi: number };
  /** The same rule in the recorded sample order. */
  recordedOrder: { saved: number; accuracy: number };
}

export interface EarlyStopOptions extends BootstrapOptions {
  /** Agreement thresholds to replay; default 2, 3, 4, 5, 8. */
  agree?: number[];
  /** Random orders per problem; default 200. */
  orders?: number;
}

/** Replays "stop when m samples agree" for each m. */
export function earlyStopping(t: ConfigTable, problems: Int32Array, options: EarlyStopOptions = {}): EarlyStopResult[] {
  const ms = options.agree ?? [2, 3, 4, 5, 8];
  const orders = options.orders ?? 200;
  const seed = options.seed ?? 0;
  const data = Array.from(problems, (i) => {
    const n = t.start[i + 1] - t.start[i];
    const answer = new Int32Array(n);
    const cost = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      answer[j] = t.answer[t.start[i] + j];
      const g = generatedTokens(t, t.start[i] + j);
      cost[j] = Number.isNaN(g) ? 1 : g;
    }
    const a0 = t.answerStart[i];
    return { answer, cost, correct: t.answerCorrect.subarray(a0, t.answerStart[i + 1]) };
  });
  let maxAnswers = 1;
  for (const d of data) maxAnswers = Math.max(maxAnswers, d.correct.length);
  const votes = new Int32Array(maxAnswers);
  return ms.map((m) => {
    const saved = new Float64Array(problems.length);
    const acc = new Float64Array(problems.length);
    const full = new Float64Array(problems.length);
    let used = 0;
    let savedRecorded = 0;
    let accRecorded = 0;
    data.forEach((d, p) => {
      const n = d.answer.length;
      let total = 0;
      for (let j = 0; j < n; j++) total += d.cost[j];
      const order = Int32Array.from({ length: n }, (_, j) => j);
      const recorded = replay(d.answer, d.cost, d.correct, m, order, votes);
      savedRecorded += total ? 1 - recorded.spent / total : 0;
      accRecorded += recorded.credit;
      full[p] = replay(d.answer, d.cost, d.correct, Infinity, order, votes).credit;
      const random = new FastRandom(subSeed(seed, problems[p] * 131 + m));
      let s = 0;
      let c = 0;
      let u = 0;
      for (let r = 0; r < orders; r++) {
        for (let a = n - 1; a > 0; a--) {
          const b = random.int(a + 1);
          const x = order[a];
          order[a] = order[b];
          order[b] = x;
        }
        const out = replay(d.answer, d.cost, d.correct, m, order, votes);
        s += total ? 1 - out.spent / total : 0;
        c += out.credit;
        u += out.drawn;
      }
      saved[p] = s / orders;
      acc[p] = c / orders;
      used += u / orders;
    });
    const lost = full.map((f, p) => f - acc[p]);
    return {
      agree: m,
      samplesUsed: used / problems.length,
      saved: bootstrapMean(saved, options),
      accuracy: bootstrapMean(acc, options),
      fullVote: full.reduce((a, b) => a + b, 0) / full.length,
      lost: bootstrapMean(lost, options),
      recordedOrder: { saved: savedRecorded / problems.length, accuracy: accRecorded / problems.length },
    };
  });
}

/**
 * Draws in `order` until some answer has m votes (or all are drawn); then the plurality with
 * ties broken uniformly at random. `votes` is scratch space, left zeroed.
 */
function replay(answer: Int32Array, cost: Float64Array, correct: ArrayLike<number>, m: number, order: Int32Array, votes: Int32Array): { credit: number; spent: number; drawn: number } {
  let spent = 0;
  let drawn = 0;
  let max = 0;
  let tied = 0;
  let right = 0;
  for (let r = 0; r < order.length; r++) {
    const j = order[r];
    drawn++;
    spent += cost[j];
    const a = answer[j];
    if (a < 0) continue;
    const v = ++votes[a];
    if (v > max) {
      max = v;
      tied = 1;
      right = correct[a] ? 1 : 0;
    } else if (v === max) {
      tied++;
      right += correct[a] ? 1 : 0;
    }
    if (v >= m) break;
  }
  for (let r = 0; r < drawn; r++) {
    const a = answer[order[r]];
    if (a >= 0) votes[a] = 0;
  }
  return { credit: tied ? right / tied : 0, spent, drawn };
}
