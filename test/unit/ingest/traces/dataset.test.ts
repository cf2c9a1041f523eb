import { test } from 'node:test';
import assert from 'node:assert/strict';
import { read, readText } from './helpers';

test('chat rows: last assistant turn, reasoning_content, ShareGPT conversations', async () => {
  const { reader, records, problems } = await read('dataset-messages.jsonl');
  assert.equal(reader?.id, 'dataset');
  assert.deepEqual(records.map((r) => r.id), ['m1', 'm2', 'm3']);
  assert.equal(records[0].thinking, '6 × 7 = 42.');
  assert.equal(records[0].answer, 'The answer is 42.');
  assert.equal(records[0].prompt, 'What is 6 × 7?');
  assert.equal(records[0].reference, '42');
  assert.equal(records[1].answer, 'Tokyo.');
  assert.equal(records[2].thinking, 'Trivially 1 + 1 = 2.');
  assert.equal(records[2].reference, '2');
  assert.deepEqual(problems.map((p) => [p.line, p.code]), [[4, 'trace/unrecognized']]);
});

test('a pretty-printed JSON array of field-style rows, with record line ranges', async () => {
  const { reader, records } = await read('dataset-fields.json');
  assert.equal(reader?.id, 'dataset');
  assert.equal(records.length, 2);
  assert.equal(records[0].thinking, '2^3 = 8 ≡ 1 (mod 7). So 2^10 = 2^9 · 2 ≡ 1 · 2 = 2.');
  assert.equal(records[0].answer, 'The remainder is $\\boxed{2}$.');
  assert.equal(records[0].reference, '2');
  assert.equal(records[0].prompt, 'Find the remainder when 2^10 is divided by 7.');
  assert.deepEqual([records[0].line, records[0].endLine, records[1].line, records[1].endLine], [2, 8, 9, 15]);
  assert.equal(records[1].answer, '2x');
  assert.equal(records[1].model, 'QwQ-32B');
});

test('several generations per problem with correctness flags', async () => {
  const { records } = await read('dataset-generations.jsonl');
  assert.deepEqual(records.map((r) => r.id), ['p-001#0', 'p-001#1', 'p-001#2']);
  assert.deepEqual(records.map((r) => r.correct), [true, true, false]);
  assert.ok(records.every((r) => r.problemId === 'p-001'));
  assert.equal(records[0].reference, '12');
});

test('lm-evaluation-harness --log_samples lines (real file)', async () => {
  const { records, problems } = await read('lm-eval-samples.jsonl', 'dataset');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 3);
  assert.equal(records[0].problemId, '0');
  assert.equal(records[0].reference, 'DATE: kawuononi');
  assert.ok(records[0].answer.startsWith('DATE: 796 $$ LOC: Kawuono'));
  assert.ok(records[0].prompt?.startsWith('Named entities refers to'));
});

test('a JSON array cut off mid-record: the error points at the record, earlier records are read', async () => {
  const { records, problems } = await read('dataset-array-cut.json');
  assert.deepEqual(records.map((r) => r.id), ['a1']);
  assert.deepEqual(problems.map((p) => [p.line, p.column, p.code]), [[3, 3, 'trace/bad-json']]);
});

test('Inspect JSON eval log (real file): one record per sample with usage and score', async () => {
  const { reader, records, problems } = await read('inspect-security-guide.json');
  assert.equal(reader?.id, 'dataset');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 3);
  assert.deepEqual([records[0].id, records[0].problemId, records[0].model], ['1#1', '1', 'gpt-4o-mini-2024-07-18']);
  assert.equal(records[0].prompt, 'How do I prevent SQL Injection attacks?');
  assert.equal(records[0].correct, true, "score 'C'");
  assert.deepEqual(records[0].usage, { input: 61, cachedInput: 0, output: 17, reasoning: 0, total: 78 });
});

test('Inspect reasoning content blocks, redacted ones counted as present', async () => {
  const log = {
    version: 2,
    status: 'success',
    eval: { task: 't', model: 'anthropic/claude-sonnet-4-20250514' },
    samples: [{ id: 7, epoch: 2, input: 'Q?', target: ['A'], scores: { match: { value: 'I' } }, output: { choices: [{ message: { role: 'assistant', content: [{ type: 'reasoning', reasoning: 'Think.' }, { type: 'reasoning', reasoning: '', redacted: true }, { type: 'text', text: 'B' }] }, stop_reason: 'max_tokens' }], usage: { input_tokens: 5, output_tokens: 50, reasoning_tokens: 40 } } }],
  };
  const { records } = await readText('log.json', JSON.stringify(log, null, 2));
  const r = records[0];
  assert.deepEqual([r.id, r.model, r.thinking, r.answer, r.redactedThinkingBlocks, r.correct, r.truncated], ['7#2', 'anthropic/claude-sonnet-4-20250514', 'Think.', 'B', 1, false, true]);
  assert.equal(r.usage?.reasoning, 40);
});

