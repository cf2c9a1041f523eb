import { percentileInterval, type FitSuccess } from '../fit';
import { namedParams, type Law } from '../laws/law';
import { stepLawOptimum } from '../laws/stepLaw';
import { recommendBudget, type Budget, type Estimate } from '../recommend/budget';
import { formatValue } from './formulas';
import type { ChartSpec, ControlSpec, PanelSpec, SeriesSpec, TableSpec, ViewSpec } from './spec';

/**
 * The training budget planner: a budget (FLOPs, GPU-hours at a stated throughput, dollars at a
 * stated GPU price) or a target loss in; the recommended model size, tokens, learning rate and
 * batch size with intervals out, on the fitted frontier, beside the user's current plan.
 */
export type BudgetKind = Budget['kind'];

export interface PlannerInputs {
  kind: BudgetKind;
  /** log10 of the budget (FLOPs, GPU-hours or dollars), or the target loss itself. */
  value: number;
  /** Peak FLOP/s of one GPU, the utilisation reached, and the price of a GPU-hour. */
  gpu: { flopsPerSecond: number; utilization: number; pricePerGpuHour: number };
  flopsPerToken?: number;
}

export interface PlannerContext {
  law: Law;
  fit: FitSuccess;
  /** Where the fit came from, e.g. `runs/sweep.csv`. */
  source?: string;
  /** The config's current plan, when the planner was opened from a training config. */
  plan?: { N: number; D: number; file: string };
}

const RANGES: Record<BudgetKind, { min: number; max: number; step: number; label: string }> = {
  flops: { min: 17, max: 27, step: 0.05, label: 'Budget (log10 FLOPs)' },
  'gpu-hours': { min: 0, max: 8, step: 0.05, label: 'Budget (log10 GPU-hours)' },
  dollars: { min: 2, max: 10, step: 0.05, label: 'Budget (log10 dollars)' },
  'target-loss': { min: 1, max: 5, step: 0.005, label: 'Target loss' },
};

export function defaultPlannerInputs(ctx: PlannerContext, gpu: PlannerInputs['gpu']): PlannerInputs {
  // Open at the config's own compute, else ten times the largest run's, as the next step up.
  const k = 6;
  // The fit's own default budget is ten times its largest run.
  const C = ctx.plan ? k * ctx.plan.N * ctx.plan.D : Number(ctx.fit.derived.find((d) => d.id === 'N_opt')?.inputs.C ?? 1e21);
  return { kind: 'flops', value: Math.round(Math.log10(C) * 20) / 20, gpu };
}

function budgetOf(i: PlannerInputs): Budget {
  const v = 10 ** i.value;
  switch (i.kind) {
    case 'flops':
      return { kind: 'flops', flops: v };
    case 'gpu-hours':
      return { kind: 'gpu-hours', gpuHours: v, flopsPerSecond: i.gpu.flopsPerSecond, utilization: i.gpu.utilization };
    case 'dollars':
      return { kind: 'dollars', dollars: v, pricePerGpuHour: i.gpu.pricePerGpuHour, flopsPerSecond: i.gpu.flopsPerSecond, utilization: i.gpu.utilization };
    case 'target-loss':
      return { kind: 'target-loss', loss: i.value };
  }
}

export function plannerControl(i: PlannerInputs, lossRange?: [number, number], configFile?: string): ControlSpec {
  const r = i.kind === 'target-loss' && lossRange ? { ...RANGES['target-loss'], min: lossRange[0], max: lossRange[1] } : RANGES[i.kind];
  return {
    kind: 'control',
    id: 'planner-control',
    title: 'Training budget',
    action: 'budget',
    controls: [
      { id: 'kind', label: 'Budget in', type: 'select', value: i.kind, options: [
        { value: 'flops', label: 'FLOPs' },
        { value: 'gpu-hours', label: 'GPU-hours' },
        { value: 'dollars', label: 'dollars' },
        { value: 'target-loss', label: 'target loss' },
      ] },
      { id: 'value', label: r.label, type: 'range', min: r.min, max: r.max, step: r.step, value: Math.min(r.max, Math.max(r.min, i.value)) },
      ...(configFile ? [{ id: 'apply', label: `Apply to ${configFile}`, type: 'button' as const, title: 'Write the recommended size (layers or width), steps and Step Law learning rate into the config' }] : []),
    ],
  };
}

const fmt = (e: Estimate | null | undefined) => (e?.value == null ? null : formatValue(e.value));
const ci = (e: Estimate | null | undefined) => (e?.ci ? `${formatValue(e.ci[0])} – ${formatValue(e.ci[1])}` : null);

/** The recommendation for the current inputs (what "apply" writes). */
export function plannerRecommendation(ctx: PlannerContext, i: PlannerInputs) {
  return recommendBudget(ctx.law, ctx.fit, { budget: budgetOf(i), flopsPerToken: i.flopsPerToken ?? 6, plan: ctx.plan ? { N: ctx.plan.N, D: ctx.plan.D } : undefined });
}

