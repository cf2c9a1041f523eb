import type { TokenCounter } from './bpe';
import { isBundledTokenizerId, loadTokenizer, loadTokenizerFile } from './bundled';
import { ESTIMATED_FAMILIES, familyEstimate } from './estimate';

/**
 * Resolves a tokenizer id as the model table and settings name them: a bundled id
 * (`o200k_base`, `qwen3`, ...), `file:<path to tokenizer.json>`, or `estimate:claude` /
 * `estimate:gemini` (optionally `estimate:claude@1.3` for another factor).
 */
export function counterFor(id: string): TokenCounter {
  if (isBundledTokenizerId(id)) return loadTokenizer(id);
  if (id.startsWith('file:')) return loadTokenizerFile(id.slice(5));
  const m = /^estimate:([a-z]+)(?:@(.*))?$/.exec(id);
  // Own keys only: `estimate:constructor` is not a family.
  if (m && Object.hasOwn(ESTIMATED_FAMILIES, m[1])) {
    const factor = m[2] !== undefined ? Number(m[2]) : ESTIMATED_FAMILIES[m[1]].factor;
    if (!(factor > 0)) throw new Error(`Bad estimate factor in '${id}'.`);
    const key = `${m[1]}@${factor}`;
    let e = estimates.get(key);
    if (!e) estimates.set(key, (e = familyEstimate(m[1], factor)));
    return e;
  }
  throw new Error(`Unknown tokenizer '${id}'.`);
}

const estimates = new Map<string, TokenCounter>();
