import type { CountOptions, PieceSink, TokenCounter } from './bpe';
import { loadTokenizer } from './bundled';

/**
 * Claude's tokenizer is not public, so counts for Claude text are estimates: the o200k count
 * scaled by a factor. Anthropic's tokenizers have produced more tokens than OpenAI's for the same
 * English text (by roughly a fifth to a third in public comparisons, more for code); 1.25 sits in
 * that range. Callers prefer the usage a file reports and label these numbers as estimates
 * wherever they show.
 */
export class ScaledEstimate implements TokenCounter {
  readonly exact = false;
  constructor(
    readonly id: string,
    readonly title: string,
    private readonly base: TokenCounter,
    readonly factor: number,
  ) {}

  count(text: string, options?: CountOptions): number {
    return Math.round(this.base.count(text, options) * this.factor);
  }

  countAt(text: string, positions: ArrayLike<number>, out: Int32Array | number[], options?: CountOptions, sink?: PieceSink): number {
    const total = this.base.countAt(text, positions, out, options, sink);
    for (let i = 0; i < positions.length; i++) out[i] = Math.round(out[i] * this.factor);
    return Math.round(total * this.factor);
  }
}

export const CLAUDE_ESTIMATE_FACTOR = 1.25;

/**
 * Model families without a public tokenizer, and the factor on the o200k count that estimates
 * theirs. Gemini's tokenizer is not published either (Gemma's, which is, is a different model's);
 * with no public comparison to cite, its estimate is the o200k count unscaled.
 */
export const ESTIMATED_FAMILIES: Readonly<Record<string, { title: string; factor: number }>> = {
  claude: { title: 'Claude', factor: CLAUDE_ESTIMATE_FACTOR },
  gemini: { title: 'Gemini', factor: 1 },
};

/** How an estimate names itself wherever its counts show. */
export function estimateTitle(family: string, factor = ESTIMATED_FAMILIES[family]?.factor ?? 1): string {
  return `${ESTIMATED_FAMILIES[family]?.title ?? family} (estimate: o200k${factor === 1 ? ' count' : ` × ${factor}`})`;
}

export function familyEstimate(family: string, factor = ESTIMATED_FAMILIES[family]?.factor ?? 1): ScaledEstimate {
  return new ScaledEstimate(`estimate:${family}`, estimateTitle(family, factor), loadTokenizer('o200k_base'), factor);
}

export function claudeEstimate(factor = CLAUDE_ESTIMATE_FACTOR): ScaledEstimate {
  return familyEstimate('claude', factor);
}
