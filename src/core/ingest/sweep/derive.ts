import { normalizeName } from '../columnRoles';
import type { RunRow } from '../runTable';
import { names, type ConfigIndex, type Found } from './configIndex';
import type { Derived } from './types';

/**
 * The per-run quantities of a sweep other than N: tokens seen, compute, steps, and the loss,
 * each found in the run's metrics, its config or summary, or computed, and always with a
 * sentence saying which.
 */
export const TOKENS = names('tokens', 'num_tokens', 'n_tokens', 'ntokens', 'tokens_seen', 'num_input_tokens_seen', 'consumed_tokens', 'tokens_consumed', 'total_tokens', 'train_tokens', 'training_tokens', 'num_train_tokens', 'trained_tokens', 'tokens_trained');
export const FLOPS = names('flops', 'total_flops', 'train_flops', 'training_flops', 'compute_flops', 'flops_used', 'total_flos', 'flos', 'compute');
export const STEPS = names('global_step', 'max_steps', 'train_steps', 'total_steps', 'num_steps', 'num_train_steps', 'training_steps', 'steps', 'max_iters', 'train_iters');
/** Tokens per optimizer step, when a config states it directly. */
export const TOKENS_PER_STEP = names('tokens_per_batch', 'batch_size_tokens', 'tokens_per_step', 'global_batch_size_tokens', 'batch_tokens', 'tokens_per_iter');
/** Sequences per optimizer step over all devices. */
export const GLOBAL_BATCH = names('global_batch_size', 'total_batch_size', 'effective_batch_size', 'total_train_batch_size', 'global_train_batch_size', 'train_batch_size_global');
/** Sequences per step on one device, or per micro-batch. */
export const LOCAL_BATCH = names('batch_size', 'train_batch_size', 'per_device_train_batch_size', 'micro_batch_size', 'train_micro_batch_size_per_gpu', 'bs', 'batch', 'per_gpu_train_batch_size', 'train_bs');
export const GRAD_ACCUM = names('gradient_accumulation_steps', 'grad_accum', 'grad_accum_steps', 'accumulate_grad_batches', 'gradient_accumulation', 'accumulation_steps');
export const WORLD = names('world_size', 'n_gpus', 'num_gpus', 'n_gpu', 'num_devices', 'data_parallel_size', 'dp_size', 'num_processes');
export const SEQ_LEN = names('seq_len', 'seq_length', 'sequence_length', 'max_seq_len', 'max_seq_length', 'max_sequence_length', 'block_size', 'context_length', 'context_len', 'ctx_len', 'train_seq_len', 'max_source_length', 'seqlen');
/** The model's maximum context: an upper bound on sequence length, used only when nothing else says. */
export const MAX_CONTEXT = names('n_positions', 'max_position_embeddings', 'n_ctx');

export const fmtNumber = (n: number): string =>
  Math.abs(n) >= 1e4 || (Math.abs(n) < 1e-3 && n !== 0) ? n.toExponential(3).replace(/\.?0+e/, 'e') : String(Number(n.toPrecision(6)));

/** The last finite value of a column, in row order, with the row it sits on. */
export function lastValue(rows: readonly RunRow[], column: string): { value: number; row: RunRow } | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const v = rows[i].values[column];
    if (typeof v === 'number' && Number.isFinite(v)) return { value: v, row: rows[i] };
  }
  return undefined;
}

export interface RunView {
  rows: readonly RunRow[];
  /** Numeric metric columns of this run. */
  columns: readonly string[];
  config: ConfigIndex;
  summary: ConfigIndex;
  /** The file the metrics came from. */
  file: string;
}

/** A column of the run answering to one of `aliases`, by full name or last path segment. */
export function findMetric(columns: readonly string[], aliases: readonly string[]): string | undefined {
  for (const a of aliases) {
    const hit = columns.find((c) => normalizeName(c) === a);
    if (hit) return hit;
  }
  for (const a of aliases) {
    const hit = columns.find((c) => normalizeName(c.split(/[/.]/).pop() ?? c) === a);
    if (hit) return hit;
  }
  return undefined;
}

/** A value by the name the user mapped: a metric column (last value), else a config or summary key. */
export function mappedValue(view: RunView, name: string): Derived | undefined {
  if (view.columns.includes(name)) {
    const last = lastValue(view.rows, name);
    if (last) return { value: last.value, method: 'mapped', how: `column '${name}' (mapped in .scaling-lens.json), last value ${fmtNumber(last.value)}`, source: { file: view.file, key: name } };
  }
  for (const [idx, where] of [
    [view.config, 'config'],
    [view.summary, 'summary'],
  ] as const) {
    const f = idx.exact(name);
    if (f) return { value: f.value, method: 'mapped', how: `${where} key '${f.key}' (mapped in .scaling-lens.json) = ${fmtNumber(f.value)}`, source: f.file ? { file: f.file, key: f.key } : undefined };
  }
  return undefined;
}

