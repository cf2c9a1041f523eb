import type { Problem } from '../ingest/problem';
import type { ConfigAnalysis } from './analyze';
import type { ConfigKey, Range } from './document';
import { fmtCount, fmtDelta, fmtFactor, fmtInterval, fmtSci } from './format';

/**
 * Diagnostics on a training config: where the plan sits off the compute-optimal frontier, and a
 * learning rate or batch far from the Step Law's optimum. All of them are legal choices (an
 * over-trained small model is often what one wants), so they are information, or warnings when
 * the predicted cost is large — never errors. The thresholds are options.
 */

export interface ConfigProblem extends Problem {
  severity: 'info' | 'warning';
  /** The exact 0-based range, which `line`/`column`/`endColumn` (1-based) approximate for one line. */
  range: Range;
}

export interface DiagnosticThresholds {
  /** Tokens per parameter this many times above or below the optimum's: a note. */
  frontierFactor: number;
  /** ...a warning when the predicted loss penalty (best fit) is at least this, in nats. */
  frontierWarningPenalty: number;
  /** Learning rate this many times above or below the Step Law optimum: a note; past the second, a warning. */
  lrFactor: number;
  lrWarningFactor: number;
  /** Batch (tokens) this many times above or below the Step Law optimum: a note; past the second, a warning. */
  batchFactor: number;
  batchWarningFactor: number;
}

export const defaultThresholds: DiagnosticThresholds = {
  frontierFactor: 2,
  frontierWarningPenalty: 0.05,
  lrFactor: 2,
  lrWarningFactor: 4,
  // The Step Law paper finds loss flat over a wide band of batch sizes around the optimum.
  batchFactor: 2,
  batchWarningFactor: 8,
};

export function configDiagnostics(analysis: ConfigAnalysis, file: string, thresholds: Partial<DiagnosticThresholds> = {}): ConfigProblem[] {
  const t = { ...defaultThresholds, ...thresholds };
  const { plan, assessment, config } = analysis;
  const out: ConfigProblem[] = [];
  const add = (range: Range, severity: 'info' | 'warning', code: string, message: string) => {
    out.push({
      file,
      line: range.start.line + 1,
      column: range.start.column + 1,
      endColumn: range.end.line === range.start.line ? range.end.column + 1 : undefined,
      severity,
      code,
      message,
      range,
    });
  };
  const keyRange = (path: string | undefined): Range | undefined => (path ? config.byPath.get(path)?.keyRange : undefined);
  const whole = (key: ConfigKey): Range => ({ start: key.keyRange.start, end: key.valueRange.end.offset > key.keyRange.end.offset ? key.valueRange.end : key.keyRange.end });
  const anchor = (...paths: (string | undefined)[]): Range | undefined => {
    for (const p of paths) {
      const key = p ? config.byPath.get(p) : undefined;
      if (key) return whole(key);
    }
    return undefined;
  };

  for (const p of config.problems) add(p.range, 'warning', 'config/syntax', `Scaling Lens could not read this part of the file (${p.message}); the keys around it are still used.`);

  const f = assessment.frontier;
  if (f && f.factor.value !== null && !plan.fineTuning) {
    const factor = f.factor.value;
    const off = factor >= t.frontierFactor || factor <= 1 / t.frontierFactor;
    const tokensKey = plan.targets.tokens.kind === 'none' ? undefined : plan.targets.tokens.key.path;
    const range = anchor(tokensKey, plan.steps.keys[0], plan.D.keys[0], plan.N.keys[0]);
    if (off && range) {
      const penalty = f.penalty.value ?? 0;
      const ratio = `${fmtSci(f.planTokensPerParam)} vs ${fmtSci(f.optimalTokensPerParam.value ?? NaN)}`;
      const loss = `predicted loss ${fmtDelta(penalty)}${f.penalty.ci ? ` ${fmtInterval(f.penalty.ci, fmtDelta)}` : ''}`;
      const message =
        factor >= 1
          ? `${fmtFactor(factor)} more tokens per parameter than compute-optimal at this budget (${ratio}); ${loss}. A smaller model trained longer: worth it when inference cost matters.`
          : `${fmtFactor(1 / factor)} fewer tokens per parameter than compute-optimal at this budget (${ratio}); ${loss}. A smaller model trained on more tokens reaches a lower loss with the same compute.`;
      add(range, penalty >= t.frontierWarningPenalty ? 'warning' : 'info', 'config/frontier', message);
    }
  }

  const s = assessment.stepLaw;
  if (s && !plan.fineTuning) {
    const lrKey = plan.targets.lr?.path ?? plan.lr.keys[0];
    const lrRange = anchor(plan.lr.keys[0], lrKey);
    if (s.lrFactor !== null && s.lr.value !== null && lrRange) {
      const r = s.lrFactor;
      const far = Math.max(r, 1 / r);
      if (far >= t.lrFactor) {
        add(
          lrRange,
          far >= t.lrWarningFactor ? 'warning' : 'info',
          'config/step-law-lr',
          `Learning rate ${fmtSci(plan.lr.value!, 2)} is ${fmtFactor(r)} the Step Law optimum ${fmtSci(s.lr.value, 2)}${s.lr.ci ? ` ${fmtInterval(s.lr.ci, (v) => fmtSci(v, 2))}` : ''} for N = ${fmtCount(s.N)} (non-embedding), D = ${fmtCount(s.D)}.`,
        );
      }
    }
    const batchKey = plan.targets.batch.kind === 'none' ? plan.batchSequences.keys[0] : plan.targets.batch.key.path;
    const batchRange = anchor(batchKey, plan.batchSequences.keys[0]);
    if (s.batchFactor !== null && s.batchTokens.value !== null && batchRange) {
      const r = s.batchFactor;
      const far = Math.max(r, 1 / r);
      if (far >= t.batchFactor) {
        const seqs = s.batchSequences !== null ? ` (${fmtCount(s.batchSequences)} sequences)` : '';
        add(
          batchRange,
          far >= t.batchWarningFactor ? 'warning' : 'info',
          'config/step-law-batch',
          `Batch of ${fmtCount(plan.batchTokens.value!)} tokens per step is ${fmtFactor(r)} the Step Law optimum ${fmtCount(s.batchTokens.value)} tokens${seqs} for D = ${fmtCount(s.D)}.`,
        );
      }
    }
  }

  if (plan.D.value === null) {
    const epochs = plan.recognised.find((r) => r.role === 'epochs');
    const range = epochs ? anchor(epochs.path) : undefined;
    if (range) add(range, 'info', 'config/tokens-unknown', `${plan.D.how} Until then Scaling Lens cannot predict this run's loss or compute.`);
  }
  if (plan.dataParallel.method === 'assumed' && plan.batchSequences.method === 'product') {
    const range = anchor(plan.batchSequences.keys[0]) ?? keyRange(plan.dataParallel.keys[0]);
    if (range) add(range, 'info', 'config/devices-assumed', `The number of GPUs is not in this config: the global batch (${fmtCount(plan.batchSequences.value!)} sequences) assumes one data-parallel replica. Set the GPU count in settings for the true batch and token count.`);
  }
  return out.sort((a, b) => a.range.start.offset - b.range.start.offset);
}
