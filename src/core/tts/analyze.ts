import type { Problem } from '../ingest/problem';
import type { EvalNote, EvalSampleSet } from '../ingest/evalSamples/types';
import { cheapestReaching, paretoFrontier, type Candidate, type Recommendation } from '../recommend/testTime';
import { Checkpoint, type WorkOptions } from '../work';
import { difficultyAllocation, type AllocationResult } from './allocation';
import { bootstrapCurves, DEFAULT_RESAMPLES } from './bootstrap';
import { COST_AXES, costCurve, sampleCosts, type CostAxis, type CostSettings } from './cost';
import { buildCurves } from './curves';
import { coverageLaw, dataSaturation, fitTestTimeLaw, powerLawCeiling, sigmoidLogCompute, type DataSaturation, type TestTimeLawFit } from './laws';
import { horizonLength } from './longHorizon';
import { commonK, gradedProblems, majorityAtKEstimate, passAtKEstimate, passHatKEstimate, type CurveEstimate } from './parallel';
import { agreement, earlyStopping, type Agreement, type EarlyStopResult } from './redundancy';
import { selectionEstimate } from './selection';
import { problemAccuracy, sequentialScaling, type BudgetPoint } from './sequential';
import { solveVersusVerify, type SolveVerifyComparison } from './solveVerify';
import { buildTables, DEFAULT_THRESHOLD, tableFields, type ConfigTable } from './table';
import { acceptFirstEstimate, DEFAULT_ACCEPT_THRESHOLD, verifierQuality, type VerifierQuality } from './verifier';
import { votingEstimate } from './voting';

/**
 * Test-time scaling analysis of eval samples, from records to recommendation: per
 * configuration (model × thinking budget) every curve the data allows with bootstrap
 * intervals over problems, their costs on every axis, fitted laws, saturation points,
 * verifier quality, allocation and redundancy studies; across configurations, sequential
 * scaling, the Pareto frontier and the cheapest configuration reaching a target. Everything
 * is plain JSON-ready data; deterministic for a given seed.
 */

export interface TestTimeOptions extends WorkOptions {
  /** Graded scores count as correct at or above this; default 1. */
  threshold?: number;
  resamples?: number;
  seed?: number;
  level?: number;
  cost?: CostSettings;
  /** Axis for the frontier and recommendation; default tokens when known, else samples. */
  costAxis?: CostAxis;
  /** Target accuracy for the recommendation; default 0.8. */
  target?: number;
  /** Saturation: smallest worthwhile gain per extra sample (default 0.001), per 1,000 thinking tokens (default 0.005). */
  saturation?: { perSample?: number; perThousandTokens?: number };
  /** Verifier acceptance threshold; default 0.5. */
  verifierThreshold?: number;
  /** Cost of one verification in solutions, for solve-vs-verify; default 1. */
  verifyCost?: number;
  /** Longest k to compute; default every k the data allows. */
  kMax?: number;
  /** Problem-bootstrap refits for law intervals; default 100. */
  lawRefits?: number;
  /** Difficulty-aware allocation and early-stopping replays (slower); default on. */
  studies?: boolean;
  /** Let pass@k (an oracle picks the right sample) compete in the frontier; default off. */
  includeOracle?: boolean;
}

export interface CurvePoint {
  k: number;
  value: number;
  lo: number;
  hi: number;
}

export interface MetricCurve {
  metric: string;
  points: CurvePoint[];
  /** Tie-breaking, thresholds, exact or simulated: stated beside the curve. */
  rules: string[];
  /** Mean cost per problem at each k, on each available axis. */
  cost: Partial<Record<CostAxis, number[]>>;
  /** Whether this strategy can be deployed without an oracle (enters the frontier). */
  deployable: boolean;
}

export interface SaturationPoint {
  metric: string;
  /** Gain per extra sample below which sampling more stops paying. */
  epsilon: number;
  /** From the measured curve: the k past which every further gain stays below ε. */
  data: { k: number; value: number } | null;
  /** From the fitted law, with its interval. */
  law: { k: number | null; ci: [number, number] | null } | null;
}