/** A positive value from a metric column, then the summary, then the config. */
export function lookup(view: RunView, aliases: readonly string[], accept: (v: number) => boolean = (v) => v > 0): Derived | undefined {
  const col = findMetric(view.columns, aliases);
  if (col) {
    const last = lastValue(view.rows, col);
    if (last && accept(last.value)) return { value: last.value, method: 'column', how: `column '${col}', last value ${fmtNumber(last.value)}`, source: { file: view.file, key: col } };
  }
  const s = view.summary.number(aliases, accept);
  if (s) return fromFound(s, 'summary');
  const c = view.config.number(aliases, accept);
  if (c) return fromFound(c, 'config');
  return undefined;
}

function fromFound(f: Found<number>, method: 'summary' | 'config'): Derived {
  return { value: f.value, method, how: `${method} key '${f.key}' = ${fmtNumber(f.value)}`, source: f.file ? { file: f.file, key: f.key } : undefined };
}

/** Sequences per optimizer step, with the factors it took. */
export function batchSize(config: ConfigIndex, mapped?: Derived): { value: number; how: string; source?: Derived['source'] } | undefined {
  if (mapped?.value) return { value: mapped.value, how: mapped.how, source: mapped.source };
  const global = config.number(GLOBAL_BATCH, (v) => v >= 1);
  if (global) return { value: global.value, how: `${global.key}=${global.value}`, source: global.file ? { file: global.file, key: global.key } : undefined };
  const local = config.number(LOCAL_BATCH, (v) => v >= 1);
  if (!local) return undefined;
  const accum = config.number(GRAD_ACCUM, (v) => v >= 1);
  const world = config.number(WORLD, (v) => v >= 1 && Number.isInteger(v));
  const parts = [`${local.key}=${local.value}`];
  let value = local.value;
  if (accum) {
    value *= accum.value;
    parts.push(`${accum.key}=${accum.value}`);
  }
  if (world) {
    value *= world.value;
    parts.push(`${world.key}=${world.value}`);
  }
  const unstated = [!accum ? 'gradient accumulation' : '', !world ? 'number of devices' : ''].filter(Boolean);
  const note = unstated.length ? ` (no ${unstated.join(' or ')} in the config: taken as 1)` : '';
  return { value, how: `${parts.join(' × ')}${note}`, source: local.file ? { file: local.file, key: local.key } : undefined };
}

/** Tokens per sequence. */
export function sequenceLength(config: ConfigIndex, mapped?: Derived): { value: number; how: string; assumed: boolean; source?: Derived['source'] } | undefined {
  if (mapped?.value) return { value: mapped.value, how: mapped.how, assumed: false, source: mapped.source };
  const s = config.number(SEQ_LEN, (v) => v >= 1);
  if (s) return { value: s.value, how: `${s.key}=${s.value}`, assumed: false, source: s.file ? { file: s.file, key: s.key } : undefined };
  const ctx = config.number(MAX_CONTEXT, (v) => v >= 1);
  if (ctx) return { value: ctx.value, how: `${ctx.key}=${ctx.value} (the model's context: assumes every sequence fills it; set seqLen if not)`, assumed: true, source: ctx.file ? { file: ctx.file, key: ctx.key } : undefined };
  return undefined;
}

/** Tokens seen: logged or configured, else steps × batch × sequence length. */
export function deriveTokens(view: RunView, steps: Derived, mappedBatch?: Derived, mappedSeq?: Derived): Derived {
  const found = lookup(view, TOKENS);
  const alternatives: Derived[] = [];
  const perStep = view.config.number(TOKENS_PER_STEP, (v) => v >= 1);
  const batch = batchSize(view.config, mappedBatch);
  const seq = sequenceLength(view.config, mappedSeq);
  let product: Derived | undefined;
  if (steps.value !== null && perStep) {
    product = { value: steps.value * perStep.value, method: 'product', how: `steps × tokens per step = ${fmtNumber(steps.value)} × ${fmtNumber(perStep.value)} (${perStep.key}); steps: ${steps.how}`, source: perStep.file ? { file: perStep.file, key: perStep.key } : undefined };
  } else if (steps.value !== null && batch && seq) {
    product = {
      value: steps.value * batch.value * seq.value,
      method: 'product',
      how: `steps × batch × sequence length = ${fmtNumber(steps.value)} × ${fmtNumber(batch.value)} × ${fmtNumber(seq.value)}; steps: ${steps.how}; batch: ${batch.how}; sequence length: ${seq.how}`,
      source: batch.source,
    };
  }
  if (found) {
    if (product) alternatives.push(product);
    return alternatives.length ? { ...found, alternatives } : found;
  }
  if (product) return product;
  const lacking = [steps.value === null ? 'the number of steps' : '', !batch && !perStep ? 'a batch size (batch_size, global_batch_size, ...)' : '', !seq && !perStep ? 'a sequence length (seq_len, max_seq_length, block_size, ...)' : ''].filter(Boolean);
  return { value: null, method: 'missing', how: `No token count logged or configured, and steps × batch × sequence length lacks ${lacking.join(' and ')}. Set D or seqLen/batch in .scaling-lens.json.` };
}

