/**
 * Which tokenizer a model uses, from the `model` field a record carries. An ordered table of
 * glob patterns (first match wins) that users extend by putting their own rules first, e.g.
 * `{ match: 'my-finetune-*', tokenizer: 'qwen3' }` or `{ match: 'mistral-nemo*', tokenizer:
 * 'file:/models/nemo/tokenizer.json' }`.
 */
export interface ModelRule {
  /** Glob over the normalized model name (lower case, provider prefix removed); `*` is any run. */
  match: string;
  /** A bundled tokenizer id, `file:<path to tokenizer.json>`, or `estimate:claude` / `estimate:gemini`. */
  tokenizer: string;
  note?: string;
}

export const defaultModelRules: readonly ModelRule[] = [
  // Distilled models keep their base model's vocabulary, whatever the name says first.
  { match: '*r1-distill-qwen*', tokenizer: 'qwen3', note: 'DeepSeek-R1-Distill-Qwen: Qwen2.5 vocabulary with <think> as one token' },
  { match: '*r1-distill-llama*', tokenizer: 'llama3', note: 'DeepSeek-R1-Distill-Llama: Llama 3 vocabulary' },
  // Ollama's deepseek-r1 tags below 671b are the distills (8b: the Qwen3-8B one since 2025-05-28).
  { match: 'deepseek-r1:1.5b*', tokenizer: 'qwen3', note: 'Ollama tag of DeepSeek-R1-Distill-Qwen-1.5B' },
  { match: 'deepseek-r1:7b*', tokenizer: 'qwen3', note: 'Ollama tag of DeepSeek-R1-Distill-Qwen-7B' },
  { match: 'deepseek-r1:8b*', tokenizer: 'qwen3', note: 'Ollama tag of DeepSeek-R1-0528-Qwen3-8B' },
  { match: 'deepseek-r1:latest', tokenizer: 'qwen3', note: 'Ollama: latest is the 8b tag' },
  { match: 'deepseek-r1:14b*', tokenizer: 'qwen3', note: 'Ollama tag of DeepSeek-R1-Distill-Qwen-14B' },
  { match: 'deepseek-r1:32b*', tokenizer: 'qwen3', note: 'Ollama tag of DeepSeek-R1-Distill-Qwen-32B' },
  { match: 'deepseek-r1:70b*', tokenizer: 'llama3', note: 'Ollama tag of DeepSeek-R1-Distill-Llama-70B' },
  { match: 'gpt-4o*', tokenizer: 'o200k_base' },
  { match: 'chatgpt-4o*', tokenizer: 'o200k_base' },
  { match: 'gpt-4.1*', tokenizer: 'o200k_base' },
  { match: 'gpt-4.5*', tokenizer: 'o200k_base' },
  { match: 'gpt-5*', tokenizer: 'o200k_base' },
  { match: 'o1*', tokenizer: 'o200k_base' },
  { match: 'o3*', tokenizer: 'o200k_base' },
  { match: 'o4*', tokenizer: 'o200k_base' },
  { match: 'gpt-oss*', tokenizer: 'o200k_base' },
  { match: 'codex*', tokenizer: 'o200k_base' },
  { match: 'gpt-4*', tokenizer: 'cl100k_base' },
  { match: 'gpt-3.5*', tokenizer: 'cl100k_base' },
  { match: 'gpt-35*', tokenizer: 'cl100k_base', note: 'Azure deployment names' },
  { match: 'text-embedding-3*', tokenizer: 'cl100k_base' },
  { match: 'text-embedding-ada-002', tokenizer: 'cl100k_base' },
  { match: 'deepseek-v3', tokenizer: 'deepseek_v3' },
  { match: 'deepseek-v3-base', tokenizer: 'deepseek_v3' },
  { match: 'deepseek-v3-0324', tokenizer: 'deepseek_v3' },
  { match: 'deepseek*', tokenizer: 'deepseek_r1', note: 'DeepSeek-R1, V3.1 and later, deepseek-chat / deepseek-reasoner' },
  { match: 'qwq*', tokenizer: 'qwen3' },
  { match: 'qwen3*', tokenizer: 'qwen3' },
  { match: 'qwen2.5*', tokenizer: 'qwen2.5' },
  { match: 'qwen2*', tokenizer: 'qwen2.5' },
  { match: 'qwen*', tokenizer: 'qwen3' },
  { match: 'llama-3*', tokenizer: 'llama3' },
  { match: 'llama3*', tokenizer: 'llama3' },
  { match: 'meta-llama-3*', tokenizer: 'llama3' },
  { match: 'claude*', tokenizer: 'estimate:claude', note: 'no public tokenizer: reported usage, else an estimate' },
  { match: 'gemini*', tokenizer: 'estimate:gemini', note: 'no public tokenizer: reported usage, else an estimate' },
];

/**
 * `deepseek-ai/DeepSeek-R1` → `deepseek-r1`; `anthropic.claude-3-5-sonnet-20240620-v1:0`
 * (Bedrock) → `claude-3-5-sonnet-20240620-v1:0`; `openai/gpt-4o` → `gpt-4o`.
 */
export function normalizeModelName(model: string): string {
  let m = model.trim().toLowerCase();
  const slash = m.lastIndexOf('/');
  if (slash >= 0) m = m.slice(slash + 1);
  m = m.replace(/^(?:[a-z]{2}\.)?(?:anthropic|meta|deepseek|qwen|openai)\./, '');
  return m;
}

const globCache = new Map<string, RegExp>();

export function globMatches(glob: string, name: string): boolean {
  let re = globCache.get(glob);
  if (!re) {
    re = new RegExp(`^${glob.toLowerCase().split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    globCache.set(glob, re);
  }
  return re.test(name);
}

export interface TokenizerChoice {
  tokenizer: string;
  /** The rule that chose it, or undefined when the fallback was used. */
  rule?: ModelRule;
}

/** The tokenizer for a model: user rules first, then the defaults; undefined when none matches. */
export function tokenizerForModel(model: string | undefined, rules: readonly ModelRule[] = defaultModelRules): TokenizerChoice | undefined {
  if (!model) return undefined;
  const name = normalizeModelName(model);
  for (const rule of rules) if (globMatches(rule.match, name)) return { tokenizer: rule.tokenizer, rule };
  return undefined;
}
