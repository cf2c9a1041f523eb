import type { ConfigValue } from '../ingest/logs/runLog';
import { ConfigIndex } from '../ingest/sweep/configIndex';
import { countParameters, sizeFromName, type SizeCount } from '../ingest/sweep/modelSize';
import type { ScheduleSpec } from '../laws/lrSchedule';
import type { ConfigKey, ParsedConfig } from './document';
import { fmtCount, fmtSci } from './format';
import { ConfigLookup, roleTitles, toNumber, type Hit, type Role, type RoleMapping } from './roles';

/**
 * The training plan a config describes: model size N, tokens D, compute C = 6·N·D, learning
 * rate, batch, and GPU-hours, each saying how it was obtained and from which keys (as the
 * sweep builder does for runs, src/core/ingest/sweep), and which keys an edit would change.
 */

export type PlanMethod =
  /** Read from a key the user mapped to this role. */
  | 'mapped'
  /** Read from one key of the config. */
  | 'config'
  /** Given by the caller (settings or the planner), not by the file. */
  | 'input'
  /** Counted from the architecture, every term known. */
  | 'architecture'
  /** Counted from the architecture with some terms assumed. */
  | 'architecture-approx'
  /** Read from a size in a model name (`lens-1.3b`, `Qwen/Qwen2.5-7B`). */
  | 'name'
  /** A product or quotient of other values. */
  | 'product'
  /** C ≈ 6·N·D (Kaplan et al. 2020; Hoffmann et al. 2022). */
  | '6ND'
  /** Not in the config: a default was taken (said in `how`). */
  | 'assumed'
  | 'missing';

export interface PlanValue {
  /** Null when it could not be obtained; `how` then says what was looked for. */
  value: number | null;
  method: PlanMethod;
  /** In the user's words: what was read or computed, from which keys, under which assumptions. */
  how: string;
  /** Paths of the keys it came from. */
  keys: string[];
  /** Other values that could stand here, for the user to check. */
  alternatives?: PlanValue[];
}

export interface PlanInputs {
  /** GPUs (or other accelerators) the run uses, when the config does not say. */
  devices?: number;
  /** Achieved FLOP/s per GPU; with `utilization`, the peak it is a fraction of. */
  flopsPerSecond?: number;
  utilization?: number;
  /** Training FLOPs per parameter per token, C = k·N·D. Default 6. */
  flopsPerToken?: number;
}

export interface PlanOptions {
  mapping?: RoleMapping;
  inputs?: PlanInputs;
  /** Which N the loss law was fitted with: total (Hoffmann et al.) or non-embedding (Kaplan et al.). Default total. */
  size?: 'total' | 'non-embedding';
}

/** Where an edit of the model size goes, or why there is none. */
export type SizeTarget =
  | {
      kind: 'architecture';
      layers: ConfigKey | null;
      hidden: ConfigKey | null;
      ffn: ConfigKey | null;
      heads: ConfigKey | null;
      /** Grouped-query attention: the KV head count, which the query heads must stay a multiple of. */
      kvHeads: number | null;
    }
  | { kind: 'none'; why: string };

/** Where an edit of the token count goes: steps (tokens per step fixed), the token budget, or Megatron's sample count. */
export type TokensTarget =
  | { kind: 'steps'; key: ConfigKey; tokensPerStep: number }
  | { kind: 'tokens'; key: ConfigKey }
  | { kind: 'samples'; key: ConfigKey; seqLen: number }
  | { kind: 'none'; why: string };

/**
 * Where an edit of the batch goes: the global batch (sequences or tokens), or the one factor of
 * per-device batch × accumulation × data parallel that changes it with least disruption
 * (accumulation first: it leaves per-device memory alone).
 */
export type BatchTarget =
  | { kind: 'global'; key: ConfigKey; seqLen: number; multipleOf: number }
  | { kind: 'tokens'; key: ConfigKey }
  | { kind: 'factor'; key: ConfigKey; seqLen: number; otherFactors: number }
  | { kind: 'none'; why: string };

export interface RecognisedKey {
  path: string;
  role: Role | 'architecture';
  title: string;
  /** What this key feeds: `N`, `D`, `lr`, `batch`, `GPU-hours`. */
  feeds: ('N' | 'D' | 'lr' | 'batch' | 'GPU-hours' | 'schedule')[];
}

