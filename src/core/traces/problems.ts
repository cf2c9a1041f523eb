import { overlapSimilarity, sketchOverlap, sketchSimilarity } from './repetition';

/**
 * Several traces of one problem: do their final answers agree, are the correct ones shorter
 * than the wrong ones (reasoning models often think longer when they are wrong), and how similar
 * are the traces to each other.
 */
export interface ProblemStats {
  problemId: string;
  traces: number;
  /** Final answers (normalized) with how many traces gave each, most common first. */
  answers: { value: string; count: number }[];
  majority?: string;
  /** Share of traces with an answer that give the majority answer. */
  agreement?: number;
  correct: number;
  incorrect: number;
  meanThinking: number;
  meanThinkingCorrect?: number;
  meanThinkingIncorrect?: number;
  /** Of the (correct, incorrect) pairs, the share where the correct trace thought less. */
  correctShorterShare?: number;
  /** Whether the trace with the least thinking is correct. */
  shortestCorrect?: boolean;
  /** Mean estimated Jaccard similarity of the traces' thinking (word 3-gram shingles), over pairs. */
  similarity?: number;
}

export interface ProblemsOverview {
  problems: number;
  /** Problems with more than one trace; the rest say nothing about agreement. */
  multiTrace: number;
  meanAgreement?: number;
  meanSimilarity?: number;
  meanThinkingCorrect?: number;
  meanThinkingIncorrect?: number;
  /** Over all problems with both outcomes: the share of (correct, incorrect) pairs where correct is shorter. */
  correctShorterShare?: number;
  /** Over the same problems: how often the shortest trace is correct. */
  shortestCorrectRate?: number;
  pairs: number;
}

/** What the per-problem view needs of each trace. */
export interface ProblemInput {
  problemId?: string;
  thinking: number;
  correct?: boolean;
  /** Final answer, normalized (see `normalizeAnswer`). */
  answer?: string;
  sketch?: ArrayLike<number>;
}

/**
 * Pair similarities of a group's sketched traces (those with a non-empty sketch, in order),
 * computed as they arrive. The file summary fills these while its workers still run, so its last
 * step does not wait for a million pairs. Each pair is kept as its overlap code (two bytes, see
 * `sketchOverlap`), so a million pairs take 2 MB rather than 8.
 */
export class PairSimilarities {
  private readonly sketches: ArrayLike<number>[] = [];
  private codes: Uint16Array | undefined = new Uint16Array(16);
  /** Pairs stored: traces i < j at `j * (j - 1) / 2 + i`. */
  private n = 0;

  /** Adds a trace's sketch, comparing it with every earlier one while the group is small enough to compare all pairs. */
  add(sketch: ArrayLike<number>): void {
    if (!this.codes) return;
    const count = this.sketches.length;
    if (((count + 1) * count) / 2 >= 2 * DEFAULT_MAX_PAIRS) {
      // Past here `problemStats` compares a sample of pairs, chosen by the final group size.
      this.codes = undefined;
      this.sketches.length = 0;
      return;
    }
    if (this.n + count > this.codes.length) {
      const grown = new Uint16Array(Math.max(2 * this.codes.length, this.n + count));
      grown.set(this.codes);
      this.codes = grown;
    }
    for (let i = 0; i < count; i++) this.codes[this.n++] = sketchOverlap(this.sketches[i], sketch);
    this.sketches.push(sketch);
  }

  /** How many pairs are known: every pair of the traces added, or 0 once the group outgrew comparing them all. */
  get pairs(): number {
    return this.codes ? this.n : 0;
  }

  /** The similarity of the i-th and j-th traces added (i < j). */
  similarity(i: number, j: number): number {
    return overlapSimilarity(this.codes![(j * (j - 1)) / 2 + i]);
  }
}

const DEFAULT_MAX_PAIRS = 2000;