/** The views that change with the budget: recommendation table and frontier chart. */
export function plannerViews(ctx: PlannerContext, i: PlannerInputs): ViewSpec[] {
  const k = i.flopsPerToken ?? 6;
  const rec = plannerRecommendation(ctx, i);
  const rows: TableSpec['rows'] = [];
  const row = (what: string, e: Estimate | null | undefined, unit = '') => rows.push([what, fmt(e) === null ? null : `${fmt(e)}${unit}`, ci(e)]);
  // A budget given in one unit is exact in the others; only a target loss has uncertain compute.
  const given = (e: Estimate | null) => (e && i.kind !== 'target-loss' ? { value: e.value, ci: null } : e);
  row('compute C', given(rec.budget.flops), ' FLOPs');
  if (rec.budget.gpuHours) row('GPU-hours', given(rec.budget.gpuHours));
  if (rec.budget.dollars) row('dollars', given(rec.budget.dollars), ' $');
  row('model size N', rec.N);
  row('training tokens D', rec.D);
  row('tokens per parameter', rec.tokensPerParam);
  row('predicted final loss', rec.loss);
  if (rec.N.value !== null && rec.D.value !== null) {
    const step = stepLawOptimum(rec.N.value, rec.D.value);
    rows.push(['learning rate (Step Law)', formatValue(step.lr), null]);
    rows.push(['batch size, tokens (Step Law)', formatValue(step.batch), null]);
  }
  if (rec.plan && ctx.plan) {
    const p = rec.plan;
    rows.push([`your plan (${ctx.plan.file}): N, D`, `${formatValue(p.N)}, ${formatValue(p.D)} (${p.tokensPerParam.toFixed(1)} tokens/param)`, null]);
    rows.push(['your plan: compute', `${formatValue(p.flops)} FLOPs`, null]);
    row('your plan: predicted loss', p.loss);
    row('your plan: loss above the optimum at its compute', p.lossGap);
    row('compute the optimum needs to match your plan', p.optimumFlopsToMatch, ' FLOPs');
    row('share of your compute put to use', p.computeEfficiency);
  }
  const table: TableSpec = { kind: 'table', id: 'planner-recommendation', title: `Recommendation (${ctx.law.id}${ctx.source ? `, fitted to ${ctx.source}` : ''})`, columns: ['', 'value', `${Math.round(rec.ciLevel * 100)}% interval`], rows };
  return [table, frontierChart(ctx, rec.budget.flops.value, rec.loss.value, k)];
}

function frontierChart(ctx: PlannerContext, C: number | null, L: number | null, k: number): ChartSpec {
  const lopt = ctx.law.derived.find((d) => d.id === 'L_opt');
  const series: SeriesSpec[] = [];
  const center = C ?? 1e21;
  const grid = Array.from({ length: 40 }, (_, j) => center * 10 ** (-2 + (4 * j) / 39));
  if (lopt) {
    const samples = (ctx.fit.bootstrap?.samples ?? []).slice(0, 300).map((s) => namedParams(ctx.law, s));
    const best = grid.map((c) => ({ x: c, y: lopt.compute(ctx.fit.params, { C: c, k }) }));
    const bands = grid.map((c) => percentileInterval(samples.map((p) => lopt.compute(p, { C: c, k })), ctx.fit.ciLevel));
    if (bands.every((b) => b)) series.push({ name: 'interval', kind: 'band', points: grid.map((c, j) => ({ x: c, y: bands[j]![0] })), upper: grid.map((c, j) => ({ x: c, y: bands[j]![1] })), colorIndex: 0 });
    series.push({ name: 'compute-optimal frontier', kind: 'line', points: best.filter((p) => Number.isFinite(p.y)), colorIndex: 0 });
  }
  if (C !== null && L !== null) series.push({ name: 'recommended', kind: 'scatter', points: [{ x: C, y: L, label: 'recommended' }], colorIndex: 1 });
  if (ctx.plan) {
    const Cp = k * ctx.plan.N * ctx.plan.D;
    const Lp = ctx.law.predict(ctx.law.variables.map((v) => (v.name === 'N' ? ctx.plan!.N : v.name === 'D' ? ctx.plan!.D : Cp)), ctx.law.parameters.map((p) => ctx.fit.params[p.name]));
    if (Number.isFinite(Lp)) series.push({ name: 'your plan', kind: 'scatter', points: [{ x: Cp, y: Lp, label: ctx.plan.file }], colorIndex: 3 });
  }
  return { kind: 'chart', id: 'planner-frontier', title: 'Recommendation on the frontier', x: { label: 'training compute', unit: 'FLOPs', scale: 'log' }, y: { label: 'predicted final loss', scale: 'log' }, series };
}

export function budgetPlannerPanel(ctx: PlannerContext, i: PlannerInputs): PanelSpec {
  const lossRange = lossSpan(ctx);
  const gpu = `${formatValue(i.gpu.flopsPerSecond)} FLOP/s per GPU at ${Math.round(i.gpu.utilization * 100)}% utilisation, $${i.gpu.pricePerGpuHour} per GPU-hour (settings scalingLens.planner.*)`;
  return {
    title: 'Budget planner',
    source: ctx.plan?.file ?? ctx.source,
    views: [plannerControl(i, lossRange, ctx.plan?.file), ...plannerViews(ctx, i)],
    messages: [
      { severity: 'info', text: `Law: ${ctx.law.title}${ctx.source ? `, fitted to ${ctx.source}` : ''}. GPU-hours and dollars assume ${gpu}. C = 6·N·D.` },
    ],
  };
}

/** Target losses worth offering: from just above the fitted floor to the loss of a tiny budget. */
function lossSpan(ctx: PlannerContext): [number, number] | undefined {
  const lopt = ctx.law.derived.find((d) => d.id === 'L_opt');
  if (!lopt) return undefined;
  const hi = lopt.compute(ctx.fit.params, { C: 1e17, k: 6 });
  const lo = lopt.compute(ctx.fit.params, { C: 1e27, k: 6 });
  return Number.isFinite(lo) && Number.isFinite(hi) ? [Math.round(lo * 1000) / 1000, Math.round(hi * 1000) / 1000] : undefined;
}