export interface ConfigAnalysis {
  config: string;
  model: string;
  budget: number | null;
  problems: number;
  /** Problems with no graded sample, left out. */
  excluded: number;
  /** Curves run k = 1..K. */
  K: number;
  samplesPerProblem: [number, number];
  curves: MetricCurve[];
  laws: TestTimeLawFit[];
  saturation: SaturationPoint[];
  verifier: VerifierQuality | null;
  solveVerify: SolveVerifyComparison | null;
  allocation: AllocationResult[] | null;
  agreement: Agreement | null;
  earlyStopping: EarlyStopResult[] | null;
  /** Task length (steps) at 50% success if each step succeeded with this accuracy. */
  horizon: { metric: string; k: number; accuracy: number; steps: number }[];
  costAxes: CostAxis[];
  notes: string[];
}

export interface SequentialAnalysis {
  model: string;
  points: BudgetPoint[];
  /** Laws of accuracy against mean thinking (or generated) tokens. */
  laws: TestTimeLawFit[];
  /** The x the laws use: `thinking tokens`, `generated tokens` or `budget`. */
  x: string;
  saturation: { epsilon: number; data: DataSaturation; law: { id: string; value: number | null; ci: [number, number] | null }[] };
}

export interface TestTimeAnalysis {
  files: string[];
  configs: ConfigAnalysis[];
  sequential: SequentialAnalysis[];
  candidates: Candidate[];
  costAxis: CostAxis;
  /** Axes some candidate has a cost on. */
  axes: CostAxis[];
  target: number;
  frontier: Candidate[];
  recommendation: Recommendation;
  problems: Problem[];
  notes: EvalNote[];
  settings: {
    threshold: number;
    resamples: number;
    seed: number;
    level: number;
    verifierThreshold: number;
    verifyCost: number;
    saturationPerSample: number;
    saturationPerThousandTokens: number;
  };
}

const DEPLOYABLE = new Set(['maj@k', 'bon@k', 'weighted-maj@k', 'bom@k', 'shortest@k', 'shortest-maj@k', 'first-finish@k', 'verify@k']);

export async function analyzeTestTime(sets: readonly EvalSampleSet[], options: TestTimeOptions = {}): Promise<TestTimeAnalysis> {
  const checkpoint = new Checkpoint(options);
  const settings = {
    threshold: options.threshold ?? DEFAULT_THRESHOLD,
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    seed: options.seed ?? 0,
    level: options.level ?? 0.95,
    verifierThreshold: options.verifierThreshold ?? DEFAULT_ACCEPT_THRESHOLD,
    verifyCost: options.verifyCost ?? 1,
    saturationPerSample: options.saturation?.perSample ?? 0.001,
    saturationPerThousandTokens: options.saturation?.perThousandTokens ?? 0.005,
  };
  const samples = sets.flatMap((s) => s.samples);
  const { tables, notes: tableNotes } = buildTables(samples, { threshold: settings.threshold });
  const notes: EvalNote[] = [...sets.flatMap((s) => s.notes.map((n) => ({ ...n, message: sets.length > 1 ? `${s.file}: ${n.message}` : n.message }))), ...tableNotes];
  const configs: ConfigAnalysis[] = [];
  const candidates: Candidate[] = [];
  for (const [ti, t] of tables.entries()) {
    await checkpoint.tick(ti / Math.max(1, tables.length), `Analysing ${t.label}`);
    const c = await analyzeConfig(t, settings, options, checkpoint);
    configs.push(c);
    for (const curve of c.curves) {
      if (!curve.deployable && !(options.includeOracle && curve.metric === 'pass@k')) continue;
      for (const p of curve.points) {
        const cost: Partial<Record<CostAxis, number | null>> = {};
        for (const axis of COST_AXES) cost[axis] = curve.cost[axis]?.[p.k - 1] ?? null;
        candidates.push({ id: `${t.label} | ${curve.metric} | k=${p.k}`, model: t.model, budget: t.budget, strategy: curve.metric, k: p.k, accuracy: p.value, lo: p.lo, hi: p.hi, cost });
      }
    }
  }
  const sequential = analyzeSequential(tables, settings, options);
  const axes = COST_AXES.filter((a) => candidates.some((c) => typeof c.cost[a] === 'number' && Number.isFinite(c.cost[a]!)));
  const costAxis = options.costAxis && axes.includes(options.costAxis) ? options.costAxis : axes.includes('tokens') ? 'tokens' : 'samples';
  if (options.costAxis && !axes.includes(options.costAxis)) {
    notes.push({ code: 'tts/axis-unavailable', message: `The ${options.costAxis} axis is unavailable for these files (see the notes on costs); using ${costAxis}.` });
  }
  const target = options.target ?? 0.8;
  return {
    files: sets.map((s) => s.file),
    configs,
    sequential,
    candidates,
    costAxis,
    axes,
    target,
    frontier: paretoFrontier(candidates, costAxis),
    recommendation: cheapestReaching(candidates, target, costAxis),
    problems: sets.flatMap((s) => s.problems),
    notes,
    settings,
  };
}

