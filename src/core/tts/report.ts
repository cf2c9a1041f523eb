import type { Problem } from '../ingest/problem';
import type { EvalNote } from '../ingest/evalSamples/types';
import { cheapestReaching, describe, formatCost, paretoFrontier, type Candidate, type Recommendation } from '../recommend/testTime';
import type { ChartSpec, PanelSpec, Point, SeriesSpec, TableSpec, ViewSpec } from '../report/spec';
import type { ConfigAnalysis, MetricCurve, SequentialAnalysis, TestTimeAnalysis } from './analyze';
import { COST_UNIT, type CostAxis } from './cost';
import type { TestTimeLawFit } from './laws';

/**
 * The test-time scaling panel and the CLI's JSON, both from one analysis. The panel: per
 * configuration, every curve with its interval band against the chosen cost axis, fitted laws
 * dashed past the data, saturation markers; sequential scaling per model; the Pareto frontier
 * with the target and the recommendation; tables of headline numbers. The planner views can be
 * rebuilt alone for a new target or axis without recomputing anything.
 */

export interface CurvePointJson {
  k: number;
  value: number;
  lo: number;
  hi: number;
}

export interface TestTimeJson {
  files: string[];
  settings: TestTimeAnalysis['settings'] & { costAxis: CostAxis; target: number };
  /** The first (or only) configuration's curves by metric: `pass@k`, `pass^k`, `maj@k`, ... */
  curves: Record<string, CurvePointJson[]>;
  /** Every configuration's curves, costs and studies. */
  configs: ConfigJson[];
  laws: (TestTimeLawFit & { config: string })[];
  sequential: SequentialAnalysis[];
  frontier: Candidate[];
  recommendation: Recommendation;
  problems: Problem[];
  notes: EvalNote[];
}

export interface ConfigJson extends Omit<ConfigAnalysis, 'curves'> {
  curves: Record<string, CurvePointJson[]>;
  /** Rules (ties, thresholds, exact or simulated) per metric. */
  rules: Record<string, string[]>;
  /** Mean cost per problem at each k, per metric and axis. */
  costs: Record<string, Partial<Record<CostAxis, number[]>>>;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function curvesRecord(c: ConfigAnalysis): Record<string, CurvePointJson[]> {
  const out: Record<string, CurvePointJson[]> = {};
  for (const m of c.curves) out[m.metric] = m.points.map((p) => ({ k: p.k, value: p.value, lo: p.lo, hi: p.hi }));
  return out;
}

/** A copy with NaN and ±Infinity as null, as the fitting engine's results have it: JSON cannot carry them. */
export function plainJson<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as T;
  if (Array.isArray(value)) return value.map(plainJson) as T;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (v) => plainJson(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plainJson(v);
    return out as T;
  }
  return value;
}

export function testTimeJson(a: TestTimeAnalysis, costAxis: CostAxis = a.costAxis, target = a.target): TestTimeJson {
  return plainJson(buildJson(a, costAxis, target));
}

function buildJson(a: TestTimeAnalysis, costAxis: CostAxis, target: number): TestTimeJson {
  const configs: ConfigJson[] = a.configs.map((c) => {
    const { curves, ...rest } = c;
    return {
      ...rest,
      curves: curvesRecord(c),
      rules: Object.fromEntries(curves.map((m) => [m.metric, m.rules])),
      costs: Object.fromEntries(curves.map((m) => [m.metric, m.cost])),
    };
  });
  return {
    files: a.files,
    settings: { ...a.settings, costAxis, target },
    curves: configs[0]?.curves ?? {},
    configs,
    laws: a.configs.flatMap((c) => c.laws.map((l) => ({ config: c.config, ...l }))),
    sequential: a.sequential,
    frontier: paretoFrontier(a.candidates, costAxis),
    recommendation: cheapestReaching(a.candidates, target, costAxis),
    problems: a.problems,
    notes: a.notes,
  };
}

