import { names, type ConfigIndex, type Found } from './configIndex';
import type { Derived } from './types';

/**
 * Model size N from what a run recorded: an explicit parameter count, the architecture
 * (layers, width, vocabulary, ...), or a size in the run's name (`pythia-160m`).
 *
 * Architecture counts follow the code of the model families they name; they were checked
 * against published counts (GPT-2 small 124,439,808; Pythia-160M 162,322,944;
 * Llama-2-7B 6,738,415,616; see test/unit/ingest/logs/modelSize.test.ts). Embedding
 * parameters are the token embedding, the output projection when untied, and learned position
 * embeddings: "non-embedding" is Kaplan et al. (2020)'s N, total is Hoffmann et al. (2022)'s.
 */
const EXPLICIT_TOTAL = names('n_params', 'num_params', 'num_parameters', 'n_parameters', 'params', 'parameters', 'param_count', 'parameter_count', 'model_params', 'total_params', 'num_total_params', 'model_size', 'model_parameters');
const EXPLICIT_NON_EMBEDDING = names('non_embedding_params', 'num_non_embedding_params', 'n_params_non_embedding', 'nonembedding_params', 'non_emb_params', 'params_non_embedding');

const LAYERS = names('num_hidden_layers', 'n_layer', 'n_layers', 'num_layers', 'layers', 'depth', 'n_blocks', 'num_blocks');
const ENCODER_LAYERS = names('encoder_layers', 'num_encoder_layers');
const DECODER_LAYERS = names('decoder_layers', 'num_decoder_layers');
const HIDDEN = names('hidden_size', 'd_model', 'n_embd', 'dim', 'model_dim', 'embed_dim', 'emb_dim', 'width', 'hidden_dim', 'n_embed', 'd_emb');
const FFN = names('intermediate_size', 'ffn_dim', 'd_ff', 'n_inner', 'ff_hidden', 'ffn_hidden_size', 'ff_hidden_size', 'mlp_dim', 'ff_dim', 'ffn_hidden', 'mlp_hidden_dim', 'encoder_ffn_dim', 'd_ffn');
const VOCAB = names('vocab_size', 'n_vocab', 'padded_vocab_size', 'vocabulary_size');
const HEADS = names('num_attention_heads', 'n_head', 'n_heads', 'num_heads', 'encoder_attention_heads', 'nhead');
const KV_HEADS = names('num_key_value_heads', 'n_kv_heads', 'num_kv_heads', 'num_query_groups', 'n_kv_head', 'n_head_kv');
const HEAD_DIM = names('head_dim', 'kv_channels', 'd_head', 'd_kv');
const POSITIONS = names('n_positions', 'max_position_embeddings', 'n_ctx');
const TIE = names('tie_word_embeddings', 'tie_embeddings', 'tied_embeddings', 'weight_tying', 'share_embeddings');
const MODEL_TYPE = names('model_type', 'architecture', 'arch', 'model_arch');
const EXPERTS = names('num_local_experts', 'num_experts', 'n_experts', 'moe_num_experts');
const EXPERTS_PER_TOKEN = names('num_experts_per_tok', 'moe_top_k', 'top_k_experts', 'num_selected_experts');

interface Family {
  /** LayerNorm has a bias; RMSNorm does not. */
  norm: 'layer' | 'rms';
  /** Biases on every linear layer, or only on q/k/v (Qwen2). */
  bias: 'all' | 'qkv' | 'none';
  /** SwiGLU/GeGLU: three MLP matrices instead of two. */
  gated: boolean;
  /** Learned absolute positions (GPT-2, OPT); offset: extra rows OPT and BART keep. */
  positions: 'learned' | 'none';
  positionOffset: number;
  tiedByDefault: boolean;
  /** The MLP width the family's code uses when the config leaves it out (GPT-2's n_inner: null). */
  defaultFfn?: number;
  label: string;
}

