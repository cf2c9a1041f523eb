import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesOf, read, readText } from './helpers';

test('Responses API object: reasoning summary, encrypted reasoning, answer, reported reasoning tokens', async () => {
  const { reader, records, problems } = await read('openai-reasoning-encrypted-content.1.json');
  assert.equal(reader?.id, 'openai');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 1);
  const r = records[0];
  assert.equal(r.model, 'gpt-5-mini-2025-08-07');
  assert.equal(r.thinkingKind, 'summary');
  assert.ok(r.thinking.startsWith('**Reporting final result**'));
  assert.equal(r.encryptedReasoning, true);
  assert.equal(r.answer, '12 + 7 = 19\n19 × 3 = 57\n57 × 10 = 570\n\nFinal result: 570');
  assert.deepEqual(r.usage, { input: 865, cachedInput: 0, output: 163, reasoning: 128, total: 1028 });
  // The file starts with a blank line: the object begins on line 2, at byte 1.
  assert.equal(r.line, 2);
  assert.equal(r.byteStart, 1);
  assert.ok(bytesOf('openai-reasoning-encrypted-content.1.json', r.byteStart, r.byteEnd).startsWith('{'));
  assert.ok(bytesOf('openai-reasoning-encrypted-content.1.json', r.byteStart, r.byteEnd).endsWith('}'));
});

test('Azure Responses object reads the same way', async () => {
  const { records } = await read('azure-reasoning-encrypted-content.1.json');
  assert.equal(records[0].model, 'gpt-5-mini');
  assert.equal(records[0].usage?.reasoning, 64);
});

test('Chat Completions object without reasoning', async () => {
  const { reader, records } = await read('openai-text.json');
  assert.equal(reader?.id, 'openai');
  const r = records[0];
  assert.equal(r.thinking, '');
  assert.equal(r.thinkingKind, 'none');
  assert.ok(r.answer.startsWith('**Holiday Name:** Galaxy Day'));
  assert.equal(r.finishReason, 'stop');
  assert.deepEqual(r.usage, { input: 16, cachedInput: 0, output: 363, reasoning: 0, total: 379 });
});

test('Batch API output: custom ids, failed requests and cut-off lines reported, reading goes on', async () => {
  const { reader, records, problems } = await read('openai-batch-output.jsonl');
  assert.equal(reader?.id, 'openai');
  assert.deepEqual(records.map((r) => r.id), ['gsm8k-0017', 'gsm8k-0018', 'gsm8k-0021']);
  assert.deepEqual(records.map((r) => r.line), [1, 2, 5]);
  assert.equal(records[0].usage?.reasoning, 320);
  assert.equal(records[0].usage?.cachedInput, 16);
  assert.equal(records[2].truncated, true, 'finish_reason length');
  assert.deepEqual(problems.map((p) => [p.line, p.code]), [[3, 'trace/request-failed'], [4, 'trace/bad-json']]);
  assert.ok(problems[1].column > 1, 'the bad-JSON problem points into the line');
});

test('streamed chat.completion.chunk lines (SSE data: lines) join into one completion', async () => {
  const { reader, records, problems } = await read('deepseek-stream.jsonl');
  assert.equal(reader?.id, 'open-models');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 1);
  const r = records[0];
  assert.equal(r.thinking, 'We need 17 × 23.\n\n17 × 20 = 340, 17 × 3 = 51, so 391.\n\nWait, let me double-check: 23 × 17 = 391. Yes.');
  assert.equal(r.answer, '17 × 23 = **391**');
  assert.equal(r.line, 1);
  assert.equal(r.endLine, 13);
  assert.equal(r.usage?.reasoning, 36);
});

test('n > 1 choices become one record each; tool calls are kept', async () => {
  const obj = {
    id: 'c1',
    object: 'chat.completion',
    model: 'gpt-4o',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'A' }, finish_reason: 'stop' },
      { index: 1, message: { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'add', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' },
    ],
  };
  const { records } = await readText('x.jsonl', JSON.stringify(obj));
  assert.deepEqual(records.map((r) => r.id), ['c1#0', 'c1#1']);
  assert.deepEqual(records[1].toolCalls, [{ name: 'add', input: '{"a":1}' }]);
  assert.equal(records[1].finishReason, 'tool_calls');
  assert.equal(records[0].usage, undefined, 'usage of several choices is not split between them');
});

test('malformed input: every problem is located and good lines still read', async () => {
  const { records, problems } = await read('malformed.jsonl');
  assert.deepEqual(records.map((r) => r.id), ['ok-1', 'ok-2']);
  assert.deepEqual(problems.map((p) => [p.line, p.code]), [[2, 'trace/bad-json'], [3, 'trace/not-an-object'], [6, 'trace/unrecognized']]);
  assert.equal(records[1].truncated, true);
});
