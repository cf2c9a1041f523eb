import { quantileSorted } from '../fit/quantile';
import type { ChartSpec, PanelSpec, Point, SeriesSpec, TableSpec } from '../report/spec';
import type { ConfigAnalysis } from './analyze';
import { lossSurfaces, type Surface } from './assess';
import { fmtCount, fmtHours, fmtInterval, fmtLoss, fmtSci } from './format';
import type { PlanValue } from './plan';

/**
 * The side panel for the config being edited: the plan on the compute-optimal frontier (loss
 * against compute, with the fit's band), the iso-FLOP profile at the plan's compute (where its
 * model size sits against the optimum's), and the predicted loss curve — under the config's
 * schedule when an LR-annealing fit is given, else final loss against training tokens for the
 * plan's model size. Plain JSON for the webview.
 */

export interface PanelOptions {
  title?: string;
  /** The config's file name, shown as the panel's source. */
  source?: string;
  /** Points per curve. Default 48. */
  points?: number;
  /**
   * Resamples behind the drawn bands (the first ones kept). Default 250 for Chinchilla's closed
   * form and 60 for laws whose optimum is searched numerically: a display band needs no more,
   * and it keeps a redraw per keystroke cheap; the numbers in the table use them all.
   */
  maxBandSamples?: number;
}