const FAMILIES: Record<string, Family> = {
  gpt2: { norm: 'layer', bias: 'all', gated: false, positions: 'learned', positionOffset: 0, tiedByDefault: true, defaultFfn: 4, label: 'GPT-2' },
  gpt_neox: { norm: 'layer', bias: 'all', gated: false, positions: 'none', positionOffset: 0, tiedByDefault: false, defaultFfn: 4, label: 'GPT-NeoX / Pythia' },
  opt: { norm: 'layer', bias: 'all', gated: false, positions: 'learned', positionOffset: 2, tiedByDefault: true, label: 'OPT' },
  llama: { norm: 'rms', bias: 'none', gated: true, positions: 'none', positionOffset: 0, tiedByDefault: false, label: 'Llama' },
  mistral: { norm: 'rms', bias: 'none', gated: true, positions: 'none', positionOffset: 0, tiedByDefault: false, label: 'Mistral' },
  mixtral: { norm: 'rms', bias: 'none', gated: true, positions: 'none', positionOffset: 0, tiedByDefault: false, label: 'Mixtral' },
  qwen2: { norm: 'rms', bias: 'qkv', gated: true, positions: 'none', positionOffset: 0, tiedByDefault: false, label: 'Qwen2' },
  qwen3: { norm: 'rms', bias: 'none', gated: true, positions: 'none', positionOffset: 0, tiedByDefault: false, label: 'Qwen3' },
  gemma: { norm: 'rms', bias: 'none', gated: true, positions: 'none', positionOffset: 0, tiedByDefault: true, label: 'Gemma' },
  olmo: { norm: 'layer', bias: 'none', gated: true, positions: 'none', positionOffset: 0, tiedByDefault: false, label: 'OLMo' },
  bart: { norm: 'layer', bias: 'all', gated: false, positions: 'learned', positionOffset: 2, tiedByDefault: true, label: 'BART' },
};

/** What an architecture count assumes when a config says nothing: a GPT-2-style block. */
const GENERIC: Family = { norm: 'layer', bias: 'all', gated: false, positions: 'none', positionOffset: 0, tiedByDefault: true, label: 'generic transformer' };

function familyOf(modelType: string | undefined): Family | undefined {
  if (!modelType) return undefined;
  const t = modelType.toLowerCase().replace(/[-\s]/g, '_');
  if (t in FAMILIES) return FAMILIES[t];
  if (/^(gpt_neox|pythia)/.test(t)) return FAMILIES.gpt_neox;
  if (/^(llama|codellama|tinyllama|smollm)/.test(t)) return FAMILIES.llama;
  if (/^qwen3/.test(t)) return FAMILIES.qwen3;
  if (/^qwen2/.test(t)) return FAMILIES.qwen2;
  if (/^gemma/.test(t)) return FAMILIES.gemma;
  if (/^gpt2/.test(t)) return FAMILIES.gpt2;
  return undefined;
}

export interface SizeCount {
  total: number;
  nonEmbedding: number;
  /** True when every term came from the config or the named family's code. */
  exact: boolean;
  /** The inputs used, as `key=value`, for the user to check. */
  inputs: string[];
  assumptions: string[];
  file?: string;
}

/** 12·L·d²: Kaplan et al. (2020)'s non-embedding count for d_ff = 4d, attention and MLP weights only. */
export function kaplanApproximation(layers: number, hidden: number): number {
  return 12 * layers * hidden * hidden;
}

