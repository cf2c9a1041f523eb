import { globMatches, normalizeModelName } from './models';

/**
 * API prices per model, in US dollars per million tokens, **as published by each provider on the
 * date in the row's `asOf`** (the `source` is the page they were read from). Providers change
 * prices; a row is a dated fact, not a promise about today. Callers (settings, the CLI) pass their
 * own rows, which take precedence over these. Every dollar figure names the row it used.
 *
 * Only models whose published prices we are sure of are listed. Batch, priority and long-context
 * tiers are not modelled: the standard rate is used.
 */
export interface PriceRow {
  /** Stable id shown next to every dollar figure, e.g. `openai/gpt-4o@2025-08-07`. */
  id: string;
  provider: string;
  /** Globs over normalized model names (see `normalizeModelName`); the first matching row wins. */
  models: string[];
  /** $ per 1M uncached input tokens. */
  input: number;
  /** $ per 1M cached input tokens (cache hits); input price when absent. */
  cachedInput?: number;
  /** $ per 1M output tokens. */
  output: number;
  /** $ per 1M reasoning tokens; output price when absent (all providers listed bill them as output). */
  reasoning?: number;
  /** The date the prices were published / read (YYYY-MM-DD). */
  asOf: string;
  source: string;
  note?: string;
}

const OPENAI = 'https://platform.openai.com/docs/pricing';
const OPENAI_DATE = '2025-08-07';
const ANTHROPIC = 'https://docs.anthropic.com/en/docs/about-claude/pricing';
const DEEPSEEK = 'https://api-docs.deepseek.com/quick_start/pricing-details-usd';
const GOOGLE = 'https://ai.google.dev/gemini-api/docs/pricing';

function openai(model: string, models: string[], input: number, cachedInput: number, output: number): PriceRow {
  return { id: `openai/${model}@${OPENAI_DATE}`, provider: 'OpenAI', models, input, cachedInput, output, asOf: OPENAI_DATE, source: OPENAI };
}