/** Compute: given by the run, else 6·N·D. */
export function deriveCompute(view: RunView, N: Derived, D: Derived): Derived {
  const found = lookup(view, FLOPS);
  const sixND: Derived | undefined =
    N.value !== null && D.value !== null ? { value: 6 * N.value * D.value, method: '6ND', how: `6·N·D = 6 × ${fmtNumber(N.value)} × ${fmtNumber(D.value)} (N: ${N.method}; D: ${D.method})` } : undefined;
  if (found) {
    const hf = found.source?.key && normalizeName(found.source.key) === 'totalflos' ? ' (the HF Trainer counts 6 × non-embedding parameters × input tokens)' : '';
    const given = { ...found, how: found.how + hf };
    return sixND ? { ...given, alternatives: [sixND] } : given;
  }
  if (sixND) return sixND;
  return { value: null, method: 'missing', how: `No FLOPs logged or configured, and 6·N·D needs ${[N.value === null ? 'N' : '', D.value === null ? 'D' : ''].filter(Boolean).join(' and ')}.` };
}

/** The step column to count steps by. W&B's `_step` counts log calls, so a trainer's own step wins over it. */
export function chooseStepColumn(columns: readonly string[], stepColumn: string | undefined): string | undefined {
  const trainer = findMetric(columns, names('global_step', 'trainer/global_step', 'train/global_step'));
  if (stepColumn === '_step' && trainer) return trainer;
  if (stepColumn && columns.includes(stepColumn)) return stepColumn;
  return trainer ?? findMetric(columns, names('step', 'iteration', 'iter', 'steps'));
}

export function deriveSteps(view: RunView, column: string | undefined): Derived {
  if (column) {
    let max = -Infinity;
    for (const r of view.rows) {
      const v = r.values[column];
      if (typeof v === 'number' && v > max) max = v;
    }
    if (Number.isFinite(max)) {
      const note = column === '_step' ? " (W&B's _step counts wandb.log calls: taken as one per optimizer step)" : '';
      return { value: max, method: 'column', how: `last step logged, column '${column}' = ${fmtNumber(max)}${note}`, source: { file: view.file, key: column } };
    }
  }
  const c = view.config.number(STEPS, (v) => v >= 1);
  if (c) return fromFound(c, 'config');
  return { value: null, method: 'missing', how: 'No step column and no step count (global_step, max_steps, ...) in the config.' };
}

/** Loss columns, most likely the one to fit first: validation, then plain, then training, then test. */
export function lossColumns(columns: readonly string[]): string[] {
  const ranked: { c: string; tier: number; i: number }[] = [];
  columns.forEach((c, i) => {
    const n = normalizeName(c);
    if (!n.includes('loss') || /lossscale|scaler|runtime|persecond|samples|__(min|max)$/i.test(c) || /(min|max|std)$/.test(n)) return;
    const lower = c.toLowerCase();
    const tier = /(^|[^a-z])(eval|val|valid|validation|dev)([^a-z]|$)|^(eval|val|validation)/.test(lower)
      ? 0
      : /(^|[^a-z])(test|predict)([^a-z]|$)/.test(lower)
        ? 3
        : /train/.test(lower)
          ? 2
          : 1;
    ranked.push({ c, tier, i });
  });
  ranked.sort((a, b) => a.tier - b.tier || a.c.length - b.c.length || a.i - b.i);
  return ranked.map((r) => r.c);
}

/** Final (last logged) and best (lowest) loss of a column. */
export function lossesOf(view: RunView, column: string): { final: Derived; best: Derived } | undefined {
  let best: { value: number; row: RunRow } | undefined;
  for (const r of view.rows) {
    const v = r.values[column];
    if (typeof v === 'number' && Number.isFinite(v) && (!best || v < best.value)) best = { value: v, row: r };
  }
  const last = lastValue(view.rows, column);
  if (!last || !best) return undefined;
  const at = (row: RunRow) => {
    const s = Object.entries(row.values).find(([k]) => /^_?step$|global_?step$/i.test(k));
    return s && typeof s[1] === 'number' ? ` at step ${fmtNumber(s[1])}` : '';
  };
  return {
    final: { value: last.value, method: 'column', how: `last value of '${column}'${at(last.row)}`, source: { file: view.file, key: column } },
    best: { value: best.value, method: 'column', how: `lowest value of '${column}'${at(best.row)}`, source: { file: view.file, key: column } },
  };
}
