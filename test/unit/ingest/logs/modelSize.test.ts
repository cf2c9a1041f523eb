import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigIndex } from '../../../../src/core/ingest/sweep/configIndex';
import { countParameters, deriveModelSize, kaplanApproximation, sizeFromName } from '../../../../src/core/ingest/sweep/modelSize';

const index = (c: Record<string, number | string | boolean | null>) => new ConfigIndex(c, {});

// Published parameter counts of released checkpoints (sum of tensor sizes in their weights).
test('architecture counts match GPT-2 small, Pythia-160M, Llama-2-7B and Llama-3-8B exactly', () => {
  const gpt2 = countParameters(index({ model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, vocab_size: 50257, n_positions: 1024, n_ctx: 1024, n_inner: null }))!;
  assert.equal(gpt2.total, 124_439_808);
  assert.equal(gpt2.exact, true);
  assert.equal(gpt2.nonEmbedding, 124_439_808 - 50257 * 768 - 1024 * 768);

  const pythia = countParameters(index({ model_type: 'gpt_neox', hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, vocab_size: 50304, tie_word_embeddings: false, max_position_embeddings: 2048 }))!;
  assert.equal(pythia.total, 162_322_944);

  const llama2 = countParameters(index({ model_type: 'llama', hidden_size: 4096, intermediate_size: 11008, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 32, vocab_size: 32000, tie_word_embeddings: false }))!;
  assert.equal(llama2.total, 6_738_415_616);
  assert.equal(llama2.exact, true);

  // Grouped-query attention: 8 key/value heads.
  const llama3 = countParameters(index({ architectures: '["LlamaForCausalLM"]', hidden_size: 4096, intermediate_size: 14336, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, vocab_size: 128256, tie_word_embeddings: false }))!;
  assert.equal(llama3.total, 8_030_261_248);
});

test('a bare config (layers, width, vocabulary) is counted with its assumptions stated, next to 12·L·d²', () => {
  const c = index({ n_layer: 12, d_model: 768, vocab_size: 50257 });
  const count = countParameters(c)!;
  assert.equal(count.exact, false);
  assert.ok(count.assumptions.some((a) => /4·d/.test(a)));
  assert.equal(kaplanApproximation(12, 768), 84_934_656);
  // The exact-count formula without biases and norms is 12·L·d²; biases and norms add a little.
  assert.ok(count.nonEmbedding > kaplanApproximation(12, 768) && count.nonEmbedding < kaplanApproximation(12, 768) * 1.01);
  const { N } = deriveModelSize(c, [], 'non-embedding');
  assert.equal(N.method, 'architecture-approx');
  assert.ok(N.alternatives!.some((a) => a.value === 84_934_656 && /12·L·d²/.test(a.how)));
});

test('sizes in names: 160m, 1.3B, 7b; not steps (10k) or dates', () => {
  assert.equal(sizeFromName('pythia-160m-deduped')?.value, 160e6);
  assert.equal(sizeFromName('run_1.3B_lr3e-4')?.value, 1.3e9);
  assert.equal(sizeFromName('llama-7b')?.value, 7e9);
  assert.equal(sizeFromName('run-20230329_020146-ruzz7bps'), undefined);
  assert.equal(sizeFromName('gpt-10k-steps'), undefined);
  assert.deepEqual(sizeFromName('gpt-160m-20b')?.others, ['20b']);
});

test('an explicit count wins over the architecture, which stays as an alternative', () => {
  const c = index({ n_params: '160M', n_layer: 12, d_model: 768 });
  const { N } = deriveModelSize(c, ['x-70m'], 'total');
  assert.equal(N.value, 160e6);
  assert.equal(N.method, 'config');
  assert.ok(N.alternatives!.some((a) => a.method === 'name' && a.value === 70e6));
  const none = deriveModelSize(index({ lr: 0.1 }), ['run-a'], 'total');
  assert.equal(none.N.value, null);
  assert.match(none.N.how, /\.scaling-lens\.json/);
});
