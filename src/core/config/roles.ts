import { normalizeName } from '../ingest/columnRoles';
import { parseNumber } from '../ingest/value';
import type { ConfigKey, ConfigLeafValue, ParsedConfig } from './document';

/**
 * The keys that decide a training run's size, tokens, learning rate and batch, by the names
 * the common trainers give them:
 * - Hugging Face TrainingArguments (`per_device_train_batch_size`, `gradient_accumulation_steps`,
 *   `max_steps`, `num_train_epochs`, `learning_rate`, `warmup_ratio`) and model configs
 *   (`num_hidden_layers`, `hidden_size`, `intermediate_size`, `num_attention_heads`, `vocab_size`);
 * - torchtitan TOML (`[model] flavor`, `[training] steps / local_batch_size / global_batch_size /
 *   seq_len`, `[optimizer] lr`, `[parallelism] data_parallel_shard_degree`);
 * - Megatron-LM and NeMo (`num_layers`, `hidden_size`, `seq_length` / `encoder_seq_length`,
 *   `global_batch_size`, `micro_batch_size`, `train_iters`, `train_samples`, `lr` / `optim.lr`,
 *   `trainer.devices` × `trainer.num_nodes`, tensor and pipeline parallel sizes);
 * - axolotl (`base_model`, `sequence_len`, `micro_batch_size`, `gradient_accumulation_steps`,
 *   `num_epochs`, `max_steps`, `learning_rate`);
 * - and any key the user maps to a role.
 * A name matches a key's last segment or, for dotted names (`sched.name`), its last segments,
 * ignoring case and punctuation. Keys under evaluation, logging, checkpoint and similar sections
 * are passed over (torchtitan's `[validation] steps` is not the training length).
 */

export type Role =
  | 'params'
  | 'nonEmbeddingParams'
  | 'layers'
  | 'hidden'
  | 'ffn'
  | 'heads'
  | 'modelName'
  | 'steps'
  | 'epochs'
  | 'tokens'
  | 'trainSamples'
  | 'tokensPerStep'
  | 'globalBatch'
  | 'localBatch'
  | 'gradAccum'
  | 'devices'
  | 'devicesPerNode'
  | 'nodes'
  | 'dataParallel'
  | 'dataParallelShard'
  | 'dataParallelReplicate'
  | 'tensorParallel'
  | 'pipelineParallel'
  | 'contextParallel'
  | 'seqLen'
  | 'maxContext'
  | 'lr'
  | 'minLr'
  | 'warmupSteps'
  | 'warmupRatio'
  | 'scheduler'
  | 'throughput'
  | 'peakFlops'
  | 'utilization';

/** A dotted key per role, e.g. `{ steps: 'trainer.total_updates' }`: it wins over the names below. */
export type RoleMapping = Partial<Record<Role, string>>;

export const roleTitles: Record<Role, string> = {
  params: 'parameter count',
  nonEmbeddingParams: 'non-embedding parameter count',
  layers: 'number of layers',
  hidden: 'hidden size',
  ffn: 'MLP width',
  heads: 'attention heads',
  modelName: 'model name',
  steps: 'training steps',
  epochs: 'epochs',
  tokens: 'token budget',
  trainSamples: 'training samples',
  tokensPerStep: 'tokens per step',
  globalBatch: 'global batch size',
  localBatch: 'per-device batch size',
  gradAccum: 'gradient accumulation',
  devices: 'number of devices',
  devicesPerNode: 'devices per node',
  nodes: 'number of nodes',
  dataParallel: 'data-parallel size',
  dataParallelShard: 'data-parallel shard degree',
  dataParallelReplicate: 'data-parallel replicate degree',
  tensorParallel: 'tensor-parallel size',
  pipelineParallel: 'pipeline-parallel size',
  contextParallel: 'context-parallel size',
  seqLen: 'sequence length',
  maxContext: 'maximum context',
  lr: 'learning rate',
  minLr: 'final learning rate',
  warmupSteps: 'warmup steps',
  warmupRatio: 'warmup fraction',
  scheduler: 'learning-rate schedule',
  throughput: 'throughput per GPU',
  peakFlops: 'peak FLOP/s per GPU',
  utilization: 'FLOPs utilisation',
};