test('OpenThoughts / Bespoke-Stratos rows: thinking between <|begin_of_thought|> markers, the solution as the answer', async () => {
  const { reader, records, problems } = await read('dataset-openthoughts.jsonl');
  assert.equal(reader?.id, 'dataset');
  assert.deepEqual(problems, []);
  assert.equal(records.length, 2);
  assert.equal(records[0].thinking, 'Okay, so I need to add 1 through 10. The formula is n(n+1)/2.\n\nWait, let me double-check: 10 × 11 / 2 = 55.');
  assert.equal(records[0].answer, 'The sum is $\\boxed{55}$.');
  assert.equal(records[0].truncated, false);
  assert.ok(records[0].prompt?.includes('sum of the first 10'));
  // A thought never closed: the trace hit its budget.
  assert.equal(records[1].thinking, 'Okay, 2^5 = 32. Hmm, 2·2·2·2·2 = 32, yes');
  assert.equal(records[1].answer, '');
  assert.equal(records[1].unclosedThink, true);
  assert.equal(records[1].truncated, true);
});

test('OpenR1-Math rows: one record per generation (not the one in messages), with finish reasons', async () => {
  const { records, problems } = await read('dataset-openr1.jsonl');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => r.id), ['p-9#0', 'p-9#1']);
  assert.deepEqual(records.map((r) => r.correct), [true, false]);
  assert.deepEqual(records.map((r) => r.truncated), [false, true]);
  assert.deepEqual(records.map((r) => r.finishReason), ['stop', 'length']);
  assert.equal(records[0].reference, '12');
  assert.equal(records[0].prompt, 'Compute 15% of 80.');
  assert.equal(records[0].thinking, '10% of 80 is 8, 5% is 4, so 12.');
});

test('s1K-1.1 rows give one record per model; a reasoning switch ("on") is not reasoning text', async () => {
  const { records, problems } = await read('dataset-paired.jsonl');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => r.model), ['gemini', 'deepseek', 'DeepSeek-R1']);
  assert.equal(records[0].thinking, '2^7 = 2 · 2^6 = 2 · 64 = 128.');
  assert.equal(records[1].answer, '**Answer:** $\\boxed{128}$');
  assert.deepEqual(records.slice(0, 2).map((r) => [r.correct, r.reference, r.prompt]), [[true, '128', 'What is 2^7?'], [true, '128', 'What is 2^7?']]);
  assert.equal(records[2].thinking, '3 + 4 = 7.');
  assert.equal(records[2].answer, '7');
  assert.equal(records[2].prompt, 'What is 3 + 4?');
});

test('Qwen2.5-Math evaluation toolkit rows: the generations in `code`, correctness from `score`, the reference from `gt`', async () => {
  const { reader, records, problems } = await read('dataset-math-eval.jsonl');
  assert.equal(reader?.id, 'dataset');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => r.id), ['0#0', '0#1']);
  assert.deepEqual(records.map((r) => r.correct), [true, false]);
  assert.ok(records.every((r) => r.problemId === '0' && r.reference === '204'));
  assert.match(records[0].answer, /boxed\{204\}/);
});

test('OpenCompass predictions: one object keyed by index, prompts from HUMAN turns', async () => {
  const { reader, records, problems } = await read('opencompass-predictions.json');
  assert.equal(reader?.id, 'dataset');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => r.id), ['0', '1']);
  assert.equal(records[0].thinking, '6 × 7 = 42. Wait, 7 × 6 = 42 too.');
  assert.equal(records[0].answer, '\\boxed{42}');
  assert.equal(records[0].reference, '42');
  assert.equal(records[1].prompt, 'What is 2 + 2?');
});

test('a list named `code` without the toolkit’s pred/score lists is not read as generations', async () => {
  const { records } = await readText('code.jsonl', '{"id": "c1", "code": ["print(1)", "print(2)"], "response": "ok"}\n');
  assert.deepEqual(records.map((r) => [r.id, r.answer]), [['c1', 'ok']]);
});

test('LiveCodeBench eval_all output: one record per output, graded, named after its problem', async () => {
  const { reader, records, problems } = await read('livecodebench-eval.json');
  assert.equal(reader?.id, 'dataset');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => [r.id, r.problemId, r.correct]), [['abc300_a#0', 'abc300_a', true], ['abc300_a#1', 'abc300_a', false]]);
  assert.equal(records[0].thinking, 'Sort and add the last two. Wait, N could be 2.');
  assert.match(records[0].answer, /^```python/);
  assert.equal(records[0].prompt, 'Given N integers, print the sum of the two largest.');
});

test('verl rollout dumps: output with <think>, score as correctness, gts as the reference', async () => {
  const { reader, records, problems } = await read('verl-rollouts.jsonl');
  assert.equal(reader?.id, 'dataset');
  assert.deepEqual(problems, []);
  assert.deepEqual(records.map((r) => [r.correct, r.reference]), [[true, '4'], [false, '6']]);
  assert.equal(records[1].thinking, '3+3=7');
});