export interface ConfigPlan {
  /** N as the loss law wants it (`size`). */
  N: PlanValue;
  /** Non-embedding N, for the Step Law. */
  nonEmbeddingN: PlanValue;
  size: 'total' | 'non-embedding';
  steps: PlanValue;
  seqLen: PlanValue;
  batchSequences: PlanValue;
  batchTokens: PlanValue;
  dataParallel: PlanValue;
  devices: PlanValue;
  D: PlanValue;
  C: PlanValue;
  lr: PlanValue;
  /** Effective FLOP/s per GPU. */
  throughput: PlanValue;
  gpuHours: PlanValue;
  wallClockHours: PlanValue;
  flopsPerToken: number;
  /** The learning-rate schedule, for a loss-curve law; null without steps and a learning rate. */
  schedule: { spec: ScheduleSpec; how: string } | null;
  targets: { size: SizeTarget; tokens: TokensTarget; lr: ConfigKey | null; batch: BatchTarget; steps: ConfigKey | null };
  /**
   * The architecture count, for size edits; `ffnFromWidth` when the MLP width is Megatron's
   * default for the hidden size (so a width edit must recompute it).
   */
  architecture: { values: Record<string, ConfigValue>; count: SizeCount; ffnFromWidth: boolean } | null;
  recognised: RecognisedKey[];
  /** A name suggests fine-tuning a published model rather than training from scratch. */
  fineTuning: boolean;
  notes: string[];
}

const count = (v: number) => v >= 1;
const positive = (v: number) => v > 0;