const NAMES: Record<Role, readonly string[]> = {
  params: ['n_params', 'num_params', 'num_parameters', 'n_parameters', 'param_count', 'parameter_count', 'model_params', 'total_params', 'model_parameters', 'model_size'],
  nonEmbeddingParams: ['non_embedding_params', 'num_non_embedding_params', 'n_params_non_embedding', 'nonembedding_params', 'non_emb_params'],
  layers: ['num_hidden_layers', 'n_layer', 'n_layers', 'num_layers', 'layers', 'depth', 'n_blocks', 'num_blocks'],
  hidden: ['hidden_size', 'd_model', 'n_embd', 'dim', 'model_dim', 'embed_dim', 'emb_dim', 'width', 'hidden_dim', 'n_embed'],
  ffn: ['intermediate_size', 'ffn_hidden_size', 'ffn_dim', 'd_ff', 'n_inner', 'mlp_dim', 'ff_dim'],
  heads: ['num_attention_heads', 'n_head', 'n_heads', 'num_heads'],
  modelName: ['model_name_or_path', 'base_model', 'pretrained_model_name_or_path', 'model_name', 'model.flavor', 'flavor', 'model.name', 'hf_assets_path', 'run_name'],
  steps: ['max_steps', 'train_iters', 'num_train_steps', 'train_steps', 'training_steps', 'total_steps', 'max_iters', 'num_iterations', 'max_iterations', 'training.steps', 'steps', 'num_steps'],
  epochs: ['num_train_epochs', 'num_epochs', 'epochs', 'max_epochs', 'train_epochs'],
  tokens: ['train_tokens', 'training_tokens', 'num_train_tokens', 'total_tokens', 'total_train_tokens', 'max_train_tokens', 'token_budget', 'tokens_budget', 'num_tokens', 'tokens'],
  trainSamples: ['train_samples', 'num_train_samples', 'training_samples'],
  tokensPerStep: ['tokens_per_batch', 'batch_size_tokens', 'tokens_per_step', 'global_batch_size_tokens', 'global_batch_tokens', 'batch_tokens', 'tokens_per_iter'],
  globalBatch: ['global_batch_size', 'total_batch_size', 'effective_batch_size', 'total_train_batch_size', 'global_train_batch_size', 'train_batch_size_global'],
  localBatch: ['per_device_train_batch_size', 'micro_batch_size', 'train_micro_batch_size_per_gpu', 'local_batch_size', 'per_gpu_train_batch_size', 'batch_size', 'train_batch_size'],
  gradAccum: ['gradient_accumulation_steps', 'grad_accum', 'grad_accum_steps', 'accumulate_grad_batches', 'gradient_accumulation', 'accumulation_steps', 'gradient_accumulation_iters'],
  devices: ['world_size', 'num_gpus', 'n_gpus', 'num_devices', 'num_processes', 'total_gpus'],
  // Lightning's `devices` and `gpus` count the GPUs of one node.
  devicesPerNode: ['devices', 'gpus', 'nproc_per_node', 'gpus_per_node', 'num_gpus_per_node'],
  nodes: ['num_nodes', 'nnodes', 'n_nodes', 'nodes'],
  dataParallel: ['data_parallel_size', 'dp_size', 'data_parallel_degree'],
  dataParallelShard: ['data_parallel_shard_degree'],
  dataParallelReplicate: ['data_parallel_replicate_degree'],
  tensorParallel: ['tensor_model_parallel_size', 'tensor_parallel_degree', 'tensor_parallel_size', 'tp_size'],
  pipelineParallel: ['pipeline_model_parallel_size', 'pipeline_parallel_degree', 'pipeline_parallel_size', 'pp_size'],
  contextParallel: ['context_parallel_size', 'context_parallel_degree', 'cp_size'],
  seqLen: ['seq_len', 'seq_length', 'sequence_len', 'sequence_length', 'max_seq_len', 'max_seq_length', 'max_sequence_length', 'encoder_seq_length', 'block_size', 'context_length', 'context_len', 'train_seq_len', 'seqlen', 'ctx_len'],
  maxContext: ['max_position_embeddings', 'n_positions', 'n_ctx'],
  lr: ['learning_rate', 'lr', 'peak_lr', 'max_lr', 'base_lr', 'peak_learning_rate'],
  minLr: ['min_lr', 'min_learning_rate', 'end_learning_rate', 'final_lr'],
  warmupSteps: ['warmup_steps', 'lr_warmup_steps', 'lr_warmup_iters', 'warmup_iters', 'num_warmup_steps'],
  warmupRatio: ['warmup_ratio', 'lr_warmup_fraction', 'warmup_fraction'],
  scheduler: ['lr_scheduler_type', 'lr_scheduler', 'lr_decay_style', 'lr_schedule', 'scheduler', 'sched.name', 'decay_type'],
  throughput: ['gpu_throughput_flops', 'throughput_flops', 'flops_per_gpu', 'gpu_flops', 'flops_per_second', 'achieved_flops', 'achieved_flops_per_gpu'],
  peakFlops: ['peak_flops', 'gpu_peak_flops', 'peak_flops_per_gpu'],
  utilization: ['mfu', 'model_flops_utilization', 'utilization', 'target_mfu'],
};