/** Parameters counted from the architecture in a run's config, or undefined without layers and width. */
export function countParameters(config: ConfigIndex): SizeCount | undefined {
  const d = config.number(HIDDEN, (v) => v >= 1 && Number.isInteger(v));
  const enc = config.number(ENCODER_LAYERS, (v) => v >= 0 && Number.isInteger(v));
  const dec = config.number(DECODER_LAYERS, (v) => v >= 0 && Number.isInteger(v));
  const layers = config.number(LAYERS, (v) => v >= 1 && Number.isInteger(v));
  if (!d || (!layers && !enc)) return undefined;
  const inputs: string[] = [];
  const assumptions: string[] = [];
  const used = (f: Found<unknown>) => inputs.push(`${f.key}=${String(f.value)}`);
  used(d);
  const typeFound = config.text(MODEL_TYPE) ?? archFromList(config);
  const family = familyOf(typeFound?.value);
  if (typeFound) used(typeFound);
  const fam = family ?? GENERIC;
  if (!family) assumptions.push(`${typeFound ? `model type '${typeFound.value}' unknown: ` : 'no model type: '}counted as a GPT-2-style block (LayerNorm, biases, 2-matrix MLP)`);

  const width = d.value;
  const ffFound = config.number(FFN, (v) => v >= 1);
  const ff = ffFound?.value ?? (fam.defaultFfn ?? 4) * width;
  if (ffFound) used(ffFound);
  else if (!family?.defaultFfn) assumptions.push('MLP width 4·d (no intermediate size in the config)');
  const headsFound = config.number(HEADS, (v) => v >= 1 && Number.isInteger(v));
  const kvFound = config.number(KV_HEADS, (v) => v >= 1 && Number.isInteger(v));
  const headDimFound = config.number(HEAD_DIM, (v) => v >= 1 && Number.isInteger(v));
  if (headsFound) used(headsFound);
  if (kvFound) used(kvFound);
  if (headDimFound) used(headDimFound);
  const heads = headsFound?.value;
  const headDim = headDimFound?.value ?? (heads ? width / heads : undefined);
  const qDim = heads && headDim ? heads * headDim : width;
  const kvDim = kvFound && headDim ? kvFound.value * headDim : qDim;

  const vocabFound = config.number(VOCAB, (v) => v >= 1 && Number.isInteger(v));
  if (vocabFound) used(vocabFound);
  else assumptions.push('no vocabulary size: embeddings not counted');
  const vocab = vocabFound?.value ?? 0;
  const tieFound = config.bool(TIE);
  if (tieFound) used(tieFound);
  else if (!family && vocabFound) assumptions.push('input and output embeddings tied');
  const tied = tieFound?.value ?? fam.tiedByDefault;

  const normSize = fam.norm === 'layer' ? 2 * width : width;
  const attention = width * qDim + 2 * width * kvDim + qDim * width;
  const attentionBias = fam.bias === 'all' ? qDim + 2 * kvDim + width : fam.bias === 'qkv' ? qDim + 2 * kvDim : 0;
  const expertsFound = config.number(EXPERTS, (v) => v >= 1 && Number.isInteger(v));
  const experts = expertsFound?.value ?? 1;
  if (expertsFound) used(expertsFound);
  const mlpOne = (fam.gated ? 3 : 2) * width * ff + (fam.bias === 'all' ? (fam.gated ? 2 * ff : ff) + width : 0);
  const router = experts > 1 ? width * experts : 0;
  const mlp = experts * mlpOne + router;
  const decoderBlock = attention + attentionBias + mlp + 2 * normSize;

  let blocks: number;
  if (enc || dec) {
    // Encoder–decoder: an encoder block has self-attention and an MLP; a decoder block adds cross-attention.
    const e = enc?.value ?? layers?.value ?? 0;
    const dd = dec?.value ?? layers?.value ?? e;
    if (enc) used(enc);
    if (dec) used(dec);
    const crossAttention = attention + attentionBias + normSize;
    blocks = e * decoderBlock + dd * (decoderBlock + crossAttention) + (e > 0 && dd > 0 ? normSize : 0);
    assumptions.push('encoder–decoder counted as generic blocks (cross-attention in each decoder block); family-specific extras are not');
  } else {
    used(layers!);
    blocks = layers!.value * decoderBlock;
  }
  const nonEmbedding = blocks + normSize;

  let positions = 0;
  if (fam.positions === 'learned') {
    const pos = config.number(POSITIONS, (v) => v >= 1 && Number.isInteger(v));
    if (pos) {
      used(pos);
      positions = (pos.value + fam.positionOffset) * width;
    } else assumptions.push('learned position embeddings not counted (no n_positions in the config)');
  }
  const embedding = vocab * width * (tied ? 1 : 2) + positions;
  if (experts > 1) {
    const active = config.number(EXPERTS_PER_TOKEN, (v) => v >= 1);
    assumptions.push(`mixture of experts: all ${experts} experts counted${active ? ` (${active.value} active per token)` : ''}`);
  }
  return {
    total: nonEmbedding + embedding,
    nonEmbedding,
    exact: family !== undefined && assumptions.length === 0,
    inputs,
    assumptions: family ? [`${fam.label} layout`, ...assumptions] : assumptions,
    file: d.file,
  };
}

/** HF configs name the class in `architectures` (`["LlamaForCausalLM"]`) even without `model_type`. */
function archFromList(config: ConfigIndex): Found<string> | undefined {
  const key = config.key(names('architectures'));
  if (!key) return undefined;
  const raw = String(config.raw(key) ?? '');
  const m = /(GPTNeoX|GPT2|Llama|Mistral|Mixtral|Qwen3|Qwen2|Gemma|OPT|OLMo)/i.exec(raw);
  if (!m) return undefined;
  const map: Record<string, string> = { gptneox: 'gpt_neox', gpt2: 'gpt2', llama: 'llama', mistral: 'mistral', mixtral: 'mixtral', qwen3: 'qwen3', qwen2: 'qwen2', gemma: 'gemma', opt: 'opt', olmo: 'olmo' };
  return { value: map[m[1].toLowerCase()], key };
}

/** A size in a run or model name: `160m`, `1.3B`, `7b` (k is left out: it names steps more often than models). */
const SIZE_IN_NAME = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)([mbt])(?![a-z0-9])/gi;

