import { bootstrapMean, type BootstrapOptions } from './bootstrap';
import { majorityAtKExact, exactFeasible, majorityAtKMonteCarlo } from './majority';
import { FastRandom, subSeed } from './random';
import { expectedAtBest } from './selection';
import type { ConfigTable } from './table';

/**
 * Difficulty-aware allocation of test-time compute (Snell et al. 2024, "Scaling LLM Test-Time
 * Compute Optimally can be More Effective than Scaling Model Parameters"): bin problems by
 * estimated difficulty, pick a strategy and k per bin under an average budget of samples per
 * problem, and compare with the best single (strategy, k) for everyone at the same budget.
 *
 * Held out twice, so the gain is not selection on noise:
 *  - each problem's samples are split at random: one half estimates its difficulty (its
 *    pass rate there, the "oracle difficulty" of Snell et al., from samples not scored), the
 *    other half scores the strategies;
 *  - problems are split into two folds: bins and per-bin choices are fitted on one and
 *    scored on the other, then the other way round (cross-fitting).
 */

export interface AllocationOptions extends BootstrapOptions {
  /** Difficulty bins; default 5 (Snell et al.). */
  bins?: number;
  /** Average samples per problem to allocate; default powers of two up to the half-sample count. */
  budgets?: number[];
}

export interface AllocationChoice {
  bin: number;
  /** Difficulty range of the bin (1 − held-out pass rate), on the fitting fold. */
  difficulty: [number, number];
  strategy: string;
  k: number;
}

export interface AllocationResult {
  budget: number;
  /** Average samples per problem the policy actually spent on the scoring folds. */
  spent: number;
  adaptive: { value: number; lo: number; hi: number };
  uniform: { value: number; lo: number; hi: number; strategy: string; k: number };
  gain: { value: number; lo: number; hi: number };
  /** The policy fitted on the first fold, for display. */
  policy: AllocationChoice[];
}

interface Option {
  strategy: string;
  k: number;
}

/** Per problem: held-out difficulty and accuracy of each option on the scoring half. */
interface Scored {
  difficulty: number;
  accuracy: Float64Array;
}

export function difficultyAllocation(t: ConfigTable, problems: Int32Array, options: AllocationOptions = {}): { results: AllocationResult[]; notes: string[] } {
  const notes: string[] = [];
  const seed = options.seed ?? 0;
  const bins = options.bins ?? 5;
  const split = new FastRandom(subSeed(seed, 0xa110c));
  const hasVerifier = t.verifier.some((v) => !Number.isNaN(v));
  // Sizes of the scoring halves bound k.
  let half = Infinity;
  const halves = Array.from(problems, (i) => {
    const graded: number[] = [];
    for (let j = t.start[i]; j < t.start[i + 1]; j++) if (t.correct[j] >= 0) graded.push(j);
    for (let a = graded.length - 1; a > 0; a--) {
      const b = split.int(a + 1);
      [graded[a], graded[b]] = [graded[b], graded[a]];
    }
    const probe = graded.slice(0, graded.length >> 1);
    const score = graded.slice(graded.length >> 1);
    half = Math.min(half, score.length);
    return { probe, score };
  });
  if (!Number.isFinite(half) || half < 2 || problems.length < 4 * bins) {
    notes.push(`Difficulty-aware allocation needs at least 4 graded samples per problem and ${4 * bins} problems; not computed.`);
    return { results: [], notes };
  }
  const ks: number[] = [];
  for (let k = 1; k <= half; k *= 2) ks.push(k);
  const opts: Option[] = [...ks.map((k) => ({ strategy: 'maj', k })), ...(hasVerifier ? ks.map((k) => ({ strategy: 'bon', k })) : [])];
  const scored: Scored[] = halves.map(({ probe, score }, p) => {
    const i = problems[p];
    let right = 0;
    for (const j of probe) right += t.correct[j];
    const accuracy = new Float64Array(opts.length);
    const kMax = ks[ks.length - 1];
    // Majority over the scoring half, answers re-counted on it.
    const a0 = t.answerStart[i];
    const A = t.answerStart[i + 1] - a0;
    const sizes = new Int32Array(A);
    let abstain = 0;
    for (const j of score) {
      if (t.answer[j] >= 0) sizes[t.answer[j]]++;
      else abstain++;
    }
    const correct = t.answerCorrect.subarray(a0, a0 + A);
    const votes = { sizes, correct, abstain };
    const maj = exactFeasible(votes)
      ? majorityAtKExact(votes, kMax)
      : majorityAtKMonteCarlo(score.map((j) => t.answer[j]), correct, kMax, 2000, subSeed(seed, i)).value;
    const bon = hasVerifier ? expectedAtBest(score.map((j) => t.verifier[j]), score.map((j) => t.correct[j]), kMax) : null;
    opts.forEach((o, x) => {
      accuracy[x] = o.strategy === 'maj' ? maj[o.k - 1] : bon![o.k - 1];
    });
    return { difficulty: probe.length ? 1 - right / probe.length : 0.5, accuracy };
  });
  notes.push(
    `Allocation: difficulty from a random half of each problem's samples, strategies scored on the other half (k ≤ ${half}); two-fold cross-fitting over problems; options ${hasVerifier ? 'majority or best-of-N' : 'majority'} at k = ${ks.join(', ')}.`,
  );

  const fold = new Uint8Array(problems.length);
  const order = Array.from({ length: problems.length }, (_, p) => p);
  const shuffle = new FastRandom(subSeed(seed, 0xf01d));
  for (let a = order.length - 1; a > 0; a--) {
    const b = shuffle.int(a + 1);
    [order[a], order[b]] = [order[b], order[a]];
  }
  order.forEach((p, r) => {
    fold[p] = r % 2;
  });
  const budgets = options.budgets ?? ks;
  const results: AllocationResult[] = [];
  for (const budget of budgets) {
    const adaptive = new Float64Array(problems.length);
    const uniform = new Float64Array(problems.length);
    const spent = new Float64Array(problems.length);
    let policy: AllocationChoice[] = [];
    let uniformShown: Option = opts[0];
    let uniformChoice: Option = opts[0];
    for (const fit of [0, 1]) {
      const train = scored.filter((_, p) => fold[p] === fit);
      const edges = quantileEdges(train.map((s) => s.difficulty), bins);
      const binOf = (d: number) => {
        let b = 0;
        while (b < edges.length && d > edges[b]) b++;
        return b;
      };
      const B = edges.length + 1;
      const share = new Float64Array(B);
      const acc = Array.from({ length: B }, () => new Float64Array(opts.length));
      for (const s of train) {
        const b = binOf(s.difficulty);
        share[b]++;
        for (let x = 0; x < opts.length; x++) acc[b][x] += s.accuracy[x];
      }
      for (let b = 0; b < B; b++) {
        if (share[b] > 0) for (let x = 0; x < opts.length; x++) acc[b][x] /= share[b];
        share[b] /= train.length;
      }
      const choice = choosePerBin(share, acc, opts, budget);
      let bestUniform = -1;
      opts.forEach((o, x) => {
        if (o.k > budget) return;
        let v = 0;
        for (const s of train) v += s.accuracy[x];
        if (bestUniform < 0 || v > bestUniform) {
          bestUniform = v;
          uniformChoice = o;
        }
      });
      const ux = opts.indexOf(uniformChoice);
      scored.forEach((s, p) => {
        if (fold[p] === fit) return;
        const x = choice[binOf(s.difficulty)];
        adaptive[p] = s.accuracy[x];
        uniform[p] = s.accuracy[ux];
        spent[p] = opts[x].k;
      });
      if (fit === 0) {
        const lows = [0, ...edges];
        const highs = [...edges, 1];
        policy = choice.map((x, b) => ({ bin: b, difficulty: [lows[b], highs[b]], strategy: opts[x].strategy, k: opts[x].k }));
        uniformShown = uniformChoice;
      }
    }
    const gain = adaptive.map((v, p) => v - uniform[p]);
    results.push({
      budget,
      spent: spent.reduce((a, b) => a + b, 0) / spent.length,
      adaptive: bootstrapMean(adaptive, options),
      uniform: { ...bootstrapMean(uniform, options), strategy: uniformShown.strategy, k: uniformShown.k },
      gain: bootstrapMean(gain, options),
      policy,
    });
  }
  return { results, notes };
}