/** Sections whose keys describe something other than the training run itself. */
const OTHER_SECTIONS = /^(eval|evaluation|evals|valid|validation|val|test|testing|profiling|profiler|profile|checkpoint|checkpointing|ckpt|logging|logger|log|metrics|generation|generate|inference|wandb|tensorboard|teacher|reward|critic|ref|reference|draft)$/;

const normalizedNames: Record<Role, string[][]> = Object.fromEntries(
  Object.entries(NAMES).map(([role, list]) => [role, list.map((n) => n.split('.').map(normalizeName))]),
) as Record<Role, string[][]>;

export interface Hit<T> {
  /** The key whose name matched (or was mapped). */
  key: ConfigKey;
  value: T;
  /** The key the value is written at: `key` itself, or the target of an interpolation like `${model.encoder_seq_length}`. */
  written: ConfigKey;
  /** Set when the value came through an interpolation. */
  via?: string;
  mapped: boolean;
}

export class ConfigLookup {
  private readonly normalized: { key: ConfigKey; segments: string[]; excluded: boolean }[];
  /** Mapped keys the config does not hold, for a note. */
  readonly unmapped: string[] = [];

  constructor(
    readonly config: ParsedConfig,
    private readonly mapping: RoleMapping = {},
  ) {
    this.normalized = config.keys.map((key) => {
      const segments = key.segments.map(normalizeName);
      return { key, segments, excluded: segments.slice(0, -1).some((s) => OTHER_SECTIONS.test(s)) };
    });
    for (const path of Object.values(mapping)) if (path && !this.byMapping(path)) this.unmapped.push(path);
  }

  private byMapping(path: string): ConfigKey | undefined {
    const exact = this.config.byPath.get(path);
    if (exact) return exact;
    const wanted = normalizeName(path);
    return this.config.keys.find((k) => normalizeName(k.path) === wanted);
  }

