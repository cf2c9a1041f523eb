import { bootstrapMean, type BootstrapOptions } from './bootstrap';
import { correctCounts } from './counts';
import { generatedTokens } from './selection';
import type { ConfigTable } from './table';

/**
 * Sequential scaling: single-sample accuracy against the thinking budget, from runs of one
 * model at several budgets, and the same points against the tokens actually spent (a budget
 * is a cap; models often stop short of it). Each point's interval is a bootstrap over its
 * problems.
 */
export interface BudgetPoint {
  budget: number;
  /** Configuration label. */
  config: string;
  accuracy: number;
  lo: number;
  hi: number;
  /** Mean thinking tokens per sample, and mean generated (thinking + answer) tokens. */
  thinkingTokens: number | null;
  generatedTokens: number | null;
  problems: number;
}

export interface BudgetCurve {
  model: string;
  points: BudgetPoint[];
}

/** Per-problem accuracy (share of correct samples among those graded); NaN when none graded. */
export function problemAccuracy(t: ConfigTable): Float64Array {
  const { n, c } = correctCounts(t);
  return Float64Array.from(n, (ni, i) => (ni > 0 ? c[i] / ni : NaN));
}

function meanOf(values: Iterable<number>): number | null {
  let s = 0;
  let k = 0;
  for (const v of values) {
    if (!Number.isNaN(v)) {
      s += v;
      k++;
    }
  }
  return k ? s / k : null;
}

/** One curve per model that was run at two or more budgets. */
export function sequentialScaling(tables: readonly ConfigTable[], options: BootstrapOptions = {}): BudgetCurve[] {
  const byModel = new Map<string, ConfigTable[]>();
  for (const t of tables) {
    if (t.budget === null) continue;
    let list = byModel.get(t.model);
    if (!list) byModel.set(t.model, (list = []));
    list.push(t);
  }
  const out: BudgetCurve[] = [];
  for (const [model, list] of byModel) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.budget! - b.budget!);
    const points = list.map((t): BudgetPoint => {
      const acc = problemAccuracy(t).filter((v) => !Number.isNaN(v));
      const ci = bootstrapMean(acc, options);
      const gen = Float64Array.from({ length: t.correct.length }, (_, j) => generatedTokens(t, j));
      return {
        budget: t.budget!,
        config: t.label,
        accuracy: ci.value,
        lo: ci.lo,
        hi: ci.hi,
        thinkingTokens: meanOf(t.thinkingTokens),
        generatedTokens: meanOf(gen),
        problems: acc.length,
      };
    });
    out.push({ model, points });
  }
  return out;
}
