import type { ConfigTable } from './table';
import { generatedTokens } from './selection';

/**
 * Cost axes for test-time strategies. Each sample's cost comes from its recorded tokens and
 * latency and a few model facts; a strategy using k samples costs k samples' worth (latency:
 * the slowest of k running concurrently, or the fastest for first-finish).
 *
 *  - samples: k.
 *  - tokens: generated tokens (thinking + answer).
 *  - flops: forward-pass FLOPs, 2·N_active per token plus attention over the context,
 *    2·n_layer·n_ctx·d_attn per token (Kaplan et al. 2020, Table 1), summed over prompt and
 *    generation: 2·N·T + n_layer·d_attn·T² for T = prompt + generated tokens.
 *  - effective: Kinetics' eFLOPs (Sadhukhan et al. 2025), compute plus memory traffic priced
 *    at the accelerator's arithmetic intensity I (FLOPs per byte): each decoded token reads
 *    the KV cache of its context, 2·n_layer·n_kv_heads·d_head bytes-per-value per context
 *    token, and its share of the weights, N_active·bytes_per_param / batch. This is what
 *    makes a small model with long generations cost what it really costs.
 *  - dollars: prompt, thinking and answer tokens at a price table's rates per million tokens.
 *  - latency: recorded seconds, else prompt / prefill speed + generated / decode speed.
 */

export type CostAxis = 'samples' | 'tokens' | 'flops' | 'effective' | 'dollars' | 'latency';

export const COST_AXES: readonly CostAxis[] = ['samples', 'tokens', 'flops', 'effective', 'dollars', 'latency'];

export const COST_UNIT: Record<CostAxis, string> = {
  samples: 'samples',
  tokens: 'generated tokens',
  flops: 'FLOPs',
  effective: 'effective FLOPs (Kinetics)',
  dollars: 'USD',
  latency: 'seconds',
};

export interface ModelSpec {
  /** Parameters active per token (MoE: the active ones). */
  activeParams: number;
  layers?: number;
  /** Attention width n_heads·d_head (d_attn in Kaplan et al.). */
  attentionDim?: number;
  /** Key/value heads (GQA) and head width, for the KV cache size. */
  kvHeads?: number;
  headDim?: number;
  /** Bytes per weight (2 for bf16). */
  bytesPerParam?: number;
  /** Bytes per cached key or value element (2 for bf16). */
  kvBytes?: number;
}

/** Dollars per million tokens. Reasoning tokens are billed as output unless stated. */
export interface Price {
  input: number;
  output: number;
  reasoning?: number;
}

export interface CostSettings {
  /** Model facts by model name (as the eval file names it). */
  models?: Readonly<Record<string, ModelSpec>>;
  prices?: Readonly<Record<string, Price>>;
  /** Decode speed, tokens per second per sample, for latency when none is recorded; default 50. */
  decodeTokensPerSecond?: number;
  /** Prefill speed, tokens per second; default 5000. */
  prefillTokensPerSecond?: number;
  /** Accelerator FLOPs per byte of memory traffic; default 295 (H100 SXM: 989 TFLOP/s bf16 over 3.35 TB/s). */
  arithmeticIntensity?: number;
  /** Concurrent sequences sharing each weight read; default 64. */
  batchSize?: number;
}

export const DEFAULT_DECODE_SPEED = 50;
export const DEFAULT_PREFILL_SPEED = 5000;
export const DEFAULT_INTENSITY = 295;
export const DEFAULT_BATCH = 64;

/** Parameters from a model name such as `codellama-7b`, `Qwen3-30B-A3B` (active 3B), `gemma-2b`. */
export function paramsFromName(name: string): number | undefined {
  const active = /[-_]a(\d+(?:\.\d+)?)b\b/i.exec(name);
  if (active) return Number(active[1]) * 1e9;
  const m = /(?:^|[-_/ ])(\d+(?:\.\d+)?)([bm])(?:\b|[-_])/i.exec(name);
  if (!m) return undefined;
  return Number(m[1]) * (m[2].toLowerCase() === 'b' ? 1e9 : 1e6);
}