export function configPanel(analysis: ConfigAnalysis, options: PanelOptions = {}): PanelSpec {
  const { plan, assessment, laws } = analysis;
  const views: PanelSpec['views'] = [];
  const messages: NonNullable<PanelSpec['messages']> = [];
  const points = Math.max(8, options.points ?? 48);
  const N = plan.N.value;
  const D = plan.D.value;
  const level = assessment.ciLevel;
  const band = `${Math.round(level * 100)}% interval`;

  const lossLaw = laws.loss;
  const f = assessment.frontier;
  if (lossLaw && f && N !== null && D !== null && assessment.loss) {
    const closedForm = lossLaw.law.id === 'chinchilla';
    const surfaces = lossSurfaces(lossLaw.law, lossLaw.fit, plan.flopsPerToken, options.maxBandSamples ?? (closedForm ? 250 : 60))!;
    const C = f.C;
    const planLoss = assessment.loss.value!;
    const optLoss = f.lossAtOptimum.value;
    const optN = f.N.value;

    // Every frontier point is an optimisation per resample for laws without a closed form: fewer points.
    const cs = logGrid(C / 100, C * 100, closedForm ? points : Math.min(points, 24));
    views.push(
      chart({
        id: 'config-frontier',
        title: 'The plan on the compute-optimal frontier',
        subtitle: `${lossLaw.law.title}${lossLaw.source ? `, fitted to ${lossLaw.source}` : ''}`,
        x: { label: 'Training compute', scale: 'log', unit: 'FLOPs' },
        y: { label: 'Predicted final loss', scale: 'log', unit: 'nats/token' },
        curve: curveWithBand(cs, surfaces, (s, c) => s.optimum(c).loss, 'compute-optimal frontier', band, 0, level),
        marks: [
          { name: 'this config', points: [{ x: C, y: planLoss, label: `N ${fmtCount(N)}, D ${fmtCount(D)}` }], colorIndex: 1 },
          ...(optLoss !== null && optN !== null ? [{ name: 'compute-optimal at this budget', points: [{ x: C, y: optLoss, label: `N ${fmtCount(optN)}, D ${fmtCount(f.D.value ?? NaN)}` }], colorIndex: 2 }] : []),
        ],
        notes: [`This config: ${fmtSci(C)} FLOPs, predicted loss ${fmtLoss(planLoss)} ${fmtInterval(assessment.loss.ci, fmtLoss)}; the optimum at the same compute: ${optLoss !== null ? fmtLoss(optLoss) : '—'} ${fmtInterval(f.lossAtOptimum.ci, fmtLoss)}.`],
      }),
    );

    if (optN !== null) {
      const lo = Math.min(optN / 20, N / 2);
      const hi = Math.max(optN * 20, N * 2);
      const ns = logGrid(lo, hi, points);
      views.push(
        chart({
          id: 'config-isoflop',
          title: `Model size at this budget (${fmtSci(C)} FLOPs)`,
          subtitle: 'Loss along the iso-FLOP line: every size trained on the tokens the budget leaves it',
          x: { label: 'Parameters N', scale: 'log' },
          y: { label: 'Predicted final loss', scale: 'log', unit: 'nats/token' },
          curve: curveWithBand(ns, surfaces, (s, n) => s.loss(n, C / (plan.flopsPerToken * n)), 'iso-FLOP profile', band, 0, level),
          marks: [
            { name: 'this config', points: [{ x: N, y: planLoss, label: `D/N = ${fmtSci(D / N)}` }], colorIndex: 1 },
            ...(optLoss !== null ? [{ name: 'compute-optimal', points: [{ x: optN, y: optLoss, label: `D/N = ${fmtSci(f.optimalTokensPerParam.value ?? NaN)}` }], colorIndex: 2 }] : []),
          ],
        }),
      );
    }

    if (!assessment.curve) {
      const Dopt = f.tokensForSize;
      const ds = logGrid(Math.min(D, Dopt ?? D) / 20, Math.max(D, Dopt ?? D) * 10, points);
      views.push(
        chart({
          id: 'config-loss-vs-tokens',
          title: `Final loss against training tokens for N = ${fmtCount(N)}`,
          subtitle: 'Each point is a run of this size trained (with its schedule sized) to that many tokens',
          x: { label: 'Training tokens D', scale: 'log' },
          y: { label: 'Predicted final loss', scale: 'log', unit: 'nats/token' },
          curve: curveWithBand(ds, surfaces, (s, d) => s.loss(N, d), 'predicted final loss', band, 0, level),
          marks: [
            { name: 'this config', points: [{ x: D, y: planLoss }], colorIndex: 1 },
            ...(Dopt !== null ? [{ name: 'compute-optimal tokens for this size', points: [{ x: Dopt, y: surfaces.best.loss(N, Dopt) }], colorIndex: 2 }] : []),
          ],
        }),
      );
    }
  } else if (!lossLaw) {
    messages.push({ severity: 'info', text: 'No fitted loss law for this workspace yet: fit a sweep to see the plan on the compute-optimal frontier.' });
  }

  const curve = assessment.curve;
  if (curve) {
    const pts: Point[] = [];
    const lower: Point[] = [];
    const upper: Point[] = [];
    curve.step.forEach((s, i) => {
      const v = curve.loss[i];
      if (v !== null) pts.push({ x: s, y: v });
      const ci = curve.ci[i];
      if (ci) {
        lower.push({ x: s, y: ci[0] });
        upper.push({ x: s, y: ci[1] });
      }
    });
    const series: SeriesSpec[] = [];
    if (lower.length) series.push({ name: band, kind: 'band', points: lower, upper, colorIndex: 0 });
    series.push({ name: 'predicted loss', kind: 'line', points: pts, colorIndex: 0 });
    if (curve.final.value !== null) series.push({ name: 'final loss', kind: 'scatter', points: [{ x: curve.step[curve.step.length - 1], y: curve.final.value, label: `${fmtLoss(curve.final.value)} ${fmtInterval(curve.final.ci, fmtLoss)}` }], colorIndex: 1 });
    views.push({ kind: 'chart', id: 'config-loss-curve', title: 'Predicted loss curve under this schedule', x: { label: 'Step', scale: 'linear' }, y: { label: 'Loss', scale: 'linear', unit: 'nats/token' }, series, notes: [curve.how] });
  }

  views.push(planTable(analysis));
  for (const n of [...assessment.notes, ...plan.notes]) messages.push({ severity: 'info', text: n });
  const spec: PanelSpec = { title: options.title ?? 'Training config', views };
  if (options.source !== undefined) spec.source = options.source;
  if (messages.length) spec.messages = messages;
  return spec;
}

interface ChartInput {
  id: string;
  title: string;
  subtitle?: string;
  x: ChartSpec['x'];
  y: ChartSpec['y'];
  curve: SeriesSpec[];
  marks: { name: string; points: Point[]; colorIndex: number }[];
  notes?: string[];
}

