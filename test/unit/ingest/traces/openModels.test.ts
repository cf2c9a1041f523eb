import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileSource } from '../../../../src/core/ingest/source';
import { readAllTraces } from '../../../../src/core/ingest/traces/index';
import { read, readText } from './helpers';

test("the repo's examples/traces/traces.jsonl (DeepSeek chat completions with reasoning_content) reads", async () => {
  const path = join(__dirname, '..', '..', '..', '..', 'examples', 'traces', 'traces.jsonl');
  const { reader, records, problems } = await readAllTraces(fileSource(path, 'examples/traces/traces.jsonl'));
  assert.equal(reader?.id, 'open-models');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 12);
  const r = records[0];
  assert.equal(r.id, 'trace-001');
  assert.equal(r.problemId, 'arith-001');
  assert.equal(r.model, 'deepseek-reasoner');
  assert.equal(r.reference, '3512');
  assert.ok(r.thinking.startsWith('We need 91 × 36 + 236.'));
  assert.equal(r.answer, '91 × 36 = 3276, plus 236 gives \\boxed{3512}.');
  const cut = records.find((x) => x.id === 'trace-008')!;
  assert.equal(cut.truncated, true, 'trace-008 stops at the length limit');
});

test('raw generations keep their chat template; unclosed <think> is a finding, not an error', async () => {
  const { reader, records, problems } = await read('vllm-completions.jsonl');
  assert.equal(reader?.id, 'open-models');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => r.problemId), ['aime-3', 'aime-3', 'aime-3']);
  const [a, b, c] = records;
  assert.equal(a.thinking, 'Okay, 2 plus 3. That gives 5.\n\nWait, let me verify: 3 + 2 = 5. Yes.', 'a lone </think>: the prompt opened the block');
  assert.equal(a.answer, 'The answer is $\\boxed{5}$.');
  assert.deepEqual(a.templateTokens, ['<｜end▁of▁sentence｜>']);
  assert.equal(b.answer, '\\boxed{5}');
  assert.equal(c.unclosedThink, true);
  assert.equal(c.truncated, true);
  assert.equal(c.answer, '');
  assert.equal(c.thinking, 'We add the numbers. Perhaps I should consider');
});

test('vLLM RequestOutput, SGLang /generate and TGI /generate shapes', async () => {
  const { records, problems } = await read('open-model-native.jsonl');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => r.id), ['0#0', '0#1', 'f3a9', '#4']);
  assert.deepEqual(records[0].usage, { output: 19, input: 6 });
  assert.equal(records[0].answer, 'x = 2');
  assert.equal(records[0].problemId, records[1].problemId, 'outputs of one prompt share a problem');
  assert.equal(records[2].usage?.output, 17);
  assert.equal(records[2].finishReason, 'stop');
  assert.equal(records[3].answer, '3');
  assert.equal(records[3].finishReason, 'stop');
});

test('reasoning in the `reasoning` field (OpenRouter, newer vLLM) and <think> in content', async () => {
  const lines = [
    { id: 'r1', object: 'chat.completion', model: 'qwen/qwen3-32b', choices: [{ index: 0, message: { role: 'assistant', content: 'Yes.', reasoning: 'Check the claim.' }, finish_reason: 'stop' }] },
    { id: 'r2', object: 'chat.completion', model: 'Qwen/QwQ-32B', choices: [{ index: 0, message: { role: 'assistant', content: '<think>\nThink first.\n</think>\n\nDone.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } },
  ];
  const { reader, records } = await readText('q.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
  assert.equal(reader?.id, 'open-models');
  assert.equal(records[0].thinking, 'Check the claim.');
  assert.equal(records[1].thinking, 'Think first.');
  assert.equal(records[1].answer, 'Done.');
});

test('FastChat model answers (MT-Bench, Arena-Hard, LiveBench): the last turn is the output, model_id picks the tokenizer', async () => {
  const { records, problems } = await read('fastchat-answers.jsonl');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => [r.id, r.model]), [['aB3dE5fG7hI9', 'deepseek-r1'], ['cD4eF6gH8iJ0', 'deepseek-r1']]);
  assert.equal(records[0].thinking, "The user asks for 2+2. Wait, that's 4.");
  assert.equal(records[0].answer, '**Answer:** 4');
  assert.deepEqual([records[1].thinking, records[1].answer], ['Second turn. Hmm.', 'Second answer.']);
  assert.equal(records[1].problemId, '1b5d0e');
});