export interface SampleCosts {
  /** Per sample cost on each axis (NaN when unknown), aligned with the table's samples. */
  perSample: Record<CostAxis, Float64Array>;
  /** Axes that could be computed, and for the others why not. */
  available: Record<CostAxis, boolean>;
  notes: string[];
}

/** Each sample's cost on every axis; gaps filled with the configuration's mean where that is fair. */
export function sampleCosts(t: ConfigTable, settings: CostSettings = {}): SampleCosts {
  const n = t.correct.length;
  const notes: string[] = [];
  const gen = new Float64Array(n);
  const prompt = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    gen[j] = generatedTokens(t, j);
    prompt[j] = t.promptTokens[j];
  }
  const genFilled = fillMean(gen);
  const promptFilled = fillMean(prompt);
  if (genFilled.missing > 0 && genFilled.missing < n) notes.push(`${genFilled.missing} samples without token counts were costed at the mean (${genFilled.mean.toFixed(0)} tokens).`);
  const haveTokens = genFilled.missing < n;
  if (haveTokens && promptFilled.missing === n) notes.push('No prompt token counts: prompt costs are left out of FLOPs, dollars and latency.');
  const promptOf = (j: number) => (promptFilled.missing === n ? 0 : prompt[j]);

  const spec = settings.models?.[t.model] ?? (haveTokens ? specFromName(t.model, notes) : undefined);
  const price = settings.prices?.[t.model];
  const decode = settings.decodeTokensPerSecond ?? DEFAULT_DECODE_SPEED;
  const prefill = settings.prefillTokensPerSecond ?? DEFAULT_PREFILL_SPEED;
  const intensity = settings.arithmeticIntensity ?? DEFAULT_INTENSITY;
  const batch = settings.batchSize ?? DEFAULT_BATCH;

  const samples = new Float64Array(n).fill(1);
  const tokens = new Float64Array(n);
  const flops = new Float64Array(n).fill(NaN);
  const effective = new Float64Array(n).fill(NaN);
  const dollars = new Float64Array(n).fill(NaN);
  const latency = new Float64Array(n);
  let attentionMissing = false;
  let kvMissing = false;
  for (let j = 0; j < n; j++) {
    const g = gen[j];
    const p = promptOf(j);
    tokens[j] = g;
    if (spec && haveTokens) {
      const T = p + g;
      const attn = spec.layers && spec.attentionDim ? spec.layers * spec.attentionDim * T * T : 0;
      if (!attn) attentionMissing = true;
      flops[j] = 2 * spec.activeParams * T + attn;
      const kvPerToken = spec.layers && spec.kvHeads && spec.headDim ? 2 * spec.layers * spec.kvHeads * spec.headDim * (spec.kvBytes ?? 2) : 0;
      if (!kvPerToken) kvMissing = true;
      // Decoding token t reads the cache of the p + t tokens before it.
      const kvTraffic = kvPerToken * (p * g + (g * (g - 1)) / 2);
      const weightTraffic = (g * spec.activeParams * (spec.bytesPerParam ?? 2)) / batch;
      effective[j] = flops[j] + intensity * (kvTraffic + weightTraffic);
    }
    if (price && haveTokens) {
      const think = Number.isNaN(t.thinkingTokens[j]) ? 0 : t.thinkingTokens[j];
      const answer = g - think;
      dollars[j] = (p * price.input + think * (price.reasoning ?? price.output) + answer * price.output) / 1e6;
    }
    const recorded = t.latency[j];
    latency[j] = !Number.isNaN(recorded) ? recorded : haveTokens ? p / prefill + g / decode : NaN;
  }
  const hasLatency = t.latency.some((v) => !Number.isNaN(v));
  if (!hasLatency && haveTokens) notes.push(`Latency estimated at ${decode} tokens/s decode and ${prefill} tokens/s prefill (no recorded latencies).`);
  if (spec && attentionMissing) notes.push(`FLOPs for ${t.model} count 2·N per token only: set layers and attentionDim to add the attention term.`);
  if (spec && kvMissing) notes.push(`Effective cost for ${t.model} counts weight traffic only: set layers, kvHeads and headDim to add KV-cache traffic.`);
  const available: Record<CostAxis, boolean> = {
    samples: true,
    tokens: haveTokens,
    flops: !!spec && haveTokens,
    effective: !!spec && haveTokens,
    dollars: !!price && haveTokens,
    latency: haveTokens || hasLatency,
  };
  if (!spec && haveTokens) notes.push(`No parameter count for ${t.model}: FLOPs and effective cost need one (set it in the model table).`);
  if (!price && haveTokens) notes.push(`No price for ${t.model}: the dollar axis needs a price table entry.`);
  return { perSample: { samples, tokens, flops, effective, dollars, latency }, available, notes };
}