type Settings = TestTimeAnalysis['settings'];

function toPoints(value: Float64Array, lo: Float64Array, hi: Float64Array): CurvePoint[] {
  return Array.from(value, (v, i) => ({ k: i + 1, value: v, lo: lo[i], hi: hi[i] }));
}

/** Budgets to extrapolate a law in k to: log-spaced from K to 16·K. */
function extrapolation(K: number): number[] {
  const out: number[] = [];
  for (let i = 0; i <= 24; i++) out.push(Math.round(Math.exp(Math.log(K) + (i / 24) * Math.log(16))));
  return [...new Set(out)];
}

export async function analyzeConfig(t: ConfigTable, settings: Settings, options: TestTimeOptions, checkpoint = new Checkpoint(options)): Promise<ConfigAnalysis> {
  // Between stages the event loop gets a turn, so a cancel request is seen within one stage.
  const step = (what: string) => checkpoint.tick(0, `${t.label}: ${what}`);
  const notes: string[] = [];
  const fields = tableFields(t);
  const problems = gradedProblems(t);
  const P = t.start.length - 1;
  let minN = Infinity;
  let maxN = 0;
  for (let i = 0; i < P; i++) {
    const n = t.start[i + 1] - t.start[i];
    minN = Math.min(minN, n);
    maxN = Math.max(maxN, n);
  }
  const base: ConfigAnalysis = {
    config: t.label,
    model: t.model,
    budget: t.budget,
    problems: problems.length,
    excluded: P - problems.length,
    K: 0,
    samplesPerProblem: [Number.isFinite(minN) ? minN : 0, maxN],
    curves: [],
    laws: [],
    saturation: [],
    verifier: null,
    solveVerify: null,
    allocation: null,
    agreement: null,
    earlyStopping: null,
    horizon: [],
    costAxes: [],
    notes,
  };
  if (problems.length === 0) {
    notes.push(`${t.label}: no problem has a graded sample, so no accuracy curve can be computed.`);
    if (fields.answers) base.agreement = agreement(t, Int32Array.from({ length: P }, (_, i) => i), settings);
    return base;
  }
  if (base.excluded) notes.push(`${base.excluded} problems without any graded sample are left out.`);
  let K = commonK(t, problems);
  if (options.kMax) K = Math.min(K, options.kMax);
  base.K = K;
  if (minN !== maxN) notes.push(`Problems have ${minN} to ${maxN} samples; curves stop at k = ${K}, the fewest graded samples of any problem.`);

  const boot = { resamples: settings.resamples, seed: settings.seed, level: settings.level };
  const estimates: CurveEstimate[] = [passAtKEstimate(t, K, problems), passHatKEstimate(t, K, problems)];
  await step('majority@k');
  if (fields.answers) estimates.push(majorityAtKEstimate(t, K, problems, { seed: settings.seed }));
  await step('verifier and length strategies');
  if (fields.verifier) {
    estimates.push(selectionEstimate(t, 'best-of-n', K, problems));
    estimates.push(acceptFirstEstimate(t, K, problems, settings.verifierThreshold));
    if (fields.answers) {
      estimates.push(votingEstimate(t, 'weighted-majority', K, problems, { seed: settings.seed }));
      estimates.push(votingEstimate(t, 'best-of-majority', K, problems, { seed: settings.seed }));
    }
  }
  if (fields.tokens) {
    estimates.push(selectionEstimate(t, 'shortest-of-k', K, problems));
    if (fields.answers) estimates.push(votingEstimate(t, 'shortest-majority', K, problems, { seed: settings.seed }));
  }
  if (fields.latency) estimates.push(selectionEstimate(t, 'first-finish', K, problems));
  await step('bootstrap');
  const bands = bootstrapCurves(
    estimates.map((e) => e.curves),
    { ...boot, keepDraws: true },
  );

  const costs = sampleCosts(t, options.cost);
  notes.push(...costs.notes);
  base.costAxes = COST_AXES.filter((a) => costs.available[a]);
  const costOf = (metric: string): Partial<Record<CostAxis, number[]>> => {
    const out: Partial<Record<CostAxis, number[]>> = {};
    for (const axis of base.costAxes) out[axis] = Array.from(costCurve(t, costs.perSample[axis], axis, K, problems, metric === 'first-finish@k'));
    return out;
  };
  base.curves = estimates.map((e, m) => ({
    metric: e.metric,
    points: toPoints(bands[m].value, bands[m].lo, bands[m].hi),
    rules: e.rules,
    cost: costOf(e.metric),
    deployable: DEPLOYABLE.has(e.metric),
  }));
  const band = (metric: string) => {
    const m = estimates.findIndex((e) => e.metric === metric);
    return m >= 0 ? bands[m] : undefined;
  };

  await step('laws');
  // Laws in k, with intervals from the same problem bootstrap.
  const ks = Array.from({ length: K }, (_, i) => i + 1);
  const lawOptions = { refits: options.lawRefits ?? 100, predictAt: extrapolation(K), level: settings.level };
  const pass = band('pass@k')!;
  if (K >= 3) {
    const coverage = fitTestTimeLaw(coverageLaw, ks, pass.value, { ...lawOptions, space: 'log', draws: pass.draws, inputs: { target: 0.9, epsilon: settings.saturationPerSample } });
    base.laws.push(coverage);
    const maj = band('maj@k');
    if (maj && K >= 4) base.laws.push(fitTestTimeLaw(powerLawCeiling, ks, maj.value, { ...lawOptions, draws: maj.draws, inputs: { epsilon: settings.saturationPerSample } }));
  } else notes.push(`With k ≤ ${K} there are too few points to fit a law in k.`);
  for (const metric of ['pass@k', 'maj@k']) {
    const b = band(metric);
    if (!b) continue;
    const s = dataSaturation(ks, b.value, settings.saturationPerSample);
    const law = base.laws.find((l) => (metric === 'pass@k' ? l.law === coverageLaw.id : l.law === powerLawCeiling.id));
    const derived = law?.derived.find((d) => d.id === 'k_saturation' || d.id === 'x_saturation');
    base.saturation.push({
      metric,
      epsilon: settings.saturationPerSample,
      data: s.index !== null ? { k: s.cost!, value: s.value! } : null,
      law: derived ? { k: derived.value, ci: derived.ci } : null,
    });
  }

  await step('studies');
  if (fields.verifier) {
    base.verifier = verifierQuality(t, problems, settings.verifierThreshold, boot);
    const maj = band('maj@k');
    const bon = band('bon@k');
    if (maj && bon) base.solveVerify = solveVersusVerify(maj, bon, settings.verifyCost);
  }
  if (fields.answers) {
    base.agreement = agreement(t, problems, boot);
    if (options.studies !== false) {
      base.earlyStopping = earlyStopping(t, problems, boot);
      await step('allocation');
      const alloc = difficultyAllocation(t, problems, boot);
      base.allocation = alloc.results.length ? alloc.results : null;
      notes.push(...alloc.notes);
    }
  }
  const single = pass.value[0];
  base.horizon.push({ metric: 'pass@1', k: 1, accuracy: single, steps: horizonLength(single) });
  const maj = band('maj@k');
  if (maj) base.horizon.push({ metric: 'maj@k', k: K, accuracy: maj.value[K - 1], steps: horizonLength(maj.value[K - 1]) });
  return base;
}