function chart(input: ChartInput): ChartSpec {
  const marks: SeriesSpec[] = input.marks.filter((m) => m.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).map((m) => ({ name: m.name, kind: 'scatter', points: m.points, colorIndex: m.colorIndex }));
  const spec: ChartSpec = { kind: 'chart', id: input.id, title: input.title, x: input.x, y: input.y, series: [...input.curve, ...marks] };
  if (input.subtitle) spec.subtitle = input.subtitle;
  if (input.notes) spec.notes = input.notes;
  return spec;
}

function logGrid(lo: number, hi: number, n: number): number[] {
  const a = Math.log(lo);
  const b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / (n - 1)));
}

function curveWithBand(xs: number[], surfaces: { best: Surface; samples: Surface[] }, y: (s: Surface, x: number) => number, name: string, bandName: string, colorIndex: number, level: number): SeriesSpec[] {
  const line: Point[] = [];
  const lower: Point[] = [];
  const upper: Point[] = [];
  // One typed buffer for every point's resample values: a typed-array sort is numeric and
  // allocation-free, which is what keeps a redraw per keystroke cheap.
  const buffer = new Float64Array(surfaces.samples.length);
  const tail = (1 - level) / 2;
  for (const x of xs) {
    const v = y(surfaces.best, x);
    if (Number.isFinite(v)) line.push({ x, y: v });
    let n = 0;
    for (const s of surfaces.samples) {
      const w = y(s, x);
      if (Number.isFinite(w)) buffer[n++] = w;
    }
    // As percentileInterval: no band where fewer than half the resamples are defined.
    if (n > 0 && n >= 0.5 * surfaces.samples.length) {
      const sorted = buffer.subarray(0, n).sort();
      lower.push({ x, y: quantileSorted(sorted, tail) });
      upper.push({ x, y: quantileSorted(sorted, 1 - tail) });
    }
  }
  const out: SeriesSpec[] = [];
  if (lower.length) out.push({ name: bandName, kind: 'band', points: lower, upper, colorIndex });
  out.push({ name, kind: 'line', points: line, colorIndex });
  return out;
}

function planTable(analysis: ConfigAnalysis): TableSpec {
  const { plan, assessment } = analysis;
  const rows: TableSpec['rows'] = [];
  const row = (label: string, v: PlanValue, f: (n: number) => string) => rows.push([label, v.value === null ? null : f(v.value), '', v.how]);
  row(plan.size === 'total' ? 'parameters N' : 'non-embedding parameters N', plan.N, fmtCount);
  row('tokens D', plan.D, fmtCount);
  row('compute C', plan.C, (v) => `${fmtSci(v)} FLOPs`);
  row('batch (sequences)', plan.batchSequences, fmtCount);
  row('batch (tokens)', plan.batchTokens, fmtCount);
  row('learning rate', plan.lr, (v) => fmtSci(v));
  row('GPU-hours', plan.gpuHours, fmtHours);
  row('wall-clock hours', plan.wallClockHours, fmtHours);
  const e = (label: string, est: { value: number | null; ci: [number, number] | null } | null | undefined, f: (n: number) => string, how: string) => {
    if (est) rows.push([label, est.value === null ? null : f(est.value), fmtInterval(est.ci, f), how]);
  };
  const lawName = assessment.law ?? '';
  e('predicted final loss', assessment.loss, fmtLoss, lawName);
  const fr = assessment.frontier;
  if (fr) {
    e('compute-optimal N at this compute', fr.N, fmtCount, lawName);
    e('compute-optimal D at this compute', fr.D, fmtCount, lawName);
    e('compute-optimal tokens per parameter', fr.optimalTokensPerParam, (v) => fmtSci(v), `this config: ${fmtSci(fr.planTokensPerParam)}`);
    e('loss over the optimum', fr.penalty, (v) => fmtSci(v, 2), 'plan loss − optimum loss at the same compute');
  }
  const s = assessment.stepLaw;
  if (s) {
    e('Step Law learning rate', s.lr, (v) => fmtSci(v, 2), `${s.source}; config ${plan.lr.value !== null ? fmtSci(plan.lr.value) : '—'}`);
    e('Step Law batch (tokens)', s.batchTokens, fmtCount, `${s.source}; config ${plan.batchTokens.value !== null ? fmtCount(plan.batchTokens.value) : '—'}`);
  }
  return { kind: 'table', id: 'config-plan', title: 'The plan and what the laws say', columns: ['quantity', 'value', 'interval', 'how'], rows };
}