function specFromName(model: string, notes: string[]): ModelSpec | undefined {
  const params = paramsFromName(model);
  if (params === undefined) return undefined;
  notes.push(`${model}: ${(params / 1e9).toPrecision(3)}B active parameters read from the name.`);
  return { activeParams: params };
}

function fillMean(a: Float64Array): { mean: number; missing: number } {
  let sum = 0;
  let known = 0;
  for (const v of a) {
    if (!Number.isNaN(v)) {
      sum += v;
      known++;
    }
  }
  const mean = known ? sum / known : NaN;
  let missing = 0;
  for (let j = 0; j < a.length; j++) {
    if (Number.isNaN(a[j])) {
      a[j] = mean;
      missing++;
    }
  }
  return { mean, missing };
}

/**
 * Mean cost per problem of a strategy drawing k samples, for k = 1..K, over the chosen
 * problems: k × the mean sample cost for additive axes; for latency, the expected slowest of
 * k concurrent samples (`fastest` for first-finish), exact by order statistics.
 */
export function costCurve(t: ConfigTable, perSample: Float64Array, axis: CostAxis, K: number, problems: Int32Array, fastest = false): Float64Array {
  const out = new Float64Array(K);
  if (axis !== 'latency') {
    let sum = 0;
    let count = 0;
    for (const i of problems) {
      let s = 0;
      const m = t.start[i + 1] - t.start[i];
      for (let j = t.start[i]; j < t.start[i + 1]; j++) s += perSample[j];
      sum += s / m;
      count++;
    }
    const mean = count ? sum / count : NaN;
    for (let k = 1; k <= K; k++) out[k - 1] = k * mean;
    return out;
  }
  const tmp = new Float64Array(K);
  for (const i of problems) {
    const lat = Array.from(perSample.subarray(t.start[i], t.start[i + 1])).sort((a, b) => (fastest ? a - b : b - a));
    expectedExtreme(lat, K, tmp);
    for (let k = 0; k < K; k++) out[k] += tmp[k];
  }
  for (let k = 0; k < K; k++) out[k] /= problems.length;
  return out;
}

/** E[first-ranked value of a random k-subset] for values sorted best-first. */
function expectedExtreme(sorted: number[], K: number, out: Float64Array): void {
  const n = sorted.length;
  out.fill(0);
  for (let r = 0; r < n; r++) {
    // P(rank r is the best drawn) = h(r, k) − h(r+1, k), h(r, k) = C(n−r, k)/C(n, k).
    let h0 = 1;
    let h1 = 1;
    for (let k = 1; k <= K && k <= n; k++) {
      h0 *= Math.max(0, n - r - k + 1) / (n - k + 1);
      h1 *= Math.max(0, n - r - 1 - k + 1) / (n - k + 1);
      out[k - 1] += sorted[r] * (h0 - h1);
    }
  }
}