function analyzeSequential(tables: readonly ConfigTable[], settings: Settings, options: TestTimeOptions): SequentialAnalysis[] {
  const boot = { resamples: settings.resamples, seed: settings.seed, level: settings.level };
  return sequentialScaling(tables, boot).map((curve) => {
    const pts = curve.points;
    const useThinking = pts.every((p) => p.thinkingTokens !== null && p.thinkingTokens > 0);
    const useGenerated = !useThinking && pts.every((p) => p.generatedTokens !== null && p.generatedTokens > 0);
    const xName = useThinking ? 'thinking tokens' : useGenerated ? 'generated tokens' : 'budget';
    const x = pts.map((p) => (useThinking ? p.thinkingTokens! : useGenerated ? p.generatedTokens! : p.budget));
    const laws: TestTimeLawFit[] = [];
    const epsilonPerToken = settings.saturationPerThousandTokens / 1000;
    // Paired draws over the problems every budget shares, so the refits see consistent resamples.
    const draws = pairedDraws(tables.filter((t) => t.model === curve.model && t.budget !== null), settings);
    const lawOptions = { draws, refits: options.lawRefits ?? 100, inputs: { epsilon: epsilonPerToken, target: options.target ?? 0.8 }, level: settings.level };
    const ordered = x.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
    const monotoneX = ordered.every((o, j) => j === 0 || o.v > ordered[j - 1].v);
    if (pts.length >= 4 && monotoneX) {
      const maxX = Math.max(...x);
      const predictAt = Array.from({ length: 25 }, (_, i) => maxX * Math.pow(16, i / 24));
      laws.push(fitTestTimeLaw(powerLawCeiling, x, pts.map((p) => p.accuracy), { ...lawOptions, predictAt }));
      laws.push(fitTestTimeLaw(sigmoidLogCompute, x, pts.map((p) => p.accuracy), { ...lawOptions, predictAt }));
    }
    const sorted = ordered.map((o) => o.i);
    const data = dataSaturation(
      sorted.map((i) => x[i]),
      sorted.map((i) => pts[i].accuracy),
      epsilonPerToken,
    );
    return {
      model: curve.model,
      points: pts,
      laws,
      x: xName,
      saturation: {
        epsilon: epsilonPerToken,
        data,
        law: laws.map((l) => {
          const d = l.derived.find((q) => q.id === 'x_saturation');
          return { id: l.law, value: d?.value ?? null, ci: d?.ci ?? null };
        }),
      },
    };
  });
}

/** Resampled accuracies at each budget (resamples × budgets), paired over shared problems. */
function pairedDraws(tables: readonly ConfigTable[], settings: Settings): Float64Array | undefined {
  const sorted = [...tables].sort((a, b) => a.budget! - b.budget!);
  const accuracy = sorted.map((t) => {
    const acc = problemAccuracy(t);
    return new Map(t.problemIds.map((id, i) => [id, acc[i]] as const));
  });
  const shared = sorted[0]?.problemIds.filter((id) => accuracy.every((m) => Number.isFinite(m.get(id) ?? NaN))) ?? [];
  if (shared.length < 2) return undefined;
  const B = sorted.length;
  const curves = buildCurves(shared.length, B, (p) => p, (p, out) => {
    accuracy.forEach((m, b) => {
      out[b] = m.get(shared[p])!;
    });
  });
  return bootstrapCurves([curves], { resamples: settings.resamples, seed: settings.seed, keepDraws: true })[0].draws;
}
