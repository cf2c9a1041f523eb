import { test } from 'node:test';
import assert from 'node:assert/strict';
import { read } from './helpers';

test('Ollama outputs: chat with a thinking field, generate with <think>, a stream put back together, errors and a cut stream reported', async () => {
  const { reader, records, problems } = await read('ollama-chat.jsonl');
  assert.equal(reader?.id, 'ollama');
  assert.equal(records.length, 4);
  assert.deepEqual([records[0].thinking, records[0].answer, records[0].model], ['2 + 2 = 4. Wait, let me double-check: yes, 4.', 'The answer is 4.', 'deepseek-r1:8b']);
  assert.deepEqual(records[0].usage, { input: 12, output: 30, total: 42 });
  assert.equal(records[0].finishReason, 'stop');
  assert.deepEqual([records[1].thinking, records[1].answer], ['Hmm, 3 + 5 = 8.', '8']);
  // Four streamed lines are one record spanning them.
  assert.deepEqual([records[2].thinking, records[2].answer, records[2].line, records[2].endLine], ['Let me add 6 and 7.', '13', 3, 6]);
  assert.deepEqual(records[2].usage, { input: 14, output: 9, total: 23 });
  // The file ends inside a stream: read as far as it goes, and said.
  assert.equal(records[3].thinking, 'Let me think about this long problem and');
  assert.equal(records[3].usage, undefined);
  assert.deepEqual(problems.map((p) => [p.line, p.code]), [[7, 'trace/request-failed'], [8, 'trace/stream-incomplete']]);
});