export function problemStats(problemId: string, traces: readonly ProblemInput[], maxPairs = DEFAULT_MAX_PAIRS, known?: PairSimilarities): ProblemStats {
  const counts = new Map<string, number>();
  let withAnswer = 0;
  for (const t of traces) {
    if (t.answer === undefined || t.answer === '') continue;
    withAnswer++;
    counts.set(t.answer, (counts.get(t.answer) ?? 0) + 1);
  }
  const answers = [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const correct = traces.filter((t) => t.correct === true);
  const incorrect = traces.filter((t) => t.correct === false);
  const mean = (xs: readonly ProblemInput[]): number | undefined => (xs.length > 0 ? xs.reduce((s, t) => s + t.thinking, 0) / xs.length : undefined);
  let shorter: number | undefined;
  if (correct.length > 0 && incorrect.length > 0) {
    let wins = 0;
    for (const c of correct) for (const w of incorrect) wins += c.thinking < w.thinking ? 1 : c.thinking === w.thinking ? 0.5 : 0;
    shorter = wins / (correct.length * incorrect.length);
  }
  const judged = traces.filter((t) => t.correct !== undefined);
  const shortest = judged.length > 0 ? judged.reduce((a, b) => (b.thinking < a.thinking ? b : a)) : undefined;
  let similarity: number | undefined;
  const sketched = traces.filter((t) => t.sketch && t.sketch.length > 0);
  if (sketched.length > 1) {
    let sum = 0;
    let n = 0;
    // Deterministic subset of pairs for very large groups.
    const total = (sketched.length * (sketched.length - 1)) / 2;
    const step = Math.max(1, Math.floor(total / maxPairs));
    if (step === 1 && known && known.pairs === total) {
      // The same pairs summed in the same order as below, so the mean is identical to the bit.
      for (let i = 0; i < sketched.length; i++) for (let j = i + 1; j < sketched.length; j++) sum += known.similarity(i, j);
      n = total;
    } else {
      let k = 0;
      for (let i = 0; i < sketched.length; i++) {
        for (let j = i + 1; j < sketched.length; j++) {
          if (k++ % step !== 0) continue;
          sum += sketchSimilarity(sketched[i].sketch!, sketched[j].sketch!);
          n++;
        }
      }
    }
    similarity = n > 0 ? sum / n : undefined;
  }
  return {
    problemId,
    traces: traces.length,
    answers,
    majority: answers[0]?.value,
    agreement: withAnswer > 0 ? answers[0].count / withAnswer : undefined,
    correct: correct.length,
    incorrect: incorrect.length,
    meanThinking: mean(traces) ?? 0,
    meanThinkingCorrect: mean(correct),
    meanThinkingIncorrect: mean(incorrect),
    correctShorterShare: shorter,
    shortestCorrect: correct.length > 0 && incorrect.length > 0 ? shortest?.correct : undefined,
    similarity,
  };
}

/**
 * Groups traces by problem id and summarises each problem and all of them. `known`: similarities
 * already computed per problem (see `PairSimilarities`), over the same traces in the same order.
 */
export function summarizeProblems(traces: readonly ProblemInput[], known?: ReadonlyMap<string, PairSimilarities>): { problems: ProblemStats[]; overview: ProblemsOverview } {
  const groups = new Map<string, ProblemInput[]>();
  for (const t of traces) {
    if (t.problemId === undefined) continue;
    let g = groups.get(t.problemId);
    if (!g) groups.set(t.problemId, (g = []));
    g.push(t);
  }
  const problems = [...groups.entries()].map(([id, g]) => problemStats(id, g, DEFAULT_MAX_PAIRS, known?.get(id)));
  const multi = problems.filter((p) => p.traces > 1);
  const avg = (xs: (number | undefined)[]): number | undefined => {
    const v = xs.filter((x): x is number => x !== undefined);
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
  };
  let wins = 0;
  let pairs = 0;
  for (const p of problems) {
    if (p.correctShorterShare !== undefined) {
      const n = p.correct * p.incorrect;
      wins += p.correctShorterShare * n;
      pairs += n;
    }
  }
  const both = problems.filter((p) => p.shortestCorrect !== undefined);
  const allCorrect = traces.filter((t) => t.correct === true);
  const allIncorrect = traces.filter((t) => t.correct === false);
  return {
    problems,
    overview: {
      problems: problems.length,
      multiTrace: multi.length,
      meanAgreement: avg(multi.map((p) => p.agreement)),
      meanSimilarity: avg(multi.map((p) => p.similarity)),
      meanThinkingCorrect: avg(allCorrect.map((t) => t.thinking)),
      meanThinkingIncorrect: avg(allIncorrect.map((t) => t.thinking)),
      correctShorterShare: pairs > 0 ? wins / pairs : undefined,
      shortestCorrectRate: both.length > 0 ? both.filter((p) => p.shortestCorrect).length / both.length : undefined,
      pairs,
    },
  };
}
