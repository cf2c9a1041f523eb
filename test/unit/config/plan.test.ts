import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTrainingConfig } from '../../../src/core/config/analyze';
import { configFormatOf, parseConfig } from '../../../src/core/config/document';
import { derivePlan, type PlanOptions } from '../../../src/core/config/plan';
import { fixture } from './support';

function planOf(name: string, options: PlanOptions = {}) {
  const format = configFormatOf(name)!;
  return derivePlan(parseConfig(fixture(name), format), options);
}

const close = (actual: number | null, expected: number, what: string) => {
  assert.ok(actual !== null && Math.abs(actual / expected - 1) < 1e-12, `${what}: ${actual} vs ${expected}`);
};

test('examples/configs/train.yaml (HF TrainingArguments + model shape): every number by hand', () => {
  const text = readFileSync(join(__dirname, '../../../examples/configs/train.yaml'), 'utf8');
  const p = derivePlan(parseConfig(text, 'yaml'));
  // GPT-2-style block (no model type), d = 2048, 24 layers, MLP 4d, biases, LayerNorm, tied embeddings:
  // per layer 4d² + 4d (attention) + 2·d·4d + 4d + d (MLP) + 2·2d (norms) = 50,358,272; + final norm 2d.
  const nonEmbedding = 24 * (4 * 2048 ** 2 + 4 * 2048 + 2 * 2048 * 8192 + 8192 + 2048 + 4 * 2048) + 2 * 2048;
  assert.equal(nonEmbedding, 1_208_602_624);
  assert.equal(p.N.value, nonEmbedding + 50304 * 2048);
  assert.equal(p.N.method, 'architecture-approx');
  assert.deepEqual([...p.N.keys].sort(), ['model.hidden_size', 'model.n_heads', 'model.n_layers', 'model.vocab_size']);
  assert.equal(p.nonEmbeddingN.value, nonEmbedding);
  assert.equal(p.N.alternatives?.[0].method, 'name');
  assert.equal(p.N.alternatives?.[0].value, 1.3e9);
  // 16 per device × 8 accumulation × 8 processes = 1024 sequences of 2048 tokens, for 12,000 steps.
  assert.equal(p.batchSequences.value, 1024);
  assert.equal(p.batchTokens.value, 1024 * 2048);
  assert.equal(p.D.value, 12000 * 1024 * 2048);
  assert.deepEqual(p.D.keys, ['training.max_steps', 'training.per_device_train_batch_size', 'training.gradient_accumulation_steps', 'training.world_size', 'training.seq_length']);
  close(p.C.value, 6 * p.N.value! * 12000 * 1024 * 2048, 'C');
  assert.equal(p.lr.value, 3e-4);
  close(p.gpuHours.value, p.C.value! / 4e14 / 3600, 'GPU-hours');
  close(p.wallClockHours.value, p.C.value! / 4e14 / 3600 / 8, 'wall clock');
  assert.deepEqual(p.schedule?.spec, { kind: 'cosine', steps: 12000, peakLr: 3e-4, warmup: 500, minLr: 0 });
  assert.equal(p.targets.size.kind, 'architecture');
  assert.equal(p.targets.tokens.kind, 'steps');
  assert.equal(p.targets.batch.kind === 'factor' && p.targets.batch.key.path, 'training.gradient_accumulation_steps');
  assert.ok(isTrainingConfig(p));
});

test('Hugging Face config.json + TrainingArguments (JSON): TinyLlama counts to its published 1,100,048,384', () => {
  const p = planOf('hf-tinyllama.json');
  assert.equal(p.N.value, 1_100_048_384);
  assert.equal(p.N.method, 'architecture');
  // Llama layout: q and o d×d, k and v d×(4 heads × 64), SwiGLU 3·d·5632, two RMSNorms per layer, one final.
  const perLayer = 2 * 2048 * 2048 + 2 * 2048 * 256 + 3 * 2048 * 5632 + 2 * 2048;
  assert.equal(p.nonEmbeddingN.value, 22 * perLayer + 2048);
  // max_steps wins over num_train_epochs, as in the Trainer.
  assert.equal(p.steps.value, 50000);
  assert.equal(p.batchSequences.value, 8 * 4 * 16);
  assert.equal(p.seqLen.value, 2048);
  assert.equal(p.D.value, 50000 * 512 * 2048);
  assert.equal(p.lr.value, 4e-4);
  close(p.throughput.value, 3.12e14 * 0.45, 'throughput');
  close(p.gpuHours.value, (6 * 1_100_048_384 * 50000 * 512 * 2048) / (3.12e14 * 0.45) / 3600, 'GPU-hours');
  assert.equal(p.schedule?.spec.warmup, 500);
  // Grouped-query attention: a width edit must keep the heads a multiple of the 4 KV heads.
  assert.equal(p.targets.size.kind === 'architecture' && p.targets.size.kvHeads, 4);
});

