import { test } from 'node:test';
import assert from 'node:assert/strict';
import { read, readText } from './helpers';

test('Messages response with a thinking block and reported thinking tokens', async () => {
  const { reader, records } = await read('anthropic-claude-opus-5-reasoning-high.1.json');
  assert.equal(reader?.id, 'anthropic');
  const r = records[0];
  assert.equal(r.model, 'claude-opus-5');
  assert.ok(r.thinking.startsWith('I need to find all roots'));
  assert.equal(r.thinkingKind, 'summary', 'Claude 4+ returns summarised thinking');
  assert.ok(r.answer.startsWith('## Step 1: Set up the problem'));
  assert.deepEqual(r.usage, { input: 51, cachedInput: 0, output: 1699, reasoning: 139, total: 1750 });
  assert.equal(r.line, 1);
  assert.equal(r.endLine, 35);
});

test('streamed events, one JSON per line, rebuild the message', async () => {
  const { reader, records, problems } = await read('anthropic-clear-thinking.1.chunks.txt');
  assert.equal(reader?.id, 'anthropic');
  assert.deepEqual(problems, []);
  const r = records[0];
  assert.equal(r.thinking, 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
  assert.equal(r.answer, '925 ÷ 5 = 185');
  assert.deepEqual(r.usage, { input: 69, cachedInput: 0, output: 53, total: 122 });
  assert.equal(r.endLine, 22);
});

test('server-sent events: thinking, text and a tool call with streamed JSON input', async () => {
  const { records, problems } = await read('anthropic-stream.sse');
  assert.deepEqual(problems, []);
  const r = records[0];
  assert.equal(r.thinkingKind, 'raw', 'Claude 3.7 returns its full thinking');
  assert.equal(r.thinking, 'Hmm, 27 is 3 cubed, so the cube root is 3.');
  assert.equal(r.answer, 'The cube root of 27 is 3.');
  assert.deepEqual(r.toolCalls, [{ name: 'calculator', input: '{"expr": "27 ** (1/3)"}' }]);
  assert.equal(r.finishReason, 'tool_calls');
  assert.equal(r.usage?.output, 61);
});

test('message batch results: redacted thinking counted as present, failures reported', async () => {
  const { reader, records, problems } = await read('anthropic-batch-results.jsonl');
  assert.equal(reader?.id, 'anthropic');
  assert.deepEqual(records.map((r) => r.id), ['q-1', 'q-2', 'q-5']);
  assert.equal(records[1].redactedThinkingBlocks, 1);
  assert.deepEqual(records[1].toolCalls, [{ name: 'get_weather', input: '{"location":"Paris","unit":"celsius"}' }]);
  assert.equal(records[2].truncated, true, 'stop_reason max_tokens');
  assert.deepEqual(records[0].usage, { input: 40, cachedInput: 10, output: 200, total: 240 });
  assert.deepEqual(problems.map((p) => [p.line, p.code]), [[3, 'trace/request-failed'], [4, 'trace/request-failed']]);
  assert.match(problems[0].message, /max_tokens: 100000 > 64000/);
});

test('a stream cut off before message_stop is read as far as it goes, with a warning', async () => {
  const lines = [
    { type: 'message_start', message: { id: 'm', type: 'message', model: 'claude-sonnet-4-5', content: [], usage: { input_tokens: 3, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'partial thought' } },
  ];
  const { records, problems } = await readText('s.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
  assert.equal(records[0].thinking, 'partial thought');
  assert.deepEqual(problems.map((p) => p.code), ['trace/stream-incomplete']);
});
