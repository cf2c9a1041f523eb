import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectTraceReader } from '../../../../src/core/ingest/traces/index';
import { fixture } from './helpers';

test('each fixture is detected as its format', () => {
  const expected: Record<string, string> = {
    'anthropic-batch-results.jsonl': 'anthropic',
    'anthropic-claude-opus-5-reasoning-high.1.json': 'anthropic',
    'anthropic-clear-thinking.1.chunks.txt': 'anthropic',
    'anthropic-stream.sse': 'anthropic',
    'azure-reasoning-encrypted-content.1.json': 'openai',
    'openai-reasoning-encrypted-content.1.json': 'openai',
    'openai-text.json': 'openai',
    'openai-batch-output.jsonl': 'openai',
    'deepseek-stream.jsonl': 'open-models',
    'vllm-completions.jsonl': 'open-models',
    'open-model-native.jsonl': 'open-models',
    'dataset-messages.jsonl': 'dataset',
    'dataset-fields.json': 'dataset',
    'dataset-generations.jsonl': 'dataset',
    'traces.md': 'plain-text',
  };
  for (const [name, reader] of Object.entries(expected)) {
    const head = readFileSync(fixture(name), 'utf8').slice(0, 8192);
    assert.equal(detectTraceReader(name, head)?.reader.id, reader, name);
  }
});

test('run logs and unrelated files are not taken for traces', () => {
  assert.equal(detectTraceReader('runs.jsonl', '{"step": 1, "loss": 2.3, "lr": 0.001}\n{"step": 2, "loss": 2.1, "lr": 0.001}\n'), undefined);
  assert.equal(detectTraceReader('data.csv', 'a,b\n1,2\n'), undefined);
});
