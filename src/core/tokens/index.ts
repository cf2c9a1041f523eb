/** Tokenizers, the model → tokenizer table, and prices. */
export { BpeTokenizer, type CountOptions, type PieceSink, type TokenCounter } from './bpe';
export { bundledTokenizers, isBundledTokenizerId, loadTokenizer, loadTokenizerFile, unloadTokenizers, type BundledTokenizerId, type BundledTokenizerInfo } from './bundled';
export { counterFor } from './counters';
export { CountCache, contentHash } from './countCache';
export { claudeEstimate, CLAUDE_ESTIMATE_FACTOR, ESTIMATED_FAMILIES, estimateTitle, familyEstimate, ScaledEstimate } from './estimate';
export { findCachedTokenizers, huggingFaceHubDir, rulesForCachedTokenizers, type CachedTokenizerFile } from './hfCache';
export { defaultModelRules, normalizeModelName, tokenizerForModel, type ModelRule, type TokenizerChoice } from './models';
export { costOf, defaultPriceRows, formatDollars, priceFor, type Cost, type PriceRow, type TokenBill } from './prices';
export { getVocabDir, setVocabDir } from './vocab';
export { getTableCacheDir, setTableCacheDir } from './tableCache';
