import type { TokenCounter } from './bpe';
import { isBundledTokenizerId, loadTokenizer, loadTokenizerFile } from './bundled';
import { claudeEstimate, CLAUDE_ESTIMATE_FACTOR } from './estimate';

/**
 * Resolves a tokenizer id as the model table and settings name them: a bundled id
 * (`o200k_base`, `qwen3`, ...), `file:<path to tokenizer.json>`, or `estimate:claude`
 * (optionally `estimate:claude@1.3` for another factor).
 */
export function counterFor(id: string): TokenCounter {
  if (isBundledTokenizerId(id)) return loadTokenizer(id);
  if (id.startsWith('file:')) return loadTokenizerFile(id.slice(5));
  if (id === 'estimate:claude' || id.startsWith('estimate:claude@')) {
    const factor = id.includes('@') ? Number(id.slice(id.indexOf('@') + 1)) : CLAUDE_ESTIMATE_FACTOR;
    if (!(factor > 0)) throw new Error(`Bad estimate factor in '${id}'.`);
    return estimates.get(factor) ?? remember(factor);
  }
  throw new Error(`Unknown tokenizer '${id}'.`);
}

const estimates = new Map<number, TokenCounter>();

function remember(factor: number): TokenCounter {
  const e = claudeEstimate(factor);
  estimates.set(factor, e);
  return e;
}
