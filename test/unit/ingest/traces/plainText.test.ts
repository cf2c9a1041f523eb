import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesOf, read, readText } from './helpers';

test('Markdown with <think> blocks: one record per block, preamble as prompt, unclosed block flagged', async () => {
  const { reader, records, problems } = await read('traces.md');
  assert.equal(reader?.id, 'plain-text');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 2);
  const [a, b] = records;
  assert.match(a.prompt ?? '', /How many primes are below 20\?/);
  assert.ok(a.thinking.startsWith('Primes below 20:'));
  assert.equal(a.answer, 'There are **8** primes below 20.');
  assert.deepEqual(a.thinkingLines, { line: 7, endLine: 13 });
  assert.equal(b.unclosedThink, true);
  assert.equal(b.truncated, true);
  assert.equal(b.line, 17);
  assert.ok(bytesOf('traces.md', b.byteStart, b.byteEnd).startsWith('<think>'));
});

test('text without tags is one record, all answer; a lone </think> closes thinking', async () => {
  const plain = await readText('a.txt', 'Just an answer.\nTwo lines.');
  assert.equal(plain.records.length, 1);
  assert.equal(plain.records[0].answer, 'Just an answer.\nTwo lines.');
  const lone = await readText('b.txt', 'thinking here\n</think>\nanswer here');
  assert.equal(lone.records[0].thinking, 'thinking here');
  assert.equal(lone.records[0].answer, 'answer here');
});
