import { ConfigIndex } from '../ingest/sweep/configIndex';
import { countParameters } from '../ingest/sweep/modelSize';
import type { ConfigAnalysis } from './analyze';
import type { ConfigKey, Range } from './document';
import { fmtCount, fmtSci } from './format';
import { formatLike, roundCount } from './numberStyle';
import { megatronGatedFfn, type ConfigPlan, type TokensTarget } from './plan';
import { stepLawOptimum } from '../laws/stepLaw';

/**
 * Code actions as plain text edits: the compute-optimal split of the plan's budget, the
 * compute-optimal token count for the plan's model size, and the Step Law learning rate and
 * batch. Each edit replaces one value's text, written in the style the file already uses, so
 * the rest of the file (comments, order, quoting) is untouched. An action that cannot be written
 * in this config comes back disabled with the reason, rather than missing.
 */

export interface TextEdit {
  range: Range;
  newText: string;
}

export type ConfigActionId = 'config/compute-optimal-split' | 'config/optimal-tokens-for-size' | 'config/step-law-lr' | 'config/step-law-batch';

export interface ConfigCodeAction {
  id: ConfigActionId;
  title: string;
  kind: 'quickfix';
  edits: TextEdit[];
  /** Diagnostic codes this action answers. */
  fixes: string[];
  /** The range of the key the action is about, for offering it where the cursor is. */
  anchor: Range;
  /** Set when the action cannot be written in this config: why. `edits` is then empty. */
  disabled?: string;
  /** The values the edits write, by key path, for checking and for the planner. */
  values: Record<string, number>;
  /** Model size and tokens of the config once the edits are applied. */
  result?: { N: number; D: number };
}