  /** Keys answering to a role, best first: mapped, then by name priority, then shallower, then earlier in the file. */
  candidates(role: Role): { key: ConfigKey; mapped: boolean }[] {
    const mappedPath = this.mapping[role];
    if (mappedPath) {
      const k = this.byMapping(mappedPath);
      // A mapping is the user's word: no fallback to names that could mean something else.
      return k ? [{ key: k, mapped: true }] : [];
    }
    const names = normalizedNames[role];
    const hits: { key: ConfigKey; rank: number; depth: number; order: number }[] = [];
    this.normalized.forEach((entry, order) => {
      if (entry.excluded) return;
      const rank = names.findIndex((name) => endsWith(entry.segments, name));
      if (rank >= 0) hits.push({ key: entry.key, rank, depth: entry.segments.length, order });
    });
    hits.sort((a, b) => a.rank - b.rank || a.depth - b.depth || a.order - b.order);
    return hits.map((h) => ({ key: h.key, mapped: false }));
  }

  /** The first key of a role holding a number (numeric strings like `3e-4` and `160M` count) that passes `accept`. */
  number(role: Role, accept: (v: number) => boolean = (v) => v > 0): Hit<number> | undefined {
    for (const c of this.candidates(role)) {
      const resolved = this.resolve(c.key);
      const v = toNumber(resolved.written.value);
      if (v !== undefined && accept(v)) return { key: c.key, value: v, written: resolved.written, via: resolved.via, mapped: c.mapped };
    }
    return undefined;
  }

  text(role: Role, accept: (v: string) => boolean = (v) => v !== ''): Hit<string> | undefined {
    for (const c of this.candidates(role)) {
      const resolved = this.resolve(c.key);
      const v = resolved.written.value;
      if (typeof v === 'string' && !isInterpolation(v) && accept(v)) return { key: c.key, value: v, written: resolved.written, via: resolved.via, mapped: c.mapped };
    }
    return undefined;
  }

  bool(role: Role): Hit<boolean> | undefined {
    for (const c of this.candidates(role)) {
      const v = this.resolve(c.key).written.value;
      if (typeof v === 'boolean') return { key: c.key, value: v, written: c.key, mapped: c.mapped };
    }
    return undefined;
  }

  /**
   * Follows OmegaConf/Hydra interpolations as NeMo writes them: `${model.encoder_seq_length}`
   * (absolute) and `${.encoder_seq_length}` (relative: one dot is the key's own section, each
   * further dot one level up). Resolvers (`${multiply:...}`, `${oc.env:...}`) are not evaluated.
   */
  resolve(key: ConfigKey): { written: ConfigKey; via?: string } {
    let current = key;
    let via: string | undefined;
    for (let hop = 0; hop < 8; hop++) {
      const v = current.value;
      if (typeof v !== 'string') break;
      const m = /^\$\{\s*([^}:\s]+)\s*\}$/.exec(v.trim());
      if (!m) break;
      const ref = m[1];
      let target: ConfigKey | undefined;
      if (ref.startsWith('.')) {
        const dots = /^\.+/.exec(ref)![0].length;
        const base = current.segments.slice(0, Math.max(0, current.segments.length - dots));
        target = this.config.byPath.get([...base, ref.slice(dots)].join('.'));
      } else target = this.config.byPath.get(ref);
      if (!target || target === current) break;
      via = via ?? v.trim();
      current = target;
    }
    return { written: current, via };
  }
}

function endsWith(segments: readonly string[], name: readonly string[]): boolean {
  if (name.length > segments.length) return false;
  const offset = segments.length - name.length;
  return name.every((s, i) => segments[offset + i] === s);
}

export function isInterpolation(v: string): boolean {
  return /^\s*\$\{[^}]*\}\s*$/.test(v);
}

export function toNumber(v: ConfigLeafValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    // PyYAML (YAML 1.1) reads 4_000_000 as an integer where YAML 1.2 keeps text: take the digits.
    if (/^\s*[+-]?\d[\d_]*(\.\d+)?([eE][+-]?\d+)?\s*$/.test(v)) return Number(v.replace(/_/g, ''));
    const p = parseNumber(v);
    return p.kind === 'number' && Number.isFinite(p.value) ? p.value : undefined;
  }
  return undefined;
}