export function derivePlan(config: ParsedConfig, options: PlanOptions = {}): ConfigPlan {
  const look = new ConfigLookup(config, options.mapping);
  const inputs = options.inputs ?? {};
  const k = inputs.flopsPerToken ?? 6;
  const size = options.size ?? 'total';
  const notes: string[] = [];
  const recognised = new Map<string, RecognisedKey>();
  const feed: Feed = (hit, role, what) => {
    if (!hit) return;
    for (const key of hit.written === hit.key ? [hit.key] : [hit.key, hit.written]) {
      const r = recognised.get(key.path) ?? { path: key.path, role, title: role === 'architecture' ? 'architecture (counts toward N)' : roleTitles[role], feeds: [] };
      if (!r.feeds.includes(what)) r.feeds.push(what);
      recognised.set(key.path, r);
    }
  };
  const from = (hit: Hit<unknown>) => (hit.via ? `${hit.key.path} = ${hit.via} → ${hit.written.path}` : hit.key.path);
  const paths = (...hits: (Hit<unknown> | undefined)[]) => [...new Set(hits.flatMap((h) => (h ? (h.written === h.key ? [h.key.path] : [h.key.path, h.written.path]) : [])))];
  const method = (hit: Hit<unknown>): PlanMethod => (hit.mapped ? 'mapped' : 'config');
  for (const path of look.unmapped) notes.push(`The mapping names '${path}', which this config does not have.`);

  // Model size.
  const sizes = deriveSize(look, size, feed, from, paths, method);
  const { N, nonEmbeddingN, architecture, sizeTarget, fineTuning } = sizes;

  // Sequence length.
  const seqHit = look.number('seqLen', count);
  const ctxHit = seqHit ? undefined : look.number('maxContext', count);
  feed(seqHit ?? ctxHit, seqHit ? 'seqLen' : 'maxContext', 'D');
  const seqLen: PlanValue = seqHit
    ? { value: seqHit.value, method: method(seqHit), how: `${from(seqHit)} = ${seqHit.value}`, keys: paths(seqHit) }
    : ctxHit
      ? { value: ctxHit.value, method: 'assumed', how: `${from(ctxHit)} = ${ctxHit.value}: the model's context, assuming every sequence fills it (packed data)`, keys: paths(ctxHit) }
      : { value: null, method: 'missing', how: 'No sequence length (seq_len, seq_length, sequence_len, max_seq_length, block_size, ...).', keys: [] };

  // Parallelism: data-parallel replicas multiply the per-device batch; tensor, pipeline and context parallel do not.
  const tp = look.number('tensorParallel', count);
  const pp = look.number('pipelineParallel', count);
  const cp = look.number('contextParallel', count);
  const modelParallel = (tp?.value ?? 1) * (pp?.value ?? 1) * (cp?.value ?? 1);
  const mpText = [tp, pp, cp].filter((h): h is Hit<number> => !!h && h.value > 1).map((h) => `${from(h)} = ${h.value}`);
  const totalDevices = look.number('devices', count);
  const perNode = look.number('devicesPerNode', count);
  const nodes = look.number('nodes', count);
  const dpHit = look.number('dataParallel', count);
  const shard = look.number('dataParallelShard', count);
  const replicate = look.number('dataParallelReplicate', count);
  let devices: PlanValue;
  if (totalDevices) devices = { value: totalDevices.value, method: method(totalDevices), how: `${from(totalDevices)} = ${totalDevices.value}`, keys: paths(totalDevices) };
  else if (perNode)
    devices = {
      value: perNode.value * (nodes?.value ?? 1),
      method: nodes ? 'product' : method(perNode),
      how: nodes ? `${from(perNode)} × ${from(nodes)} = ${perNode.value} × ${nodes.value}` : `${from(perNode)} = ${perNode.value} (one node: no node count in the config)`,
      keys: paths(perNode, nodes),
    };
  else if (inputs.devices && inputs.devices >= 1) devices = { value: inputs.devices, method: 'input', how: `${inputs.devices} GPUs (given in settings)`, keys: [] };
  else devices = { value: null, method: 'missing', how: 'The config does not say how many GPUs the run uses (world_size, num_gpus, trainer.devices × num_nodes, ...).', keys: [] };
  const parallelism: [Hit<number> | undefined, Role][] = [
    [totalDevices, 'devices'],
    [perNode, 'devicesPerNode'],
    [nodes, 'nodes'],
    [tp, 'tensorParallel'],
    [pp, 'pipelineParallel'],
    [cp, 'contextParallel'],
  ];
  for (const [hit, role] of parallelism) feed(hit, role, 'batch');

  let dataParallel: PlanValue;
  if (dpHit) {
    feed(dpHit, 'dataParallel', 'batch');
    dataParallel = { value: dpHit.value, method: method(dpHit), how: `${from(dpHit)} = ${dpHit.value}`, keys: paths(dpHit) };
  } else if (shard) {
    feed(shard, 'dataParallelShard', 'batch');
    feed(replicate, 'dataParallelReplicate', 'batch');
    const r = replicate?.value ?? 1;
    dataParallel = { value: shard.value * r, method: replicate ? 'product' : method(shard), how: replicate ? `${from(shard)} × ${from(replicate)} = ${shard.value} × ${r}` : `${from(shard)} = ${shard.value}`, keys: paths(shard, replicate) };
  } else if (devices.value !== null) {
    const dp = devices.value / modelParallel;
    dataParallel = {
      value: dp >= 1 ? Math.floor(dp) : 1,
      method: modelParallel > 1 ? 'product' : devices.method,
      how: modelParallel > 1 ? `${devices.how}, divided by model parallelism ${modelParallel} (${mpText.join(', ')})${Number.isInteger(dp) ? '' : ': not a whole number, rounded down'}` : devices.how,
      keys: devices.keys,
    };
  } else {
    const torchtitanAuto = look.number('dataParallelShard', (v) => v < 0);
    dataParallel = {
      value: 1,
      method: 'assumed',
      how: torchtitanAuto
        ? `${torchtitanAuto.key.path} = ${torchtitanAuto.value} (all remaining GPUs): the GPU count is not in the config, so one data-parallel replica is assumed — set the number of GPUs in settings`
        : 'no GPU count in the config: one data-parallel replica assumed — set the number of GPUs in settings',
      keys: torchtitanAuto ? [torchtitanAuto.key.path] : [],
    };
    if (torchtitanAuto) feed(torchtitanAuto, 'dataParallelShard', 'batch');
  }
  if (devices.value === null && (dpHit || shard)) {
    const dp = dataParallel.value!;
    devices = { value: dp * modelParallel, method: 'product', how: `${dataParallel.how}${modelParallel > 1 ? ` × model parallelism ${modelParallel}` : ''}`, keys: [...dataParallel.keys, ...paths(tp, pp, cp)] };
  }

  // Batch per optimizer step.
  const globalHit = look.number('globalBatch', count) ?? deepSpeedGlobal(look);
  const tokensPerStepHit = look.number('tokensPerStep', count);
  const localHit = look.number('localBatch', count);
  const accumHit = look.number('gradAccum', count);
  let batchSequences: PlanValue;
  let batchTokens: PlanValue;
  let batchTarget: BatchTarget;
  const seq = seqLen.value;
  if (globalHit) {
    feed(globalHit, 'globalBatch', 'batch');
    batchSequences = { value: globalHit.value, method: method(globalHit), how: `${from(globalHit)} = ${globalHit.value}`, keys: paths(globalHit) };
    const micro = localHit ? localHit.value : 1;
    batchTarget = seq ? { kind: 'global', key: globalHit.written, seqLen: seq, multipleOf: micro * (dataParallel.method === 'assumed' ? 1 : dataParallel.value!) } : { kind: 'none', why: 'no sequence length to turn tokens into sequences' };
    if (localHit) feed(localHit, 'localBatch', 'batch');
  } else if (tokensPerStepHit) {
    feed(tokensPerStepHit, 'tokensPerStep', 'batch');
    batchSequences = seq
      ? { value: tokensPerStepHit.value / seq, method: 'product', how: `${from(tokensPerStepHit)} / sequence length = ${tokensPerStepHit.value} / ${seq}`, keys: paths(tokensPerStepHit, seqHit) }
      : { value: null, method: 'missing', how: 'Tokens per step are given but no sequence length.', keys: [] };
    batchTarget = { kind: 'tokens', key: tokensPerStepHit.written };
  } else if (localHit) {
    feed(localHit, 'localBatch', 'batch');
    feed(accumHit, 'gradAccum', 'batch');
    const accum = accumHit?.value ?? 1;
    const dp = dataParallel.value ?? 1;
    const parts = [`${from(localHit)} = ${localHit.value}`];
    if (accumHit) parts.push(`${from(accumHit)} = ${accumHit.value}`);
    parts.push(`data-parallel ${dp} (${dataParallel.how})`);
    const unstated = accumHit ? '' : ' (no gradient accumulation in the config: taken as 1)';
    batchSequences = { value: localHit.value * accum * dp, method: 'product', how: `${parts.join(' × ')}${unstated}`, keys: [...paths(localHit, accumHit), ...dataParallel.keys] };
    batchTarget = !seq
      ? { kind: 'none', why: 'no sequence length to turn tokens into sequences' }
      : accumHit && isLiteralNumber(accumHit.written)
        ? { kind: 'factor', key: accumHit.written, seqLen: seq, otherFactors: localHit.value * dp }
        : { kind: 'factor', key: localHit.written, seqLen: seq, otherFactors: accum * dp };
  } else {
    batchSequences = { value: null, method: 'missing', how: 'No batch size (global_batch_size, per_device_train_batch_size, micro_batch_size, local_batch_size, ...).', keys: [] };
    batchTarget = { kind: 'none', why: 'the config has no batch size key' };
  }
  if (tokensPerStepHit && globalHit) feed(tokensPerStepHit, 'tokensPerStep', 'batch');
  if (tokensPerStepHit && !globalHit) batchTokens = { value: tokensPerStepHit.value, method: method(tokensPerStepHit), how: `${from(tokensPerStepHit)} = ${tokensPerStepHit.value}`, keys: paths(tokensPerStepHit) };
  else if (batchSequences.value !== null && seq !== null)
    batchTokens = { value: batchSequences.value * seq, method: 'product', how: `${fmtCount(batchSequences.value)} sequences × ${seq} tokens (batch: ${batchSequences.how}; sequence length: ${seqLen.how})`, keys: [...batchSequences.keys, ...seqLen.keys] };
  else batchTokens = { value: null, method: 'missing', how: batchSequences.value === null ? batchSequences.how : seqLen.how, keys: [] };

  // Length of training.
  const stepsHit = look.number('steps', count);
  const tokensHit = look.number('tokens', (v) => v >= 1000);
  const samplesHit = look.number('trainSamples', count);
  const epochsHit = look.number('epochs', positive);
  let D: PlanValue;
  let steps: PlanValue;
  let tokensTarget: TokensTarget;
  const perStep = batchTokens.value;
  if (tokensHit) {
    feed(tokensHit, 'tokens', 'D');
    D = { value: tokensHit.value, method: method(tokensHit), how: `${from(tokensHit)} = ${fmtCount(tokensHit.value)}`, keys: paths(tokensHit) };
    tokensTarget = isLiteralNumber(tokensHit.written) ? { kind: 'tokens', key: tokensHit.written } : { kind: 'none', why: `${tokensHit.written.path} is not a number literal` };
    steps = stepsHit
      ? { value: stepsHit.value, method: method(stepsHit), how: `${from(stepsHit)} = ${stepsHit.value}`, keys: paths(stepsHit) }
      : perStep
        ? { value: tokensHit.value / perStep, method: 'product', how: `token budget / tokens per step = ${fmtCount(tokensHit.value)} / ${fmtCount(perStep)}`, keys: [...D.keys, ...batchTokens.keys] }
        : { value: null, method: 'missing', how: 'No step count, and no batch to divide the token budget by.', keys: [] };
    if (stepsHit) feed(stepsHit, 'steps', 'schedule');
  } else if (samplesHit) {
    feed(samplesHit, 'trainSamples', 'D');
    D = seq
      ? { value: samplesHit.value * seq, method: 'product', how: `samples × sequence length = ${fmtCount(samplesHit.value)} (${from(samplesHit)}) × ${seq} (${seqLen.how})`, keys: [...paths(samplesHit), ...seqLen.keys] }
      : { value: null, method: 'missing', how: `${from(samplesHit)} counts sequences, but no sequence length is given.`, keys: paths(samplesHit) };
    tokensTarget = seq && isLiteralNumber(samplesHit.written) ? { kind: 'samples', key: samplesHit.written, seqLen: seq } : { kind: 'none', why: 'no sequence length' };
    steps =
      batchSequences.value !== null
        ? { value: samplesHit.value / batchSequences.value, method: 'product', how: `samples / global batch = ${fmtCount(samplesHit.value)} / ${fmtCount(batchSequences.value)}`, keys: [...paths(samplesHit), ...batchSequences.keys] }
        : { value: null, method: 'missing', how: 'No batch size to divide the samples by.', keys: [] };
  } else if (stepsHit) {
    feed(stepsHit, 'steps', 'D');
    steps = { value: stepsHit.value, method: method(stepsHit), how: `${from(stepsHit)} = ${stepsHit.value}`, keys: paths(stepsHit) };
    D =
      perStep !== null
        ? { value: stepsHit.value * perStep, method: 'product', how: `steps × tokens per step = ${stepsHit.value} × ${fmtCount(perStep)} (steps: ${from(stepsHit)}; tokens per step: ${batchTokens.how})`, keys: [...paths(stepsHit), ...batchTokens.keys] }
        : { value: null, method: 'missing', how: `Steps are given (${from(stepsHit)}), but tokens per step are not: ${batchTokens.how}`, keys: paths(stepsHit) };
    tokensTarget = perStep !== null && isLiteralNumber(stepsHit.written) ? { kind: 'steps', key: stepsHit.written, tokensPerStep: perStep } : { kind: 'none', why: perStep === null ? 'tokens per step are unknown' : `${stepsHit.written.path} is not a number literal` };
  } else {
    steps = { value: null, method: 'missing', how: 'No step count (max_steps, train_iters, training.steps, ...).', keys: [] };
    const why = epochsHit
      ? `${from(epochsHit)} = ${epochsHit.value}: the tokens of an epoch depend on the dataset, which the config does not size. Set max_steps, or map a token budget key in settings.`
      : 'No token budget, sample count or step count (max_steps, train_iters, train_samples, training.steps, ...).';
    if (epochsHit) feed(epochsHit, 'epochs', 'D');
    D = { value: null, method: 'missing', how: why, keys: epochsHit ? paths(epochsHit) : [] };
    tokensTarget = { kind: 'none', why: epochsHit ? 'training length is set in epochs' : 'the config sets no training length' };
  }

  const C: PlanValue =
    N.value !== null && D.value !== null
      ? { value: k * N.value * D.value, method: '6ND', how: `${k}·N·D = ${k} × ${fmtCount(N.value)} × ${fmtCount(D.value)}`, keys: [...N.keys, ...D.keys] }
      : { value: null, method: 'missing', how: `Compute ${k}·N·D needs ${[N.value === null ? 'N' : '', D.value === null ? 'D' : ''].filter(Boolean).join(' and ')}.`, keys: [] };

  // Learning rate and schedule.
  const lrHit = look.number('lr', positive);
  feed(lrHit, 'lr', 'lr');
  const lr: PlanValue = lrHit
    ? { value: lrHit.value, method: method(lrHit), how: `${from(lrHit)} = ${fmtSci(lrHit.value)}`, keys: paths(lrHit) }
    : { value: null, method: 'missing', how: 'No learning rate (learning_rate, lr, optimizer.lr, optim.lr, ...).', keys: [] };
  const schedule = deriveSchedule(look, steps, lr, feed, from);

  // Throughput and GPU-hours.
  const tputHit = look.number('throughput', positive);
  const peakHit = look.number('peakFlops', positive);
  const utilHit = look.number('utilization', (v) => v > 0 && v <= 100);
  const util = inputs.utilization ?? (utilHit ? (utilHit.value > 1 ? utilHit.value / 100 : utilHit.value) : undefined);
  let throughput: PlanValue;
  if (inputs.flopsPerSecond && inputs.flopsPerSecond > 0) {
    const eff = inputs.flopsPerSecond * (inputs.utilization ?? 1);
    throughput = { value: eff, method: 'input', how: inputs.utilization ? `${fmtSci(inputs.flopsPerSecond)} FLOP/s × utilisation ${inputs.utilization} (settings)` : `${fmtSci(inputs.flopsPerSecond)} FLOP/s per GPU (settings)`, keys: [] };
  } else if (tputHit) {
    feed(tputHit, 'throughput', 'GPU-hours');
    if (utilHit) feed(utilHit, 'utilization', 'GPU-hours');
    throughput =
      util !== undefined
        ? { value: tputHit.value * util, method: 'product', how: `${from(tputHit)} = ${fmtSci(tputHit.value)} FLOP/s × utilisation ${util}${utilHit ? ` (${from(utilHit)})` : ''}`, keys: paths(tputHit, utilHit) }
        : { value: tputHit.value, method: method(tputHit), how: `${from(tputHit)} = ${fmtSci(tputHit.value)} FLOP/s per GPU, taken as achieved throughput (no utilisation key)`, keys: paths(tputHit) };
  } else if (peakHit) {
    feed(peakHit, 'peakFlops', 'GPU-hours');
    if (utilHit) feed(utilHit, 'utilization', 'GPU-hours');
    throughput =
      util !== undefined
        ? { value: peakHit.value * util, method: 'product', how: `${from(peakHit)} = ${fmtSci(peakHit.value)} FLOP/s × utilisation ${util}`, keys: paths(peakHit, utilHit) }
        : { value: peakHit.value, method: 'assumed', how: `${from(peakHit)} = ${fmtSci(peakHit.value)} FLOP/s at 100% utilisation (no utilisation given: GPU-hours are a lower bound)`, keys: paths(peakHit) };
  } else throughput = { value: null, method: 'missing', how: 'No throughput (gpu_throughput_flops, flops_per_gpu, peak_flops with mfu) in the config or settings.', keys: [] };
  const gpuHours: PlanValue =
    C.value !== null && throughput.value !== null
      ? { value: C.value / throughput.value / 3600, method: 'product', how: `compute / throughput = ${fmtSci(C.value)} FLOPs / ${fmtSci(throughput.value)} FLOP/s per GPU (${throughput.how})`, keys: [...C.keys, ...throughput.keys] }
      : { value: null, method: 'missing', how: C.value === null ? C.how : throughput.how, keys: [] };
  const wallClockHours: PlanValue =
    gpuHours.value !== null && devices.value !== null
      ? { value: gpuHours.value / devices.value, method: 'product', how: `GPU-hours / GPUs = ${fmtSci(gpuHours.value)} / ${devices.value} (${devices.how})`, keys: [...gpuHours.keys, ...devices.keys] }
      : { value: null, method: 'missing', how: gpuHours.value === null ? gpuHours.how : devices.how, keys: [] };

  if (fineTuning) notes.push('The model size comes from the name of a published model: this looks like fine-tuning, and the laws describe training from scratch.');
  return {
    N,
    nonEmbeddingN,
    size,
    steps,
    seqLen,
    batchSequences,
    batchTokens,
    dataParallel,
    devices,
    D,
    C,
    lr,
    throughput,
    gpuHours,
    wallClockHours,
    flopsPerToken: k,
    schedule,
    targets: {
      size: sizeTarget,
      tokens: tokensTarget,
      lr: lrHit && isLiteralNumber(lrHit.written) ? lrHit.written : null,
      batch: batchTarget,
      steps: stepsHit && isLiteralNumber(stepsHit.written) ? stepsHit.written : null,
    },
    architecture,
    recognised: [...recognised.values()],
    fineTuning,
    notes,
  };
}