export function configCodeActions(analysis: ConfigAnalysis, range?: Range): ConfigCodeAction[] {
  const { plan, assessment } = analysis;
  const actions: ConfigCodeAction[] = [];
  const frontier = assessment.frontier;
  const N = plan.N.value;
  const D = plan.D.value;
  const tokens = plan.targets.tokens;
  const firstKey = analysis.config.keys[0];
  const anchorOf = (key: ConfigKey | null | undefined) => (key ?? firstKey)?.keyRange ?? analysis.config.lines.range(0, 0);
  const tokensKey = tokens.kind === 'none' ? null : tokens.key;

  if (frontier && N !== null && D !== null && frontier.N.value !== null) {
    const C = frontier.C;
    const target = frontier.N.value;
    const size = plan.targets.size;
    const fixes = ['config/frontier'];
    if (size.kind === 'none') {
      actions.push(disabled('config/compute-optimal-split', `Compute-optimal split of this budget (${fmtSci(C)} FLOPs): N ${fmtCount(N)} → ${fmtCount(target)}`, `a size edit is not expressible in this config: ${size.why}`, anchorOf(tokensKey), fixes));
    } else if (tokens.kind === 'none') {
      actions.push(disabled('config/compute-optimal-split', `Compute-optimal split of this budget (${fmtSci(C)} FLOPs)`, `the token count cannot be written: ${tokens.why}`, anchorOf(size.layers ?? size.hidden), fixes));
    } else {
      const options = sizeEdits(plan, target);
      if (options.length === 0) actions.push(disabled('config/compute-optimal-split', `Compute-optimal split of this budget (${fmtSci(C)} FLOPs): N ${fmtCount(N)} → ${fmtCount(target)}`, 'no change of layers or width in reach brings N nearer the optimum', anchorOf(tokensKey), fixes));
      for (const edit of options) {
        const newD = C / (plan.flopsPerToken * edit.N);
        const t = tokensEdit(tokens, newD);
        actions.push({
          id: 'config/compute-optimal-split',
          title: `Compute-optimal split of this budget (${fmtSci(C)} FLOPs): N ${fmtCount(N)} → ${fmtCount(edit.N)} (${edit.describe}), D ${fmtCount(D)} → ${fmtCount(t.D)} (${t.describe})`,
          kind: 'quickfix',
          edits: [...edit.edits, t.edit],
          fixes,
          anchor: anchorOf(tokensKey),
          values: { ...edit.values, [t.key.path]: t.value },
          result: { N: edit.N, D: t.D },
        });
      }
    }
    if (frontier.tokensForSize !== null) {
      const Dt = frontier.tokensForSize;
      if (tokens.kind === 'none') actions.push(disabled('config/optimal-tokens-for-size', `Compute-optimal tokens for this model size (${fmtCount(N)}): D → ${fmtCount(Dt)}`, `the token count cannot be written: ${tokens.why}`, anchorOf(null), fixes));
      else {
        const t = tokensEdit(tokens, Dt);
        actions.push({
          id: 'config/optimal-tokens-for-size',
          title: `Compute-optimal tokens for this model size (${fmtCount(N)}): D ${fmtCount(D)} → ${fmtCount(t.D)} (${t.describe}; compute ${fmtSci(frontier.C)} → ${fmtSci(plan.flopsPerToken * N * t.D)} FLOPs)`,
          kind: 'quickfix',
          edits: [t.edit],
          fixes,
          anchor: anchorOf(tokens.key),
          values: { [t.key.path]: t.value },
          result: { N, D: t.D },
        });
      }
    }
  }

  const step = assessment.stepLaw;
  if (step && step.lr.value !== null) {
    const fixes = ['config/step-law-lr'];
    const key = plan.targets.lr;
    const title = `Step Law learning rate for N = ${fmtCount(step.N)}, D = ${fmtCount(step.D)}`;
    if (!key) actions.push(disabled('config/step-law-lr', `${title}: ${fmtSci(step.lr.value, 2)}`, plan.lr.value === null ? 'the config has no learning rate key' : 'the learning rate is not a number literal here', anchorOf(null), fixes));
    else {
      const text = formatLike(key.raw, step.lr.value, { integer: false });
      const value = Number(text.replace(/["'\s_]/g, ''));
      actions.push({ id: 'config/step-law-lr', title: `${title}: ${key.raw.trim()} → ${text.trim()}`, kind: 'quickfix', edits: [{ range: key.valueRange, newText: text }], fixes, anchor: key.keyRange, values: { [key.path]: value } });
    }
  }
  if (step && step.batchTokens.value !== null) actions.push(batchAction(plan, step.batchTokens.value, anchorOf));

  if (!range) return actions;
  return actions.filter((a) => overlaps(a.anchor, range) || a.edits.some((e) => overlaps(e.range, range)));
}

function overlaps(a: Range, b: Range): boolean {
  return a.start.offset <= b.end.offset && b.start.offset <= a.end.offset;
}

function disabled(id: ConfigActionId, title: string, why: string, anchor: Range, fixes: string[]): ConfigCodeAction {
  return { id, title, kind: 'quickfix', edits: [], fixes, anchor, disabled: why, values: {} };
}

/** Steps (or the token budget, or Megatron's samples) that give about `D` tokens. */
function tokensEdit(target: Exclude<TokensTarget, { kind: 'none' }>, D: number): { edit: TextEdit; key: ConfigKey; value: number; D: number; describe: string } {
  const key = target.key;
  let value: number;
  let realised: number;
  if (target.kind === 'steps') {
    value = roundCount(D / target.tokensPerStep);
    realised = value * target.tokensPerStep;
  } else if (target.kind === 'samples') {
    value = roundCount(D / target.seqLen);
    realised = value * target.seqLen;
  } else {
    value = roundCount(D);
    realised = value;
  }
  const newText = formatLike(key.raw, value, { integer: true });
  return { edit: { range: key.valueRange, newText }, key, value, D: realised, describe: `${lastSegment(key)} ${key.raw.trim()} → ${newText.trim()}` };
}

function lastSegment(key: ConfigKey): string {
  return key.segments[key.segments.length - 1];
}

interface SizeEdit {
  N: number;
  edits: TextEdit[];
  values: Record<string, number>;
  describe: string;
}

/**
 * The architecture edits that bring N nearest a target: the layer count alone, the width alone
 * (in whole heads of the same size, the MLP width scaled along), or both with the depth-to-width
 * ratio kept — each offered where it stays within sensible reach (a layer-only edit past 3× the
 * depth, or a width-only edit past 2× the width, is left to the combined one).
 */
function sizeEdits(plan: ConfigPlan, target: number): SizeEdit[] {
  const size = plan.targets.size;
  const arch = plan.architecture;
  if (size.kind !== 'architecture' || !arch) return [];
  const pick = (c: { total: number; nonEmbedding: number }) => (plan.size === 'total' ? c.total : c.nonEmbedding);
  const recount = (changes: Record<string, number>): number | null => {
    const c = countParameters(new ConfigIndex({ ...arch.values, ...changes }));
    return c ? pick(c) : null;
  };
  const layers = size.layers && typeof size.layers.value === 'number' ? size.layers : null;
  const hidden = size.hidden && typeof size.hidden.value === 'number' ? size.hidden : null;
  const heads = size.heads && typeof size.heads.value === 'number' ? size.heads : null;
  const ffn = size.ffn && typeof size.ffn.value === 'number' ? size.ffn : null;
  const L0 = layers ? (layers.value as number) : null;
  const d0 = hidden ? (hidden.value as number) : null;
  const h0 = heads ? (heads.value as number) : null;

  // Width moves in whole heads of the same size (in steps of the KV heads under grouped-query
  // attention), the way model families scale; without a head count, in multiples of 64.
  const headDim = d0 && h0 && d0 % h0 === 0 ? d0 / h0 : null;
  const headStep = size.kvHeads && h0 && h0 % size.kvHeads === 0 ? size.kvHeads : 1;
  const widthStep = headDim ? headDim * headStep : 64;
  const widthChanges = (d: number): Record<string, number> => {
    if (!hidden || !d0) return {};
    const c: Record<string, number> = { [hidden.path]: d };
    if (ffn) c[ffn.path] = Math.max(64, Math.round(((ffn.value as number) * d) / d0 / 64) * 64);
    else if (arch.ffnFromWidth) c.intermediate_size = megatronGatedFfn(d);
    if (heads && headDim) c[heads.path] = d / headDim;
    return c;
  };
  /** The layer count nearest the target at a given width: N is affine in the layer count. */
  const bestLayers = (width: Record<string, number>): { L: number; N: number } | null => {
    if (!layers) return null;
    const n1 = recount({ ...width, [layers.path]: 1 });
    const n2 = recount({ ...width, [layers.path]: 2 });
    if (n1 === null || n2 === null || !(n2 > n1)) return null;
    const per = n2 - n1;
    const L = Math.max(1, Math.round((target - (n1 - per)) / per));
    return { L, N: n1 + (L - 1) * per };
  };
  const candidates: { changes: Record<string, number>; N: number }[] = [];
  if (layers && L0) {
    const b = bestLayers({});
    if (b && b.L !== L0 && b.L <= 3 * L0 && b.L >= L0 / 3) candidates.push({ changes: { [layers.path]: b.L }, N: b.N });
  }
  if (hidden && d0) {
    let best: { d: number; N: number } | null = null;
    for (let d = widthStep; d <= 2 * d0; d += widthStep) {
      if (d < d0 / 2) continue;
      const N = recount(widthChanges(d));
      if (N !== null && (!best || Math.abs(Math.log(N / target)) < Math.abs(Math.log(best.N / target)))) best = { d, N };
    }
    if (best && best.d !== d0) candidates.push({ changes: widthChanges(best.d), N: best.N });
  }
  if (layers && L0 && hidden && d0) {
    const aspect = d0 / L0;
    let best: { changes: Record<string, number>; N: number; cost: number } | null = null;
    for (let d = widthStep; d <= 4 * d0; d += widthStep) {
      if (d < d0 / 4) continue;
      const width = widthChanges(d);
      const b = bestLayers(width);
      if (!b) continue;
      const cost = Math.abs(Math.log(b.N / target)) + 0.25 * Math.abs(Math.log(d / b.L / aspect));
      if (!best || cost < best.cost) best = { changes: { ...width, [layers.path]: b.L }, N: b.N, cost };
    }
    // Only when it changes both (else it repeats one of the above).
    if (best && best.changes[layers.path] !== L0 && best.changes[hidden.path] !== d0) candidates.push({ changes: best.changes, N: best.N });
  }

  // A "compute-optimal" edit that lands far from the optimum would say something false.
  const near = candidates.filter((c) => Math.abs(Math.log(c.N / target)) < Math.log(1.25));
  const keysByPath = new Map<string, ConfigKey>();
  for (const k of [layers, hidden, ffn, heads]) if (k) keysByPath.set(k.path, k);
  return near.map(({ changes, N }) => {
    const edits: TextEdit[] = [];
    const parts: string[] = [];
    for (const [path, value] of Object.entries(changes)) {
      const key = keysByPath.get(path);
      // Derived inputs of the count (Megatron's default MLP width) follow the edit by themselves.
      if (!key || value === key.value) continue;
      const text = formatLike(key.raw, value, { integer: true });
      edits.push({ range: key.valueRange, newText: text });
      parts.push(`${lastSegment(key)} ${key.raw.trim()} → ${text.trim()}`);
    }
    const widthChanged = hidden && changes[hidden.path] !== undefined && changes[hidden.path] !== d0;
    const note = widthChanged && headDim && heads ? `; head size ${headDim} kept` : widthChanged && h0 ? `; ${h0} heads of ${changes[hidden!.path] / h0}` : '';
    const values = Object.fromEntries(Object.entries(changes).filter(([p, v]) => keysByPath.has(p) && keysByPath.get(p)!.value !== v));
    return { N, edits, values, describe: parts.join(', ') + note };
  });
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function lcm(a: number, b: number): number {
  return Number.isInteger(b) && b > 0 ? (a * b) / gcd(a, b) : a;
}

/**
 * The Step Law batch, written where the config sets the batch; the step count follows so that
 * the tokens D (which the optimum was taken at) stay the same.
 */
function batchAction(plan: ConfigPlan, optimalTokens: number, anchorOf: (k: ConfigKey | null) => Range): ConfigCodeAction {
  const fixes = ['config/step-law-batch'];
  const target = plan.targets.batch;
  const seq = plan.seqLen.value;
  const current = plan.batchSequences.value;
  const baseTitle = `Step Law batch size for D = ${fmtCount(plan.D.value ?? NaN)}: ${fmtCount(optimalTokens)} tokens`;
  if (target.kind === 'none') return disabled('config/step-law-batch', baseTitle, target.why, anchorOf(null), fixes);
  let key: ConfigKey;
  let value: number;
  let sequences: number;
  if (target.kind === 'tokens') {
    key = target.key;
    value = roundCount(optimalTokens);
    sequences = seq ? value / seq : NaN;
  } else if (target.kind === 'global') {
    key = target.key;
    const m = Math.max(1, target.multipleOf);
    value = Math.max(m, Math.round(optimalTokens / target.seqLen / m) * m);
    sequences = value;
  } else {
    key = target.key;
    value = Math.max(1, Math.round(optimalTokens / target.seqLen / target.otherFactors));
    sequences = value * target.otherFactors;
  }
  if (value === key.value) {
    const why =
      target.kind === 'factor' && optimalTokens / target.seqLen / target.otherFactors < 0.5
        ? `the optimum is ${fmtCount(optimalTokens / target.seqLen)} sequences per step, fewer than the ${fmtCount(target.otherFactors)} this config runs with one sequence per device and accumulation step; ${key.path} is already at its least`
        : `${key.path} is already the nearest value to the optimum`;
    return disabled('config/step-law-batch', baseTitle, why, key.keyRange, fixes);
  }
  const text = formatLike(key.raw, value, { integer: true });
  const edits: TextEdit[] = [{ range: key.valueRange, newText: text }];
  const values: Record<string, number> = { [key.path]: value };
  const parts = [`${lastSegment(key)} ${key.raw.trim()} → ${text.trim()}`];
  const tokens = plan.targets.tokens;
  const D = plan.D.value;
  if (tokens.kind === 'steps' && D !== null && seq && Number.isFinite(sequences)) {
    const steps = roundCount(D / (sequences * seq));
    const stepsText = formatLike(tokens.key.raw, steps, { integer: true });
    edits.push({ range: tokens.key.valueRange, newText: stepsText });
    values[tokens.key.path] = steps;
    parts.push(`${lastSegment(tokens.key)} ${tokens.key.raw.trim()} → ${stepsText.trim()} to keep ${fmtCount(D)} tokens`);
  }
  const fromSeq = current !== null ? `${fmtCount(current)} → ` : '';
  return {
    id: 'config/step-law-batch',
    title: `Step Law batch size for D = ${fmtCount(D ?? NaN)}: ${fromSeq}${fmtCount(sequences)} sequences (${parts.join('; ')})`,
    kind: 'quickfix',
    edits,
    fixes,
    anchor: key.keyRange,
    values,
  };
}

/**
 * The edit that puts a planner's recommendation into the config: the model size nearest N
 * (layers or width, when the architecture sets N), the steps that spend the budget C at that
 * size, and the Step Law learning rate for the result. Null with a reason when the config
 * cannot express it.
 */
export function budgetEdits(analysis: ConfigAnalysis, N: number, C: number): { action: ConfigCodeAction } | { why: string } {
  const { plan } = analysis;
  const tokens = plan.targets.tokens;
  if (tokens.kind === 'none') return { why: `the token count cannot be written: ${tokens.why}` };
  const edits: TextEdit[] = [];
  const values: Record<string, number> = {};
  const parts: string[] = [];
  let size = plan.N.value;
  if (size === null) return { why: 'the config does not determine its model size' };
  if (Math.abs(N - size) / size > 0.02) {
    const options = sizeEdits(plan, N);
    if (options.length === 0) return { why: plan.targets.size.kind === 'none' ? `a size edit is not expressible in this config: ${plan.targets.size.why}` : 'no change of layers or width in reach brings N nearer the recommendation' };
    const best = options.reduce((a, b) => (Math.abs(b.N - N) < Math.abs(a.N - N) ? b : a));
    edits.push(...best.edits);
    Object.assign(values, best.values);
    parts.push(`N ${fmtCount(size)} → ${fmtCount(best.N)} (${best.describe})`);
    size = best.N;
  }
  const t = tokensEdit(tokens, C / (plan.flopsPerToken * size));
  edits.push(t.edit);
  values[t.key.path] = t.value;
  parts.push(`D → ${fmtCount(t.D)} (${t.describe})`);
  const lrKey = plan.targets.lr;
  if (lrKey) {
    const { lr } = stepLawOptimum(size, t.D);
    const text = formatLike(lrKey.raw, lr, { integer: false });
    edits.push({ range: lrKey.valueRange, newText: text });
    values[lrKey.path] = Number(text.replace(/["'\s_]/g, ''));
    parts.push(`learning rate ${lrKey.raw.trim()} → ${text.trim()} (Step Law)`);
  }
  return {
    action: {
      id: 'config/compute-optimal-split',
      title: `Apply the planner's recommendation for ${fmtSci(C)} FLOPs: ${parts.join('; ')}`,
      kind: 'quickfix',
      edits,
      fixes: [],
      anchor: tokens.key.keyRange,
      values,
      result: { N: size, D: t.D },
    },
  };
}
