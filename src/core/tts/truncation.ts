import { bootstrapMean } from './bootstrap';

/**
 * Sequential scaling from traces alone: what accuracy would a smaller thinking budget have
 * given, read off recorded thinking. A trace cut at b thinking tokens is counted correct when it
 * is correct and its final answer had already appeared within the first b tokens of its
 * thinking (the answer one would get by forcing it there, as budget-forcing and early-exit
 * studies do). Traces whose answer never appears in the thinking need their whole thinking.
 */
export interface TruncationInput {
  model?: string;
  thinking: number;
  /** Thinking tokens after the final answer first appeared (undefined: it never did). */
  tokensAfterAnswer?: number;
  correct?: boolean;
}

export interface TruncationPoint {
  budget: number;
  accuracy: number;
  lo: number;
  hi: number;
}

export interface TruncationCurve {
  model: string;
  traces: number;
  points: TruncationPoint[];
  /** The assumption behind the curve, for showing beside it. */
  rule: string;
}

export const TRUNCATION_RULE = 'a trace cut at b thinking tokens counts as correct when it is correct and its final answer already appears in its first b thinking tokens';

/** Budgets from 64 tokens up to the longest thinking, in powers of two, plus the longest. */
export function truncationBudgets(maxThinking: number): number[] {
  const out: number[] = [];
  for (let b = 64; b < maxThinking; b *= 2) out.push(b);
  out.push(Math.max(1, maxThinking));
  return out;
}

/** One curve per model, over traces whose correctness is known. */
export function truncationCurves(rows: readonly TruncationInput[], options: { resamples?: number; seed?: number; level?: number } = {}): TruncationCurve[] {
  const byModel = new Map<string, TruncationInput[]>();
  for (const r of rows) {
    if (r.correct === undefined || !(r.thinking > 0)) continue;
    const m = r.model ?? '(unnamed)';
    let list = byModel.get(m);
    if (!list) byModel.set(m, (list = []));
    list.push(r);
  }
  const curves: TruncationCurve[] = [];
  for (const [model, list] of byModel) {
    const reach = Float64Array.from(list, (r) => (r.correct ? r.thinking - (r.tokensAfterAnswer ?? 0) : Infinity));
    const budgets = truncationBudgets(Math.max(...list.map((r) => r.thinking)));
    const points = budgets.map((budget) => {
      const hit = Float64Array.from(reach, (t) => (t <= budget ? 1 : 0));
      const { value, lo, hi } = bootstrapMean(hit, { resamples: options.resamples ?? 1000, seed: options.seed ?? 0, level: options.level ?? 0.95 });
      return { budget, accuracy: value, lo, hi };
    });
    curves.push({ model, traces: list.length, points, rule: TRUNCATION_RULE });
  }
  return curves;
}
