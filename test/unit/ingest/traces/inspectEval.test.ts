import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { textSource } from '../../../../src/core/ingest/source';
import { readAllTraces, traceFileSource, traceReaderById } from '../../../../src/core/ingest/traces/index';

const fixtures = join(__dirname, '..', '..', '..', 'fixtures');

test('Inspect .eval archive (real file): one record per sample, with the model, usage and score', async () => {
  const path = join(fixtures, 'eval', 'inspect-popularity.eval');
  const { reader, records, problems } = await readAllTraces(traceFileSource(path, 'inspect-popularity.eval'));
  assert.equal(reader?.id, 'inspect-eval');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 10);
  // Samples in natural order (10 after 9), epochs in the id.
  assert.deepEqual(records.slice(0, 3).map((r) => r.id), ['1#1', '2#1', '3#1']);
  assert.equal(records[9].id, '10#1');
  assert.ok(records.every((r) => r.model === 'gpt-4o-mini-2024-07-18'));
  assert.equal(records[0].answer, 'Yes');
  assert.equal(records[0].usage?.output, 2);
  assert.equal(records.filter((r) => r.correct === true).length, 8);
});

/** An Inspect log of a reasoning model as Inspect writes it: reasoning content blocks, reasoning_tokens in usage. */
function reasoningLog(): string {
  const sample = (id: number, content: unknown[], score: string) =>
    strToU8(
      JSON.stringify({
        id,
        epoch: 1,
        input: `What is ${id} + ${id}?`,
        target: String(2 * id),
        messages: [],
        output: { model: 'claude-3-7-sonnet-20250219', choices: [{ message: { role: 'assistant', content, source: 'generate' }, stop_reason: 'stop' }], usage: { input_tokens: 20, output_tokens: 40, reasoning_tokens: 30, total_tokens: 60 } },
        scores: { match: { value: score, answer: String(2 * id) } },
      }),
    );
  const zip = zipSync({
    'header.json': strToU8(JSON.stringify({ version: 2, status: 'success', eval: { task: 'add', model: 'anthropic/claude-3-7-sonnet-20250219' } })),
    'samples/1_epoch_1.json': sample(1, [{ type: 'reasoning', reasoning: 'One plus one. Wait, let me double-check: 1 + 1 = 2.', signature: 'sig' }, { type: 'text', text: 'The answer is 2.' }], 'C'),
    'samples/2_epoch_1.json': strToU8('{"id": 2, "output": {'),
    'samples/10_epoch_1.json': sample(10, [{ type: 'reasoning', reasoning: '', redacted: true, signature: 'enc' }, { type: 'text', text: '21' }], 'I'),
  });
  const dir = mkdtempSync(join(tmpdir(), 'inspect-eval-'));
  const path = join(dir, 'reasoning.eval');
  writeFileSync(path, zip);
  return path;
}

test('a reasoning model’s .eval log: thinking from reasoning blocks, redacted ones counted, a broken sample named and skipped', async () => {
  const { reader, records, problems } = await readAllTraces(traceFileSource(reasoningLog(), 'reasoning.eval'));
  assert.equal(reader?.id, 'inspect-eval');
  assert.deepEqual(records.map((r) => r.id), ['1#1', '10#1']);
  assert.equal(records[0].thinking, 'One plus one. Wait, let me double-check: 1 + 1 = 2.');
  assert.equal(records[0].answer, 'The answer is 2.');
  assert.equal(records[0].usage?.reasoning, 30);
  assert.equal(records[0].model, 'claude-3-7-sonnet-20250219');
  assert.deepEqual(records.map((r) => r.correct), [true, false]);
  assert.equal(records[1].redactedThinkingBlocks, 1);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'trace/bad-json');
  assert.match(problems[0].message, /samples\/2_epoch_1\.json/);
});

test('a .eval log given as text (not bytes) says it must be read from disk', async () => {
  const { records, problems } = await readAllTraces(textSource('x.eval', 'PK\u0003\u0004'), { reader: traceReaderById('inspect-eval') });
  assert.equal(records.length, 0);
  assert.deepEqual(problems.map((p) => p.code), ['trace/needs-bytes']);
});