/** DeepSpeed's `train_batch_size` is the global batch when `train_micro_batch_size_per_gpu` sits beside it. */
function deepSpeedGlobal(look: ConfigLookup): Hit<number> | undefined {
  const micro = look.config.keys.find((k) => k.segments[k.segments.length - 1] === 'train_micro_batch_size_per_gpu');
  if (!micro) return undefined;
  const path = [...micro.segments.slice(0, -1), 'train_batch_size'].join('.');
  const key = look.config.byPath.get(path);
  const v = key ? toNumber(key.value) : undefined;
  return key && v !== undefined && v >= 1 ? { key, value: v, written: key, mapped: false } : undefined;
}

/** A plain number in the text (not an interpolation, alias or expression), so an edit can replace it. */
export function isLiteralNumber(key: ConfigKey): boolean {
  return /^\s*["']?[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?["']?\s*$/.test(key.raw);
}

type Feed = (hit: Hit<unknown> | undefined, role: Role | 'architecture', what: RecognisedKey['feeds'][number]) => void;

function deriveSize(
  look: ConfigLookup,
  size: 'total' | 'non-embedding',
  feed: Feed,
  from: (hit: Hit<unknown>) => string,
  paths: (...hits: (Hit<unknown> | undefined)[]) => string[],
  method: (hit: Hit<unknown>) => PlanMethod,
): { N: PlanValue; nonEmbeddingN: PlanValue; architecture: ConfigPlan['architecture']; sizeTarget: SizeTarget; fineTuning: boolean } {
  const candidates: PlanValue[] = [];
  const nonEmbedding: PlanValue[] = [];
  const big = (v: number) => v >= 1000;
  const totalHit = look.number('params', big);
  const nonEmbHit = look.number('nonEmbeddingParams', big);
  const explicit = (hit: Hit<number>, kind: string): PlanValue => ({ value: hit.value, method: method(hit), how: `${from(hit)} = ${fmtCount(hit.value)} (${kind})`, keys: paths(hit) });
  if (size === 'total' && totalHit) candidates.push(explicit(totalHit, 'stated parameter count'));
  if (size === 'non-embedding' && nonEmbHit) candidates.push(explicit(nonEmbHit, 'stated non-embedding count'));
  if (nonEmbHit) nonEmbedding.push(explicit(nonEmbHit, 'stated non-embedding count'));
  feed(totalHit, 'params', 'N');
  feed(nonEmbHit, 'nonEmbeddingParams', 'N');

  const arch = architectureValues(look);
  const counted = countParameters(new ConfigIndex(arch.values));
  let architecture: ConfigPlan['architecture'] = null;
  const layersHit = look.number('layers', count);
  const hiddenHit = look.number('hidden', count);
  const ffnHit = look.number('ffn', count);
  const headsHit = look.number('heads', count);
  if (counted) {
    architecture = { values: arch.values, count: counted, ffnFromWidth: arch.realPath.has('intermediate_size') && !look.number('ffn', count)?.mapped };
    const keys = [...new Set(counted.inputs.map((i) => i.slice(0, i.indexOf('='))).map((p) => arch.realPath.get(p) ?? p))].filter((p) => look.config.byPath.has(p));
    // Keys with a role of their own first, so they keep that title.
    for (const [role, hit] of [['layers', layersHit], ['hidden', hiddenHit], ['ffn', ffnHit], ['heads', headsHit]] as const) if (hit) feed(hit, role, 'N');
    for (const p of keys) {
      const key = look.config.byPath.get(p)!;
      feed({ key, value: key.value, written: key, mapped: false }, 'architecture', 'N');
    }
    // A layout or MLP width read from Megatron's flags is our reading, not the config's word.
    const synthesised = counted.inputs.map((i) => i.slice(0, i.indexOf('='))).filter((p) => arch.realPath.has(p) && (p === 'model_type' || p === 'intermediate_size'));
    if (synthesised.includes('model_type')) counted.assumptions.push('the block layout read from Megatron flags (gated MLP, no linear biases, the normalization named)');
    if (synthesised.includes('intermediate_size')) counted.assumptions.push("MLP width from Megatron's default for a gated MLP (4h·2/3, down to a multiple of 64)");
    const approx = !counted.exact || synthesised.length > 0;
    const describe = (n: number, kind: string) =>
      `${fmtCount(n)} ${kind} parameters counted from the architecture (${counted.inputs.map((i) => rename(i, arch.realPath)).join(', ')})${counted.assumptions.length ? `; ${approx ? 'assumes ' : ''}${counted.assumptions.join('; ')}` : ''}`;
    const m: PlanMethod = approx ? 'architecture-approx' : 'architecture';
    candidates.push({ value: size === 'total' ? counted.total : counted.nonEmbedding, method: m, how: describe(size === 'total' ? counted.total : counted.nonEmbedding, size === 'total' ? 'total' : 'non-embedding'), keys });
    nonEmbedding.unshift({ value: counted.nonEmbedding, method: m, how: describe(counted.nonEmbedding, 'non-embedding'), keys });
  }

  let fineTuning = false;
  const nameHit = look.text('modelName', (v) => sizeFromName(v) !== undefined);
  if (nameHit) {
    const s = sizeFromName(nameHit.value)!;
    feed(nameHit, 'modelName', 'N');
    const others = s.others.length ? ` (also ${s.others.join(', ')}: the first is taken)` : '';
    candidates.push({ value: s.value, method: 'name', how: `'${s.text}' in ${from(nameHit)} = '${nameHit.value}'${others}; a name does not say whether embeddings count`, keys: paths(nameHit) });
    const last = nameHit.key.segments[nameHit.key.segments.length - 1].toLowerCase();
    fineTuning = candidates.length === 1 && /\//.test(nameHit.value) && /base_model|model_name_or_path|pretrained/.test(last);
  }

  const N: PlanValue =
    candidates.length > 0
      ? { ...candidates[0], alternatives: candidates.length > 1 ? candidates.slice(1) : undefined }
      : { value: null, method: 'missing', how: 'No parameter count (n_params, ...), no architecture (layers and hidden size), and no size in a model name (like lens-1.3b or Qwen2.5-7B).', keys: [] };
  const nonEmbeddingN: PlanValue =
    nonEmbedding[0] ??
    (N.value !== null
      ? { ...N, alternatives: undefined, method: N.method, how: `${N.how} — used as is: the non-embedding count is not known` }
      : { value: null, method: 'missing', how: N.how, keys: [] });

  let sizeTarget: SizeTarget;
  const editable = (h: Hit<number> | undefined) => (h && isLiteralNumber(h.written) ? h.written : null);
  if (counted && candidates[0]?.method.startsWith('architecture') && (editable(layersHit) || editable(hiddenHit))) {
    const kv = look.config.keys.find((k) => /^(num_key_value_heads|n_kv_heads|num_kv_heads|num_query_groups|n_kv_head)$/.test(k.segments[k.segments.length - 1]) && typeof k.value === 'number');
    const kvHeads = kv ? (kv.value as number) : null;
    sizeTarget = { kind: 'architecture', layers: editable(layersHit), hidden: editable(hiddenHit), ffn: editable(ffnHit), heads: editable(headsHit), kvHeads };
  } else if (candidates[0]?.method === 'config' || candidates[0]?.method === 'mapped') {
    sizeTarget = { kind: 'none', why: `N is stated in ${candidates[0].keys.join(', ')}; the architecture that realises it is not in this config, so a different size cannot be written here` };
  } else if (candidates[0]?.method === 'name') {
    sizeTarget = { kind: 'none', why: `N comes from the model's name (${candidates[0].keys.join(', ')}): a different size is a different model, and the config has no layer count or hidden size to edit` };
  } else sizeTarget = { kind: 'none', why: 'the config does not determine the model size' };
  return { N, nonEmbeddingN, architecture, sizeTarget, fineTuning };
}

/**
 * The leaves as countParameters reads them (interpolations resolved), plus what Megatron says in
 * its own words: `untie_embeddings_and_output_weights`, and `swiglu` / `normalization` /
 * `add_bias_linear`, which name a block layout the counter knows under a family's name.
 */
function architectureValues(look: ConfigLookup): { values: Record<string, ConfigValue>; realPath: Map<string, string> } {
  const values: Record<string, ConfigValue> = {};
  const realPath = new Map<string, string>();
  for (const key of look.config.keys) {
    const v = look.resolve(key).written.value;
    values[key.path] = Array.isArray(v) ? v.map(String).join(',') : typeof v === 'string' && /^\s*\$\{/.test(v) ? null : v;
  }
  const synth = (name: string, value: ConfigValue, fromPath: string) => {
    values[name] = value;
    realPath.set(name, fromPath);
  };
  // Mapped architecture roles go in under the counter's first name, which it looks up first.
  for (const [role, canonical] of [['layers', 'num_hidden_layers'], ['hidden', 'hidden_size'], ['ffn', 'intermediate_size'], ['heads', 'num_attention_heads']] as const) {
    const hit = look.number(role, count);
    if (hit?.mapped) synth(canonical, hit.value, hit.written.path);
  }
  const find = (name: string) => look.config.keys.find((k) => k.segments[k.segments.length - 1] === name);
  const untie = find('untie_embeddings_and_output_weights');
  if (untie && typeof untie.value === 'boolean' && !look.config.keys.some((k) => /^(tie_word_embeddings|tie_embeddings|tied_embeddings)$/.test(k.segments[k.segments.length - 1]))) {
    synth('tie_word_embeddings', !untie.value, untie.path);
  }
  const hasType = look.config.keys.some((k) => /^(model_type|architectures|architecture|arch)$/.test(k.segments[k.segments.length - 1]));
  const swiglu = find('swiglu');
  const glu = find('gated_linear_unit');
  const act = find('activation_func');
  const gated = swiglu?.value === true || glu?.value === true || (typeof act?.value === 'string' && /glu/i.test(act.value));
  const norm = find('normalization');
  const bias = find('add_bias_linear');
  if (!hasType && gated && bias?.value === false && norm && typeof norm.value === 'string') {
    // The counter's layouts: Llama is RMSNorm without biases; OLMo is LayerNorm without biases; both gated and untied by default.
    synth('model_type', /rms/i.test(norm.value) ? 'llama' : 'olmo', norm.path);
    const ffn = find('ffn_hidden_size');
    const hidden = look.number('hidden', count);
    if ((!ffn || ffn.value === null) && hidden) {
      // Megatron's own default for a gated MLP: 4h·2/3, rounded down to a multiple of 64.
      synth('intermediate_size', megatronGatedFfn(hidden.value), (swiglu ?? glu ?? act ?? norm).path);
    }
  }
  return { values, realPath };
}

/** Megatron's MLP width for a gated MLP when none is given: 4h·2/3, rounded down to a multiple of 64. */
export function megatronGatedFfn(hidden: number): number {
  return Math.floor((4 * hidden * 2) / 3 / 64) * 64;
}

function rename(input: string, realPath: Map<string, string>): string {
  const at = input.indexOf('=');
  const key = input.slice(0, at);
  const real = realPath.get(key);
  return real ? `${key}=${input.slice(at + 1)} (from ${real})` : input;
}

function deriveSchedule(look: ConfigLookup, steps: PlanValue, lr: PlanValue, feed: Feed, from: (hit: Hit<unknown>) => string): ConfigPlan['schedule'] {
  if (steps.value === null || lr.value === null) return null;
  const total = Math.round(steps.value);
  const warmHit = look.number('warmupSteps', (v) => v >= 0);
  const ratioHit = warmHit ? undefined : look.number('warmupRatio', (v) => v >= 0 && v < 1);
  const minHit = look.number('minLr', (v) => v >= 0);
  const kindHit = look.text('scheduler');
  feed(warmHit ?? ratioHit, warmHit ? 'warmupSteps' : 'warmupRatio', 'schedule');
  feed(minHit, 'minLr', 'schedule');
  feed(kindHit, 'scheduler', 'schedule');
  const warmup = warmHit ? warmHit.value : ratioHit ? Math.round(ratioHit.value * total) : 0;
  const name = kindHit?.value.toLowerCase() ?? '';
  const kind: ScheduleSpec['kind'] = /wsd|stable|trapezoid/.test(name) ? 'wsd' : /cos/.test(name) ? 'cosine' : /linear|poly/.test(name) ? 'linear' : /const/.test(name) ? 'constant' : 'cosine';
  const minLr = minHit?.value ?? 0;
  const parts = [`${total} steps at peak ${fmtSci(lr.value)}`, kindHit ? `${kind} (${from(kindHit)} = '${kindHit.value}')` : 'cosine (no schedule key: assumed)', `warmup ${warmup}${warmHit ? '' : ratioHit ? ` (${from(ratioHit)} × steps)` : ' (none given)'}`, `final ${fmtSci(minLr)}${minHit ? '' : ' (none given)'}`];
  const spec: ScheduleSpec = kind === 'wsd' ? { kind, steps: total, peakLr: lr.value, warmup, minLr, cooldownFraction: 0.2 } : kind === 'constant' ? { kind, steps: total, peakLr: lr.value, warmup } : { kind, steps: total, peakLr: lr.value, warmup, minLr };
  return { spec, how: parts.join(', ') + (kind === 'wsd' ? '; cooldown over the last 20% (assumed)' : '') };
}
