import { test } from 'node:test';
import assert from 'node:assert/strict';
import { read } from './helpers';
import { TraceAnalyzer } from '../../../../src/core/traces/analyze';

test('Gemini batch output: thought summaries as thinking, usage with thoughts, MAX_TOKENS as cut off, failures reported', async () => {
  const { reader, records, problems } = await read('gemini-batch.jsonl');
  assert.equal(reader?.id, 'gemini');
  assert.deepEqual(records.map((r) => r.id), ['req-1', 'req-2', 'r3']);
  assert.equal(records[0].thinking, "**Adding the numbers**\n\nI'm adding 2 and 2. Wait, let me double-check: 2 + 2 = 4.");
  assert.equal(records[0].thinkingKind, 'summary');
  assert.equal(records[0].answer, 'The answer is 4.');
  assert.deepEqual(records[0].usage, { input: 12, cachedInput: undefined, output: 111, reasoning: 104, total: 123 });
  assert.equal(records[0].model, 'gemini-2.5-flash');
  assert.equal(records[1].truncated, true);
  assert.equal(records[1].model, 'gemini-2.5-pro');
  assert.equal(records[2].prompt, 'What is 3 + 5?');
  assert.match(problems[1].message, /blocked \(SAFETY\)/);
  assert.deepEqual(problems.map((p) => [p.line, p.code]), [[4, 'trace/request-failed'], [5, 'trace/request-failed']]);
});

test('Gemini counts are estimates, priced from the reported usage with a dated row', async () => {
  const { records } = await read('gemini-batch.jsonl');
  const a = new TraceAnalyzer().analyze(records[0]);
  assert.equal(a.tokenizer.id, 'estimate:gemini');
  assert.equal(a.tokenizer.exact, false);
  assert.equal(a.countsFrom, 'reported');
  assert.match(a.cost?.row ?? '', /^google\/gemini-2\.5-flash@2025-06-17$/);
});

test('a streamed Gemini response (server-sent events) is gathered into one record', async () => {
  const { reader, records, problems } = await read('gemini-stream.txt');
  assert.equal(reader?.id, 'gemini');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 1);
  assert.equal(records[0].thinking, "**Adding**\n\nI'm adding 2 and 2. Wait, that is 4.");
  assert.equal(records[0].answer, 'The answer is 4.');
  assert.equal(records[0].finishReason, 'stop');
  assert.deepEqual(records[0].usage, { input: 9, cachedInput: undefined, output: 46, reasoning: 40, total: 55 });
  assert.deepEqual([records[0].line, records[0].endLine], [1, 7]);
});
