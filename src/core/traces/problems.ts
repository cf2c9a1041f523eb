import { sketchSimilarity } from './repetition';

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

const DEFAULT_MAX_PAIRS = 2000;

/**
 * One problem's traces folded in one at a time: what `problemStats` reports, kept as counts and
 * sums instead of the group. The file summary folds each row in as the workers send it, so its
 * last step only reads these out (grouping 100k traces and walking each group once every worker
 * was done took 170 ms with both cores otherwise idle).
 */
export class ProblemFold {
  private traces = 0;
  private withAnswer = 0;
  private readonly answerCounts = new Map<string, number>();
  private thinkingSum = 0;
  private readonly correctThinking: number[] = [];
  private readonly incorrectThinking: number[] = [];
  /** Of the (correct, incorrect) pairs so far, those where the correct trace thought less (ties count half). */
  private wins = 0;
  private shortestThinking = 0;
  private shortestIsCorrect = false;
  /** The sketched traces' sketches, in order. */
  private readonly sketches: ArrayLike<number>[] = [];
  /**
   * The similarities of every pair so far, summed as the traces arrive (each new one against
   * those before it), while the group is small enough for every pair; bigger groups compare a
   * sample of pairs chosen by their final size (see `stats`).
   */
  private similaritySum = 0;
  private everyPair = true;

  add(thinking: number, correct: boolean | undefined, answer: string | undefined, sketch: ArrayLike<number> | undefined): void {
    this.traces++;
    if (answer !== undefined && answer !== '') {
      this.withAnswer++;
      this.answerCounts.set(answer, (this.answerCounts.get(answer) ?? 0) + 1);
    }
    this.thinkingSum += thinking;
    if (correct === true) {
      for (const w of this.incorrectThinking) this.wins += thinking < w ? 1 : thinking === w ? 0.5 : 0;
      this.correctThinking.push(thinking);
    } else if (correct === false) {
      for (const c of this.correctThinking) this.wins += c < thinking ? 1 : c === thinking ? 0.5 : 0;
      this.incorrectThinking.push(thinking);
    }
    if (correct !== undefined) {
      // The first of the shortest, as a reduce over the judged traces in order picks it (this
      // trace is already in its list: one judged trace means it is the first).
      if (this.correctThinking.length + this.incorrectThinking.length === 1 || thinking < this.shortestThinking) {
        this.shortestThinking = thinking;
        this.shortestIsCorrect = correct;
      }
    }
    if (sketch && sketch.length > 0) {
      const earlier = this.sketches;
      const n = earlier.length;
      if (this.everyPair && ((n + 1) * n) / 2 >= 2 * DEFAULT_MAX_PAIRS) this.everyPair = false;
      if (this.everyPair) for (let i = 0; i < n; i++) this.similaritySum += sketchSimilarity(earlier[i], sketch);
      earlier.push(sketch);
    }
  }

  stats(problemId: string, maxPairs = DEFAULT_MAX_PAIRS): ProblemStats {
    const answers = [...this.answerCounts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    const nc = this.correctThinking.length;
    const ni = this.incorrectThinking.length;
    const addUp = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    let similarity: number | undefined;
    const sketched = this.sketches;
    if (sketched.length > 1) {
      let sum = 0;
      let n = 0;
      // Deterministic subset of pairs for very large groups.
      const total = (sketched.length * (sketched.length - 1)) / 2;
      const step = Math.max(1, Math.floor(total / maxPairs));
      if (step === 1 && this.everyPair) {
        sum = this.similaritySum;
        n = total;
      } else {
        let k = 0;
        for (let i = 0; i < sketched.length; i++) {
          for (let j = i + 1; j < sketched.length; j++) {
            if (k++ % step !== 0) continue;
            sum += sketchSimilarity(sketched[i], sketched[j]);
            n++;
          }
        }
      }
      similarity = n > 0 ? sum / n : undefined;
    }
    return {
      problemId,
      traces: this.traces,
      answers,
      majority: answers[0]?.value,
      agreement: this.withAnswer > 0 ? answers[0].count / this.withAnswer : undefined,
      correct: nc,
      incorrect: ni,
      meanThinking: this.traces > 0 ? this.thinkingSum / this.traces : 0,
      meanThinkingCorrect: nc > 0 ? addUp(this.correctThinking) / nc : undefined,
      meanThinkingIncorrect: ni > 0 ? addUp(this.incorrectThinking) / ni : undefined,
      correctShorterShare: nc > 0 && ni > 0 ? this.wins / (nc * ni) : undefined,
      shortestCorrect: nc > 0 && ni > 0 ? this.shortestIsCorrect : undefined,
      similarity,
    };
  }
}

export function problemStats(problemId: string, traces: readonly ProblemInput[], maxPairs = DEFAULT_MAX_PAIRS): ProblemStats {
  const fold = new ProblemFold();
  for (const t of traces) fold.add(t.thinking, t.correct, t.answer, t.sketch);
  return fold.stats(problemId, maxPairs);
}

/** Every problem of a file folded in trace by trace, with the overview's sums (see `ProblemFold`). */
export class ProblemsFold {
  private readonly groups = new Map<string, ProblemFold>();
  private correctSum = 0;
  private correctCount = 0;
  private incorrectSum = 0;
  private incorrectCount = 0;

  add(problemId: string | undefined, thinking: number, correct: boolean | undefined, answer: string | undefined, sketch: ArrayLike<number> | undefined): void {
    if (correct === true) {
      this.correctSum += thinking;
      this.correctCount++;
    } else if (correct === false) {
      this.incorrectSum += thinking;
      this.incorrectCount++;
    }
    if (problemId === undefined) return;
    let g = this.groups.get(problemId);
    if (!g) this.groups.set(problemId, (g = new ProblemFold()));
    g.add(thinking, correct, answer, sketch);
  }

  finish(): { problems: ProblemStats[]; overview: ProblemsOverview } {
    const problems: ProblemStats[] = [];
    for (const [id, g] of this.groups) problems.push(g.stats(id));
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
    return {
      problems,
      overview: {
        problems: problems.length,
        multiTrace: multi.length,
        meanAgreement: avg(multi.map((p) => p.agreement)),
        meanSimilarity: avg(multi.map((p) => p.similarity)),
        meanThinkingCorrect: this.correctCount > 0 ? this.correctSum / this.correctCount : undefined,
        meanThinkingIncorrect: this.incorrectCount > 0 ? this.incorrectSum / this.incorrectCount : undefined,
        correctShorterShare: pairs > 0 ? wins / pairs : undefined,
        shortestCorrectRate: both.length > 0 ? both.filter((p) => p.shortestCorrect).length / both.length : undefined,
        pairs,
      },
    };
  }
}

/** Groups traces by problem id and summarises each problem and all of them. */
export function summarizeProblems(traces: readonly ProblemInput[]): { problems: ProblemStats[]; overview: ProblemsOverview } {
  const fold = new ProblemsFold();
  for (const t of traces) fold.add(t.problemId, t.thinking, t.correct, t.answer, t.sketch);
  return fold.finish();
}