test('torchtitan TOML: flavor gives N, the [validation] steps are not the training length, the GPU count comes from settings', () => {
  const p = planOf('torchtitan-llama3-8b.toml');
  assert.equal(p.N.value, 8e9);
  assert.equal(p.N.method, 'name');
  assert.deepEqual(p.N.keys, ['model.flavor']);
  assert.equal(p.steps.value, 1000);
  assert.deepEqual(p.steps.keys, ['training.steps']);
  assert.equal(p.dataParallel.method, 'assumed');
  assert.match(p.dataParallel.how, /data_parallel_shard_degree = -1/);
  assert.equal(p.D.value, 1000 * 1 * 8192);
  assert.equal(p.lr.value, 3e-4);
  assert.equal(p.targets.size.kind, 'none');
  assert.match(p.targets.size.kind === 'none' ? p.targets.size.why : '', /name/);
  assert.equal(p.fineTuning, false);

  const on64 = planOf('torchtitan-llama3-8b.toml', { inputs: { devices: 64 } });
  assert.equal(on64.dataParallel.value, 64);
  assert.equal(on64.batchSequences.value, 64);
  assert.equal(on64.D.value, 1000 * 64 * 8192);
  assert.equal(on64.devices.method, 'input');
});

test('Megatron-LM YAML: train_samples × seq_length, the global batch, and the architecture from Megatron flags', () => {
  const p = planOf('megatron-gpt.yaml');
  assert.equal(p.D.value, 268554688 * 4096);
  assert.equal(p.D.method, 'product');
  assert.equal(p.batchSequences.value, 128);
  assert.equal(p.steps.value, 268554688 / 128);
  assert.equal(p.lr.value, 2.5e-4);
  // swiglu + LayerNorm + no linear bias, untied, MLP 4h·2/3 → 2688: per layer 4h² + 3·h·2688 + 2·2h, final norm 2h.
  const nonEmbedding = 24 * (4 * 1024 ** 2 + 3 * 1024 * 2688 + 4 * 1024) + 2 * 1024;
  assert.equal(p.nonEmbeddingN.value, nonEmbedding);
  assert.equal(p.N.value, nonEmbedding + 2 * 32000 * 1024);
  assert.equal(p.N.method, 'architecture-approx');
  assert.match(p.N.how, /Megatron/);
  assert.equal(p.targets.tokens.kind, 'samples');
  assert.equal(p.targets.batch.kind, 'global');
  assert.deepEqual(p.schedule?.spec, { kind: 'cosine', steps: 2098084, peakLr: 2.5e-4, warmup: 0, minLr: 2.5e-5 });
});

test('NeMo YAML: devices × nodes over tensor parallel, interpolated sequence length, optim.sched', () => {
  const p = planOf('nemo-gpt.yaml');
  assert.equal(p.devices.value, 16);
  assert.equal(p.dataParallel.value, 8);
  assert.equal(p.batchSequences.value, 512);
  assert.equal(p.seqLen.value, 2048);
  assert.match(p.seqLen.how, /\$\{model\.encoder_seq_length\} → model\.encoder_seq_length/);
  assert.deepEqual(p.seqLen.keys, ['model.data.seq_length', 'model.encoder_seq_length']);
  assert.equal(p.D.value, 50000 * 512 * 2048);
  assert.equal(p.lr.value, 2e-4);
  // No vocabulary in the config: embeddings are not counted, and it says so.
  assert.equal(p.N.value, 1_208_602_624);
  assert.match(p.N.how, /no vocabulary size/);
  assert.equal(p.schedule?.spec.kind, 'cosine');
  assert.equal(p.schedule?.spec.warmup, 500);
  assert.equal(p.schedule?.spec.kind === 'cosine' && p.schedule.spec.minLr, 2e-5);
  assert.ok(p.recognised.some((r) => r.path === 'model.encoder_seq_length'));
});

test('axolotl: a hub model in base_model, epochs without a dataset size — tokens unknown, and it says why', () => {
  const p = planOf('axolotl-qwen.yml');
  assert.equal(p.N.value, 7e9);
  assert.equal(p.N.method, 'name');
  assert.equal(p.fineTuning, true);
  assert.equal(p.seqLen.value, 4096);
  assert.equal(p.batchSequences.value, 8);
  assert.equal(p.D.value, null);
  assert.match(p.D.how, /num_epochs = 3/);
  assert.equal(p.C.value, null);
  assert.equal(p.lr.value, 2e-5);
  assert.ok(isTrainingConfig(p));

  const pre = planOf('axolotl-pretrain.yaml');
  assert.equal(pre.N.value, 1e9);
  assert.equal(pre.D.value, 10000 * 4 * 8 * 512);
  assert.equal(pre.lr.value, 3e-4);
});

test('a user mapping names keys no trainer uses, and wins over the names it knows', () => {
  const text = ['trainer:', '  total_updates: 2000', '  batch_size: 99', 'shape:', '  params_b: 1.5e9', 'batching:', '  tokens_each_update: 4_000_000', 'opt:', '  peak: 1.0e-3'].join('\n');
  const config = parseConfig(text, 'yaml');
  const p = derivePlan(config, { mapping: { steps: 'trainer.total_updates', params: 'shape.params_b', tokensPerStep: 'batching.tokens_each_update', lr: 'opt.peak', seqLen: 'nowhere.seq' } });
  assert.equal(p.N.value, 1.5e9);
  assert.equal(p.N.method, 'mapped');
  assert.equal(p.steps.value, 2000);
  assert.equal(p.steps.method, 'mapped');
  // YAML 1.2 reads 4_000_000 as text; PyYAML reads an integer, and so does Scaling Lens.
  assert.equal(p.batchTokens.value, 4e6);
  assert.equal(p.D.value, 2000 * 4e6);
  assert.equal(p.lr.value, 1e-3);
  assert.ok(p.notes.some((n) => n.includes('nowhere.seq')));
});

test('not a training config: a CI workflow is recognised as nothing', () => {
  const p = derivePlan(parseConfig('name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n', 'yaml'));
  assert.equal(isTrainingConfig(p), false);
});