export function sizeFromName(name: string): { value: number; text: string; others: string[] } | undefined {
  const hits = [...name.matchAll(SIZE_IN_NAME)];
  if (hits.length === 0) return undefined;
  const scale: Record<string, number> = { m: 1e6, b: 1e9, t: 1e12 };
  const [first, ...rest] = hits;
  return { value: Number(first[1]) * scale[first[2].toLowerCase()], text: `${first[1]}${first[2]}`, others: rest.map((h) => `${h[1]}${h[2]}`) };
}

const fmt = (n: number) => (n >= 1e9 ? `${(n / 1e9).toPrecision(4)}B` : n >= 1e6 ? `${(n / 1e6).toPrecision(4)}M` : n.toLocaleString('en-US'));

/**
 * N for one run, most trustworthy source first: an explicit count in the config or summary,
 * an architecture count, a name. Every source found is kept as an alternative.
 */
export function deriveModelSize(config: ConfigIndex, runNames: string[], size: 'total' | 'non-embedding'): { N: Derived; other?: Derived } {
  const candidates: Derived[] = [];
  const other: Derived[] = [];
  const explicitWanted = config.number(size === 'total' ? EXPLICIT_TOTAL : EXPLICIT_NON_EMBEDDING, (v) => v >= 1000);
  const explicitOther = config.number(size === 'total' ? EXPLICIT_NON_EMBEDDING : EXPLICIT_TOTAL, (v) => v >= 1000);
  if (explicitWanted) candidates.push({ value: explicitWanted.value, method: 'config', how: `${explicitWanted.key} = ${fmt(explicitWanted.value)}`, source: explicitWanted.file ? { file: explicitWanted.file, key: explicitWanted.key } : undefined });
  if (explicitOther) other.push({ value: explicitOther.value, method: 'config', how: `${explicitOther.key} = ${fmt(explicitOther.value)}`, source: explicitOther.file ? { file: explicitOther.file, key: explicitOther.key } : undefined });

  const count = countParameters(config);
  if (count) {
    const src = count.file ? { file: count.file } : undefined;
    const what = (n: number, kind: string) =>
      `${fmt(n)} ${kind} parameters counted from the architecture (${count.inputs.join(', ')})${count.assumptions.length ? `; ${count.exact ? '' : 'assumes '}${count.assumptions.join('; ')}` : ''}`;
    const total: Derived = { value: count.total, method: count.exact ? 'architecture' : 'architecture-approx', how: what(count.total, 'total'), source: src };
    const nonEmb: Derived = { value: count.nonEmbedding, method: count.exact ? 'architecture' : 'architecture-approx', how: what(count.nonEmbedding, 'non-embedding'), source: src };
    candidates.push(size === 'total' ? total : nonEmb);
    other.push(size === 'total' ? nonEmb : total);
    const L = config.number(LAYERS, (v) => v >= 1) ?? config.number(ENCODER_LAYERS, (v) => v >= 1);
    const d = config.number(HIDDEN, (v) => v >= 1);
    if (L && d) {
      const approx = kaplanApproximation(L.value, d.value);
      const why = "Kaplan et al.'s approximation: d_ff = 4d, no biases or norms";
      if (size === 'non-embedding') candidates.push({ value: approx, method: 'architecture-approx', how: `12·L·d² = 12·${L.value}·${d.value}² = ${fmt(approx)} (${why})`, source: src });
      else {
        const V = config.number(VOCAB, (v) => v >= 1);
        if (V) candidates.push({ value: approx + V.value * d.value, method: 'architecture-approx', how: `12·L·d² + V·d = 12·${L.value}·${d.value}² + ${V.value}·${d.value} = ${fmt(approx + V.value * d.value)} (${why}; one embedding matrix)`, source: src });
      }
    }
  }
  for (const n of runNames) {
    const s = sizeFromName(n);
    if (s) {
      candidates.push({ value: s.value, method: 'name', how: `'${s.text}' in the name '${n}'${s.others.length ? ` (also ${s.others.join(', ')}: the first is taken)` : ''}; the name does not say whether embeddings count` });
      break;
    }
  }
  if (candidates.length === 0) {
    return {
      N: { value: null, method: 'missing', how: 'No parameter count (n_params, num_parameters, ...), no architecture (layers and hidden size), and no size in the name (like 160m); set N for this run in .scaling-lens.json.' },
      other: other[0],
    };
  }
  const [chosen, ...alternatives] = candidates;
  return { N: alternatives.length ? { ...chosen, alternatives } : chosen, other: other[0] };
}
