import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterFor } from '../../../src/core/tokens/counters';
import { CountCache, contentHash } from '../../../src/core/tokens/countCache';
import { defaultModelRules, normalizeModelName, tokenizerForModel } from '../../../src/core/tokens/models';
import { costOf, defaultPriceRows, formatDollars, priceFor } from '../../../src/core/tokens/prices';
import { loadTokenizer } from '../../../src/core/tokens/bundled';

test('model names choose their tokenizer family', () => {
  const cases: [string, string | undefined][] = [
    ['gpt-4o-2024-08-06', 'o200k_base'],
    ['openai/gpt-4.1-mini', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['o1-preview', 'o200k_base'],
    ['gpt-5-mini-2025-08-07', 'o200k_base'],
    ['gpt-4-0613', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['deepseek-reasoner', 'deepseek_r1'],
    ['deepseek-ai/DeepSeek-R1', 'deepseek_r1'],
    ['deepseek-ai/DeepSeek-V3', 'deepseek_v3'],
    ['deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', 'qwen3'],
    ['deepseek-ai/DeepSeek-R1-Distill-Llama-70B', 'llama3'],
    ['Qwen/Qwen3-32B', 'qwen3'],
    ['Qwen/QwQ-32B', 'qwen3'],
    ['Qwen/Qwen2.5-Math-7B-Instruct', 'qwen2.5'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama3'],
    ['claude-sonnet-4-5-20250929', 'estimate:claude'],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'estimate:claude'],
    ['gemini-2.5-pro', 'estimate:gemini'],
    // Ollama tags of DeepSeek-R1 below 671b are the distills.
    ['deepseek-r1:7b', 'qwen3'],
    ['deepseek-r1:70b', 'llama3'],
    ['deepseek-r1:671b', 'deepseek_r1'],
    ['mistral-large', undefined],
  ];
  for (const [model, expected] of cases) assert.equal(tokenizerForModel(model)?.tokenizer, expected, model);
});

test('user rules come first', () => {
  const rules = [{ match: 'gpt-4o*', tokenizer: 'cl100k_base' }, ...defaultModelRules];
  assert.equal(tokenizerForModel('gpt-4o', rules)?.tokenizer, 'cl100k_base');
  assert.equal(normalizeModelName('  Qwen/Qwen3-8B '), 'qwen3-8b');
});

test('Claude counts are estimates and say so', () => {
  const c = counterFor('estimate:claude');
  assert.equal(c.exact, false);
  assert.match(c.title, /estimate/);
  assert.equal(c.count('hello world, this is a test'), Math.round(loadTokenizer('o200k_base').count('hello world, this is a test') * 1.25));
  assert.equal(counterFor('estimate:claude@2').count('hello'), 2 * loadTokenizer('o200k_base').count('hello'));
  assert.equal(counterFor('o200k_base').exact, true);
  assert.throws(() => counterFor('nope'), /Unknown tokenizer/);
  assert.throws(() => counterFor('estimate:nope'), /Unknown tokenizer/);
  assert.throws(() => counterFor('estimate:constructor'), /Unknown tokenizer/);
  // Gemini: the o200k count, marked as an estimate.
  const g = counterFor('estimate:gemini');
  assert.equal(g.exact, false);
  assert.match(g.title, /^Gemini \(estimate/);
  assert.equal(g.count('hello world, this is a test'), loadTokenizer('o200k_base').count('hello world, this is a test'));
});

test('every price row names its source and the date its prices were published', () => {
  for (const row of defaultPriceRows) {
    assert.match(row.source, /^https:\/\//, row.id);
    assert.match(row.asOf, /^\d{4}-\d{2}-\d{2}$/, row.id);
    assert.ok(row.id.endsWith(`@${row.asOf}`), row.id);
    assert.ok(row.input >= 0 && row.output > 0, row.id);
  }
});

test('prices: lookup by model, caller rows first, and every cost names its row', () => {
  assert.equal(priceFor('gpt-4o-2024-08-06')?.id, 'openai/gpt-4o@2025-08-07');
  assert.equal(priceFor('gpt-4o-mini')?.id, 'openai/gpt-4o-mini@2025-08-07');
  assert.equal(priceFor('claude-opus-4-1-20250805')?.provider, 'Anthropic');
  assert.equal(priceFor('some-new-model'), undefined);
  const mine = [{ id: 'mine/gpt-4o@2026-01-01', provider: 'me', models: ['gpt-4o'], input: 1, output: 2, asOf: '2026-01-01', source: 'https://example.com' }];
  assert.equal(priceFor('gpt-4o', mine)?.id, 'mine/gpt-4o@2026-01-01');
  const row = priceFor('gpt-4o')!;
  const cost = costOf({ input: 1_000_000, cachedInput: 1_000_000, output: 1_000_000, reasoning: 1_000_000 }, row, 'reported');
  assert.equal(cost.row, row.id);
  assert.equal(cost.dollars, 2.5 + 1.25 + 10 + 10);
  assert.equal(formatDollars(0.041), '$0.041');
  assert.equal(formatDollars(1630.2), '$1,630');
  assert.equal(formatDollars(0.0012), '$0.0012');
});

test('the content-hash cache returns the same count and counts hits', () => {
  const cache = new CountCache();
  const o = loadTokenizer('o200k_base');
  const text = 'A sentence long enough to be worth caching, repeated. '.repeat(30);
  assert.equal(cache.count(o, text), o.count(text));
  assert.equal(cache.count(o, text), o.count(text));
  assert.equal(cache.hits, 1);
  assert.notEqual(contentHash('abc'), contentHash('abd'));
  assert.equal(cache.count(o, text, { specials: 'text' }), o.count(text));
  assert.equal(cache.misses, 2);
});