/** Bin edges at quantiles, duplicates dropped (many problems share a difficulty of 0 or 1). */
function quantileEdges(values: number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))];
    if (edges.length === 0 || v > edges[edges.length - 1]) edges.push(v);
  }
  return edges;
}

/**
 * The option per bin maximising Σ share·accuracy subject to Σ share·k ≤ budget: exhaustive
 * when the combinations are few, else greedy upgrades by accuracy gained per sample spent.
 */
function choosePerBin(share: Float64Array, acc: Float64Array[], opts: Option[], budget: number): number[] {
  const B = share.length;
  const X = opts.length;
  const cheapest = opts.reduce((m, o, x) => (o.k < opts[m].k ? x : m), 0);
  if (Math.pow(X, B) <= 2e6) {
    let best = -Infinity;
    let bestChoice = new Array<number>(B).fill(cheapest);
    const cur = new Array<number>(B).fill(0);
    const walk = (b: number, spent: number, value: number) => {
      if (spent > budget + 1e-9) return;
      if (b === B) {
        if (value > best) {
          best = value;
          bestChoice = [...cur];
        }
        return;
      }
      for (let x = 0; x < X; x++) {
        cur[b] = x;
        walk(b + 1, spent + share[b] * opts[x].k, value + share[b] * acc[b][x]);
      }
    };
    walk(0, 0, 0);
    return bestChoice;
  }
  const choice = new Array<number>(B).fill(cheapest);
  let spent = opts[cheapest].k;
  for (;;) {
    let bestRate = 0;
    let move: [number, number] | null = null;
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < X; x++) {
        const dk = share[b] * (opts[x].k - opts[choice[b]].k);
        const da = share[b] * (acc[b][x] - acc[b][choice[b]]);
        if (dk <= 0 || spent + dk > budget + 1e-9 || da <= 0) continue;
        if (da / dk > bestRate) {
          bestRate = da / dk;
          move = [b, x];
        }
      }
    }
    if (!move) return choice;
    spent += share[move[0]] * (opts[move[1]].k - opts[choice[move[0]]].k);
    choice[move[0]] = move[1];
  }
}