const METRIC_TITLE: Record<string, string> = {
  'pass@k': 'pass@k (coverage)',
  'pass^k': 'pass^k (all k succeed)',
  'maj@k': 'majority@k',
  'bon@k': 'best-of-N (verifier)',
  'verify@k': 'first verified',
  'weighted-maj@k': 'weighted majority',
  'bom@k': 'Best-of-Majority',
  'shortest@k': 'shortest-of-k',
  'shortest-maj@k': 'shortest majority',
  'first-finish@k': 'first to finish',
};

const AXIS_LABEL: Record<CostAxis, string> = {
  samples: 'samples per problem',
  tokens: 'generated tokens per problem',
  flops: 'FLOPs per problem',
  effective: 'effective FLOPs per problem',
  dollars: 'dollars per problem',
  latency: 'latency per problem',
};

function xOf(curve: MetricCurve, axis: CostAxis, k: number): number | undefined {
  if (axis === 'samples') return k;
  const v = curve.cost[axis]?.[k - 1];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** Curves of one configuration against the cost axis, bands, dashed laws and saturation markers. */
export function configChart(c: ConfigAnalysis, axis: CostAxis, id = 'tts-curves', level = 0.95): ChartSpec {
  const series: SeriesSpec[] = [];
  const notes: string[] = [];
  const available = axis === 'samples' || c.costAxes.includes(axis);
  const useAxis: CostAxis = available ? axis : 'samples';
  if (!available) notes.push(`The ${axis} axis is unavailable for ${c.config}; shown against samples.`);
  c.curves.forEach((curve, color) => {
    const pts: Point[] = [];
    const lo: Point[] = [];
    const hi: Point[] = [];
    for (const p of curve.points) {
      const x = xOf(curve, useAxis, p.k);
      if (x === undefined || !(x > 0)) continue;
      pts.push({ x, y: p.value, label: `k = ${p.k}: ${pct(p.value)} [${pct(p.lo)}, ${pct(p.hi)}]` });
      lo.push({ x, y: p.lo });
      hi.push({ x, y: p.hi });
    }
    if (pts.length === 0) return;
    const name = METRIC_TITLE[curve.metric] ?? curve.metric;
    series.push({ name: `${name} (${Math.round(100 * level)}% interval)`, kind: 'band', points: lo, upper: hi, colorIndex: color });
    series.push({ name, kind: 'line', points: pts, colorIndex: color });
    notes.push(`${name}: ${curve.rules.join('; ')}.`);
  });
  // Laws in k, dashed past the data, on axes where cost grows in proportion to k.
  const perSample = (metric: string): number | undefined => {
    if (useAxis === 'samples') return 1;
    if (useAxis === 'latency') return undefined;
    const curve = c.curves.find((m) => m.metric === metric);
    const first = curve?.cost[useAxis]?.[0];
    return first !== undefined && Number.isFinite(first) ? first : undefined;
  };
  for (const law of c.laws) {
    if (!law.ok) continue;
    const metric = law.law === 'tts-coverage' ? 'pass@k' : 'maj@k';
    const scale = perSample(metric);
    const color = c.curves.findIndex((m) => m.metric === metric);
    if (scale === undefined || color < 0) continue;
    const pts: Point[] = [];
    law.prediction.x.forEach((k, i) => {
      const y = law.prediction.value[i];
      if (y !== null && k >= c.K) pts.push({ x: k * scale, y, label: `fitted at k = ${k}: ${pct(y)}` });
    });
    if (pts.length) series.push({ name: `${law.title} (fitted)`, kind: 'line', points: pts, dashed: true, colorIndex: color });
    notes.push(`${law.title}: ${law.formula}, ${Object.entries(law.params).map(([k, v]) => `${k} = ${v.toPrecision(4)}${law.ci[k] ? ` [${law.ci[k][0].toPrecision(3)}, ${law.ci[k][1].toPrecision(3)}]` : ''}`).join(', ')}${law.messages.length ? ` — ${law.messages[0]}` : ''}.`);
  }
  const marks: Point[] = [];
  for (const s of c.saturation) {
    const curve = c.curves.find((m) => m.metric === s.metric);
    if (!curve || !s.data) continue;
    const x = xOf(curve, useAxis, s.data.k);
    if (x !== undefined) marks.push({ x, y: s.data.value, label: `${s.metric} saturates at k = ${s.data.k}: each further sample adds < ${s.epsilon}` });
  }
  if (marks.length) series.push({ name: 'saturation', kind: 'scatter', points: marks });
  return {
    kind: 'chart',
    id,
    title: `${c.config}: accuracy vs ${AXIS_LABEL[useAxis]}`,
    subtitle: `${c.problems} problems, k = 1..${c.K}`,
    x: { label: AXIS_LABEL[useAxis], scale: 'log', unit: COST_UNIT[useAxis] },
    y: { label: 'accuracy', scale: 'linear' },
    series,
    notes: [...notes, ...c.notes],
  };
}

function sequentialChart(s: SequentialAnalysis, index: number, level: number): ChartSpec {
  const pts = s.points;
  const x = (p: (typeof pts)[number]) => (s.x === 'thinking tokens' ? p.thinkingTokens! : s.x === 'generated tokens' ? p.generatedTokens! : p.budget);
  const series: SeriesSpec[] = [
    { name: `accuracy (${Math.round(100 * level)}% interval)`, kind: 'band', points: pts.map((p) => ({ x: x(p), y: p.lo })), upper: pts.map((p) => ({ x: x(p), y: p.hi })), colorIndex: 0 },
    { name: 'accuracy', kind: 'line', points: pts.map((p) => ({ x: x(p), y: p.accuracy, label: `budget ${p.budget}: ${pct(p.accuracy)} [${pct(p.lo)}, ${pct(p.hi)}]` })), colorIndex: 0 },
  ];
  const notes: string[] = [];
  s.laws.forEach((law, i) => {
    if (!law.ok) return;
    series.push({
      name: `${law.title} (fitted)`,
      kind: 'line',
      dashed: true,
      colorIndex: i + 1,
      points: law.prediction.x.flatMap((v, j) => (law.prediction.value[j] !== null ? [{ x: v, y: law.prediction.value[j]! }] : [])),
    });
    const sat = law.derived.find((d) => d.id === 'x_saturation');
    notes.push(`${law.title}: ${law.formula}; saturation (gain < ${s.saturation.epsilon * 1000} per 1,000 tokens) at ${sat?.value ? Math.round(sat.value).toLocaleString('en-US') : 'n/a'} ${s.x}.`);
  });
  if (s.saturation.data.index !== null) series.push({ name: 'saturation (data)', kind: 'scatter', points: [{ x: s.saturation.data.cost!, y: s.saturation.data.value! }] });
  return {
    kind: 'chart',
    id: `tts-sequential-${index}`,
    title: `${s.model}: accuracy vs ${s.x}`,
    subtitle: `${pts.length} thinking budgets`,
    x: { label: s.x, scale: 'log', unit: 'tokens' },
    y: { label: 'accuracy', scale: 'linear' },
    series,
    notes,
  };
}

/** The planner's views: frontier with target, and the recommendation; cheap to rebuild. */
export function plannerViews(a: TestTimeAnalysis, target: number, axis: CostAxis): ViewSpec[] {
  const frontier = paretoFrontier(a.candidates, axis);
  const rec = cheapestReaching(a.candidates, target, axis);
  const usable = a.candidates.filter((c) => typeof c.cost[axis] === 'number' && Number.isFinite(c.cost[axis]!) && c.cost[axis]! > 0);
  // Every candidate is drawn faintly; thinned so a large file keeps the panel responsive.
  const stride = Math.max(1, Math.ceil(usable.length / 3000));
  const series: SeriesSpec[] = [
    { name: 'configurations', kind: 'scatter', points: usable.filter((_, i) => i % stride === 0).map((c) => ({ x: c.cost[axis]!, y: c.accuracy, label: c.id })), colorIndex: 7 },
    { name: 'Pareto frontier', kind: 'line', points: frontier.filter((c) => c.cost[axis]! > 0).map((c) => ({ x: c.cost[axis]!, y: c.accuracy, label: c.id })), colorIndex: 0 },
  ];
  if (usable.length) {
    const xs = usable.map((c) => c.cost[axis]!);
    series.push({ name: `target ${pct(target)}`, kind: 'line', dashed: true, colorIndex: 3, points: [{ x: Math.min(...xs), y: target }, { x: Math.max(...xs), y: target }] });
  }
  const pick = rec.reached ? rec.choice : rec.nearest;
  if (pick && pick.cost[axis]! > 0) series.push({ name: rec.reached ? 'recommended' : 'nearest', kind: 'scatter', points: [{ x: pick.cost[axis]!, y: pick.accuracy, label: describe(pick) }], colorIndex: 1 });
  const chart: ChartSpec = {
    kind: 'chart',
    id: 'tts-frontier',
    title: `Pareto frontier: accuracy vs ${AXIS_LABEL[axis]}`,
    subtitle: `${a.candidates.length} configurations (models × budgets × strategies × k)`,
    x: { label: AXIS_LABEL[axis], scale: 'log', unit: COST_UNIT[axis] },
    y: { label: 'accuracy', scale: 'linear' },
    series,
    notes: [rec.statement],
  };
  const rows: (string | number | null)[][] = [];
  const row = (label: string, c: Candidate | null) => {
    if (c) rows.push([label, describe(c), finite(c.accuracy), finite(c.lo), finite(c.hi), formatCost(c.cost[axis]!, axis)]);
  };
  if (rec.reached) {
    row('cheapest reaching target', rec.choice);
    row('cheapest with interval above target', rec.confident);
  } else row('nearest (target not reached)', rec.nearest);
  const table: TableSpec = { kind: 'table', id: 'tts-recommendation', title: `Recommendation for ${pct(target)} (${axis})`, columns: ['', 'configuration', 'accuracy', 'low', 'high', 'cost per problem'], rows };
  return [chart, table];
}

function headlineTable(a: TestTimeAnalysis): TableSpec {
  const rows = a.configs.map((c) => {
    const at = (metric: string, k: number) => {
      const p = c.curves.find((m) => m.metric === metric)?.points[k - 1];
      return p ? finite(p.value) : null;
    };
    const coverage = c.laws.find((l) => l.law === 'tts-coverage' && l.ok);
    const k90 = coverage?.derived.find((d) => d.id === 'k_for_target')?.value ?? null;
    const sat = c.saturation.find((s) => s.metric === 'pass@k')?.law?.k ?? null;
    return [
      c.config,
      c.problems,
      c.K,
      at('pass@k', 1),
      at('pass@k', c.K),
      at('pass^k', c.K),
      at('maj@k', c.K),
      at('bon@k', c.K),
      coverage ? `a = ${coverage.params.a.toPrecision(3)}, b = ${coverage.params.b.toPrecision(3)}` : null,
      k90 !== null ? Math.round(k90) : null,
      sat !== null ? Math.round(sat) : null,
    ];
  });
  return {
    kind: 'table',
    id: 'tts-headline',
    title: 'Headline numbers',
    columns: ['configuration', 'problems', 'k max', 'pass@1', 'pass@k max', 'pass^k max', 'maj@k max', 'best-of-N k max', 'coverage law', 'k for 90% coverage', 'k at saturation'],
    rows,
  };
}

function studiesTables(c: ConfigAnalysis, i: number): TableSpec[] {
  const out: TableSpec[] = [];
  const ci = (v: { value: number; lo: number; hi: number }) => `${pct(v.value)} [${pct(v.lo)}, ${pct(v.hi)}]`;
  if (c.verifier) {
    const v = c.verifier;
    out.push({
      kind: 'table',
      id: `tts-verifier-${i}`,
      title: `${c.config}: verifier (accepts at score ≥ ${v.threshold})`,
      columns: ['true-positive rate', 'false-positive rate', 'precision', 'accuracy ceiling of resampling', 'problems never accepted'],
      rows: [[finite(v.truePositiveRate), finite(v.falsePositiveRate), finite(v.precision), ci(v.ceiling), v.neverAccepted]],
    });
  }
  if (c.solveVerify) {
    const s = c.solveVerify;
    out.push({
      kind: 'table',
      id: `tts-solve-verify-${i}`,
      title: `${c.config}: solve or verify at equal compute (a verification costs ${s.verifyCost} solution${s.verifyCost === 1 ? '' : 's'})`,
      columns: ['compute (solutions)', 'majority', 'verified best-of-N'],
      rows: s.verify.filter((p) => p.compute <= c.K).map((p) => [p.compute, finite(s.solve[Math.min(s.solve.length, Math.floor(p.compute)) - 1]?.accuracy ?? NaN), finite(p.accuracy)]),
    });
  }
  if (c.allocation) {
    out.push({
      kind: 'table',
      id: `tts-allocation-${i}`,
      title: `${c.config}: difficulty-aware allocation vs uniform (held out)`,
      columns: ['samples per problem', 'spent', 'adaptive', 'uniform', 'uniform choice', 'gain'],
      rows: c.allocation.map((r) => [r.budget, finite(r.spent), ci(r.adaptive), ci(r.uniform), `${r.uniform.strategy}@${r.uniform.k}`, ci(r.gain)]),
    });
  }
  if (c.earlyStopping) {
    out.push({
      kind: 'table',
      id: `tts-early-stop-${i}`,
      title: `${c.config}: stop when m samples agree${c.agreement ? ` (two samples agree ${pct(c.agreement.pairwise.value)} of the time)` : ''}`,
      columns: ['m', 'samples used', 'saved', 'accuracy', 'full vote', 'lost'],
      rows: c.earlyStopping.map((r) => [r.agree, finite(r.samplesUsed), ci(r.saved), ci(r.accuracy), finite(r.fullVote), ci(r.lost)]),
    });
  }
  const horizon = c.horizon.filter((h) => h.accuracy > 0.5 && h.accuracy < 1);
  if (horizon.length) {
    out.push({
      kind: 'table',
      id: `tts-horizon-${i}`,
      title: `${c.config}: task length at 50% success if each step succeeded like one problem`,
      columns: ['per-step accuracy', 'from', 'steps at 50%'],
      rows: horizon.map((h) => [finite(h.accuracy), `${h.metric} (k = ${h.k})`, finite(h.steps)]),
    });
  }
  return out;
}

/** Configurations charted one by one; past this, the frontier and the tables carry the rest. */
const MAX_CONFIG_CHARTS = 8;

/** The planner's inputs: the target accuracy slider and the cost axis. */
export function plannerControl(a: TestTimeAnalysis, target: number, axis: CostAxis): ViewSpec {
  return {
    kind: 'control',
    id: 'tts-planner',
    title: 'Budget planner',
    action: 'plan',
    controls: [
      { id: 'target', label: 'Target accuracy', type: 'range', min: 0.05, max: 0.99, step: 0.01, value: target, format: 'percent' },
      { id: 'axis', label: 'Cost axis', type: 'select', value: axis, options: a.axes.map((x) => ({ value: x, label: `${x} (${COST_UNIT[x]})` })) },
    ],
  };
}

export function testTimePanel(a: TestTimeAnalysis, axis: CostAxis = a.costAxis, target = a.target): PanelSpec {
  // The answer first (the cheapest configuration for the target), then the curves behind it.
  const views: ViewSpec[] = [plannerControl(a, target, axis), ...plannerViews(a, target, axis), headlineTable(a)];
  a.configs
    .filter((c) => c.curves.length)
    .slice(0, MAX_CONFIG_CHARTS)
    .forEach((c, i) => views.push(configChart(c, axis, `tts-curves-${i}`, a.settings.level)));
  a.sequential.forEach((s, i) => views.push(sequentialChart(s, i, a.settings.level)));
  a.configs.forEach((c, i) => views.push(...studiesTables(c, i)));
  const messages: NonNullable<PanelSpec['messages']> = a.notes.map((n) => ({ severity: 'info' as const, text: n.message }));
  const errors = a.problems.filter((p) => p.severity === 'error').length;
  if (errors) messages.unshift({ severity: 'warning', text: `${errors} problem${errors === 1 ? '' : 's'} in the input: the affected records are left out (see Problems).` });
  if (a.configs.length > MAX_CONFIG_CHARTS) messages.push({ severity: 'info', text: `${a.configs.length} configurations: the first ${MAX_CONFIG_CHARTS} are charted; all enter the frontier.` });
  return { title: `Test-time scaling: ${a.files.join(', ')}`, source: a.files[0], views, messages };
}