export const defaultPriceRows: readonly PriceRow[] = [
  // OpenAI, standard tier, as listed on the pricing page on the day GPT-5 launched.
  openai('gpt-5-mini', ['gpt-5-mini*'], 0.25, 0.025, 2.0),
  openai('gpt-5-nano', ['gpt-5-nano*'], 0.05, 0.005, 0.4),
  openai('gpt-5', ['gpt-5', 'gpt-5-2025-08-07', 'gpt-5-chat-latest'], 1.25, 0.125, 10.0),
  openai('gpt-4.1-mini', ['gpt-4.1-mini*'], 0.4, 0.1, 1.6),
  openai('gpt-4.1-nano', ['gpt-4.1-nano*'], 0.1, 0.025, 0.4),
  openai('gpt-4.1', ['gpt-4.1', 'gpt-4.1-2025-04-14'], 2.0, 0.5, 8.0),
  openai('gpt-4o-mini', ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'], 0.15, 0.075, 0.6),
  openai('gpt-4o', ['gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-2024-11-20'], 2.5, 1.25, 10.0),
  openai('o4-mini', ['o4-mini', 'o4-mini-2025-04-16'], 1.1, 0.275, 4.4),
  openai('o3-mini', ['o3-mini', 'o3-mini-2025-01-31'], 1.1, 0.55, 4.4),
  openai('o3', ['o3', 'o3-2025-04-16'], 2.0, 0.5, 8.0),
  openai('o1', ['o1', 'o1-2024-12-17'], 15.0, 7.5, 60.0),
  // Anthropic: cache hits are "cache hits & refreshes"; cache writes are not modelled.
  { id: 'anthropic/claude-opus-4-1@2025-08-05', provider: 'Anthropic', models: ['claude-opus-4-1*', 'claude-opus-4-20250514', 'claude-opus-4-0', 'claude-opus-4'], input: 15, cachedInput: 1.5, output: 75, asOf: '2025-08-05', source: ANTHROPIC },
  { id: 'anthropic/claude-sonnet-4@2025-08-05', provider: 'Anthropic', models: ['claude-sonnet-4-20250514', 'claude-sonnet-4-0', 'claude-sonnet-4', 'claude-3-7-sonnet*'], input: 3, cachedInput: 0.3, output: 15, asOf: '2025-08-05', source: ANTHROPIC, note: 'prompts up to 200K tokens' },
  { id: 'anthropic/claude-3-5-haiku@2025-08-05', provider: 'Anthropic', models: ['claude-3-5-haiku*'], input: 0.8, cachedInput: 0.08, output: 4, asOf: '2025-08-05', source: ANTHROPIC },
  { id: 'anthropic/claude-sonnet-4-5@2025-09-29', provider: 'Anthropic', models: ['claude-sonnet-4-5*'], input: 3, cachedInput: 0.3, output: 15, asOf: '2025-09-29', source: ANTHROPIC, note: 'prompts up to 200K tokens' },
  { id: 'anthropic/claude-haiku-4-5@2025-10-15', provider: 'Anthropic', models: ['claude-haiku-4-5*'], input: 1, cachedInput: 0.1, output: 5, asOf: '2025-10-15', source: ANTHROPIC },
  { id: 'anthropic/claude-opus-4-5@2025-11-24', provider: 'Anthropic', models: ['claude-opus-4-5*'], input: 5, cachedInput: 0.5, output: 25, asOf: '2025-11-24', source: ANTHROPIC },
  // DeepSeek's standard (non-discount) prices after 2025-02-08; DeepSeek has repriced since.
  { id: 'deepseek/deepseek-reasoner@2025-02-09', provider: 'DeepSeek', models: ['deepseek-reasoner'], input: 0.55, cachedInput: 0.14, output: 2.19, asOf: '2025-02-09', source: DEEPSEEK, note: 'DeepSeek-R1; CoT and answer billed alike' },
  { id: 'deepseek/deepseek-chat@2025-02-09', provider: 'DeepSeek', models: ['deepseek-chat'], input: 0.27, cachedInput: 0.07, output: 1.1, asOf: '2025-02-09', source: DEEPSEEK, note: 'DeepSeek-V3' },
  // Google, Gemini API paid tier, as listed when Gemini 2.5 Pro and Flash became generally available;
  // output prices include thinking tokens. Cache prices are not listed here (they changed since).
  { id: 'google/gemini-2.5-pro@2025-06-17', provider: 'Google', models: ['gemini-2.5-pro*'], input: 1.25, output: 10, asOf: '2025-06-17', source: GOOGLE, note: 'prompts up to 200K tokens' },
  { id: 'google/gemini-2.5-flash-lite@2025-06-17', provider: 'Google', models: ['gemini-2.5-flash-lite*'], input: 0.1, output: 0.4, asOf: '2025-06-17', source: GOOGLE },
  { id: 'google/gemini-2.5-flash@2025-06-17', provider: 'Google', models: ['gemini-2.5-flash'], input: 0.3, output: 2.5, asOf: '2025-06-17', source: GOOGLE },
];

/** The row for a model: caller rows first, then the defaults. */
export function priceFor(model: string | undefined, rows: readonly PriceRow[] = [], defaults: readonly PriceRow[] = defaultPriceRows): PriceRow | undefined {
  if (!model) return undefined;
  const name = normalizeModelName(model);
  for (const table of [rows, defaults]) for (const row of table) if (row.models.some((g) => globMatches(g, name))) return row;
  return undefined;
}

export interface TokenBill {
  /** Uncached input tokens. */
  input?: number;
  cachedInput?: number;
  /** Output tokens other than reasoning (answer, tool calls). */
  output?: number;
  reasoning?: number;
}

export interface Cost {
  dollars: number;
  /** The price row used (its id carries the date). */
  row: string;
  /** Whether the token numbers were reported by the file, counted by us, or estimated. */
  basis: 'reported' | 'counted' | 'estimated';
  parts: { input: number; cachedInput: number; output: number; reasoning: number };
}

export function costOf(tokens: TokenBill, row: PriceRow, basis: Cost['basis']): Cost {
  const m = 1e-6;
  const parts = {
    input: (tokens.input ?? 0) * row.input * m,
    cachedInput: (tokens.cachedInput ?? 0) * (row.cachedInput ?? row.input) * m,
    output: (tokens.output ?? 0) * row.output * m,
    reasoning: (tokens.reasoning ?? 0) * (row.reasoning ?? row.output) * m,
  };
  return { dollars: parts.input + parts.cachedInput + parts.output + parts.reasoning, row: row.id, basis, parts };
}

/** `$0.0412`, `$1.63`, `$1,630`: enough digits to tell traces apart. */
export function formatDollars(d: number): string {
  if (d === 0) return '$0';
  if (d < 0.01) return `$${d.toPrecision(2)}`;
  if (d < 1) return `$${d.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')}`;
  if (d < 100) return `$${d.toFixed(2)}`;
  return `$${Math.round(d).toLocaleString('en-US')}`;
}
