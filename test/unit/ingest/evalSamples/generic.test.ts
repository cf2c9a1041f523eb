import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { textSource } from '../../../../src/core/ingest/source';
import { csvSamplesReader, detectEvalSampleFormat, jsonlSamplesReader, jsonSamplesReader, readEvalSamples } from '../../../../src/core/ingest/evalSamples';

const cruxeval = (which: 'input' | 'output') => gunzipSync(readFileSync(join(__dirname, '../../../fixtures/eval', `cruxeval-codellama-7b-${which}.json.gz`))).toString('utf8');

test('JSONL: columns recognised by name, bad lines located, reading goes on', async () => {
  const text = [
    '{"question_id": "q1", "attempt": 0, "model_name": "m", "pred": "4", "gold": "4", "reasoning_tokens": 90, "completion_tokens": 100, "latency_ms": 1500}',
    '{"question_id": "q1", "attempt": 1, "model_name": "m", "pred": "5", "gold": "4", "reasoning_tokens": 50, "completion_tokens": 60, "latency_ms": 900}',
    '{"question_id": "q2", "attempt": 0 "model_name": "m"}',
    '[1, 2]',
    '{"question_id": "q2", "attempt": 0, "model_name": "m", "pred": "x", "gold": "y", "reasoning_tokens": "many"}',
  ].join('\n');
  const source = textSource('results.jsonl', text);
  assert.equal((await detectEvalSampleFormat(source))?.reader.id, 'jsonl-samples');
  const set = await jsonlSamplesReader.read(source);
  assert.deepEqual(set.samples.map((s) => [s.problemId, s.sampleIndex, s.answer, s.correct]), [
    ['q1', 0, '4', true],
    ['q1', 1, '5', false],
    ['q2', 0, 'x', false],
  ]);
  assert.equal(set.samples[0].thinkingTokens, 90);
  assert.equal(set.samples[0].answerTokens, 10);
  assert.equal(set.samples[0].latency, 1.5);
  assert.deepEqual(set.problems.map((p) => [p.line, p.code]), [
    [3, 'eval/bad-json'],
    [4, 'eval/not-an-object'],
    [5, 'eval/bad-value'],
  ]);
  assert.equal(set.problems[2].column, text.split('\n')[4].indexOf('"reasoning_tokens"') + 1);
  assert.equal(set.mapping?.answer, 'pred');
  assert.equal(set.mapping?.reference, 'gold');
});

test('JSONL: a record with lists is one problem with many samples; an explicit mapping wins', async () => {
  const text = '{"task": "HumanEval/0", "passed": [true, false, true], "score": [0.9, 0.2, 0.7]}\n';
  const set = await jsonlSamplesReader.read(textSource('r.jsonl', text), { mapping: { problemId: 'task', correct: 'passed', verifierScore: 'score' } });
  assert.deepEqual(set.samples.map((s) => [s.problemId, s.sampleIndex, s.correct, s.verifierScore]), [
    ['HumanEval/0', 0, true, 0.9],
    ['HumanEval/0', 1, false, 0.2],
    ['HumanEval/0', 2, true, 0.7],
  ]);
});

test('JSONL: responses without extracted answers go through the stated extractor', async () => {
  const text = ['{"id": 1, "response": "... so the total is \\\\boxed{12}.", "answer": "12"}', '{"id": 1, "response": "#### 13", "answer": "12"}'].join('\n');
  const set = await jsonlSamplesReader.read(textSource('gen.jsonl', text));
  assert.deepEqual(set.samples.map((s) => [s.answer, s.correct]), [
    ['12', true],
    ['13', false],
  ]);
  assert.ok(set.extractor);
  assert.ok(set.notes.some((n) => n.code === 'eval/answers-extracted'));
});

test('CSV: quoted fields across lines, correctness words, bad rows cost one row', async () => {
  const text = ['problem,sample,answer,reference,result', 'p1,0,"a, b",x,pass', 'p1,1,"multi', 'line",x,FAIL', 'p2,0,c', 'p2,1,c,c,maybe', 'p3,0,d,d,1'].join('\n');
  const source = textSource('s.csv', text);
  assert.equal((await detectEvalSampleFormat(source))?.reader.id, 'csv-samples');
  const set = await csvSamplesReader.read(source);
  assert.deepEqual(set.samples.map((s) => [s.problemId, s.answer, s.correct, s.line]), [
    ['p1', 'a, b', true, 2],
    ['p1', 'multi\nline', false, 3],
    ['p2', 'c', true, 6],
    ['p3', 'd', true, 7],
  ]);
  assert.deepEqual(set.problems.map((p) => [p.line, p.code]), [
    [5, 'eval/field-count'],
    [6, 'eval/bad-value'],
  ]);
});

test('JSON map of problem → booleans, and of problem → records; a broken list costs its problem', async () => {
  const booleans = '{\n "HumanEval/0": [true, false],\n "HumanEval/1": [false, false, true],\n "HumanEval/2": [tru, false],\n "HumanEval/3": [true]\n}';
  const set = await jsonSamplesReader.read(textSource('scores.json', booleans));
  assert.deepEqual(set.samples.map((s) => [s.problemId, s.sampleIndex, s.correct]), [
    ['HumanEval/0', 0, true],
    ['HumanEval/0', 1, false],
    ['HumanEval/1', 0, false],
    ['HumanEval/1', 1, false],
    ['HumanEval/1', 2, true],
    ['HumanEval/3', 0, true],
  ]);
  assert.deepEqual(set.problems.map((p) => [p.line, p.code]), [[4, 'eval/bad-json']]);
  const records = '{"a": [{"pred": "1", "gold": "1"}, {"pred": "2", "gold": "1"}], "b": [{"pred": "3", "gold": "3"}]}';
  const r = await jsonSamplesReader.read(textSource('recs.json', records));
  assert.deepEqual(r.samples.map((s) => [s.problemId, s.answer, s.correct]), [
    ['a', '1', true],
    ['a', '2', false],
    ['b', '3', true],
  ]);
});

test('JSON array of records, and records under a key', async () => {
  const arr = '[{"problem_id": 1, "correct": true}, {"problem_id": 1, "correct": 0}, 5]';
  const a = await readEvalSamples(textSource('a.json', arr));
  assert.equal(a?.format, 'json-samples');
  assert.deepEqual(a!.samples.map((s) => s.correct), [true, false]);
  assert.deepEqual(a!.problems.map((p) => p.code), ['eval/not-an-object']);
  const wrapped = '{"config": {"k": 2}, "samples": [{"problem_id": "x", "is_correct": 0.5}]}';
  const b = await jsonSamplesReader.read(textSource('b.json', wrapped));
  assert.deepEqual(b.samples.map((s) => [s.problemId, s.correct]), [['x', 0.5]]);
});

test('CRUXEval: raw_generations and raw_scored_generations are matched by id and position; reported numbers kept', async () => {
  const source = textSource('sample_scored_codellama-7b_temp0.2_input.json', cruxeval('input'));
  assert.equal((await detectEvalSampleFormat(source))?.reader.id, 'json-samples');
  const set = await jsonSamplesReader.read(source);
  assert.equal(set.samples.length, 8000);
  assert.equal(new Set(set.samples.map((s) => s.problemId)).size, 800);
  assert.ok(set.samples.every((s) => typeof s.correct === 'boolean' && typeof s.answer === 'string'));
  assert.equal(set.samples[0].model, 'sample_scored_codellama-7b_temp0.2_input');
  assert.deepEqual(Object.keys(set.reported ?? {}), ['pass_at_1', 'pass_at_5']);
  assert.ok(set.notes.some((n) => n.code === 'eval/shape' && /raw_scored_generations/.test(n.message) && /raw_generations/.test(n.message)));
  assert.deepEqual(set.problems, []);
});

test('a guessed column that does not fit its field is dropped with a note, not flagged on every record', async () => {
  const text = ['{"id": 1, "sample": "def f(): ...", "correct": true}', '{"id": 1, "sample": "def g(): ...", "correct": false}'].join('\n');
  const set = await jsonlSamplesReader.read(textSource('gen.jsonl', text));
  assert.deepEqual(set.problems, []);
  assert.deepEqual(set.samples.map((s) => s.sampleIndex), [0, 1]);
  assert.ok(set.notes.some((n) => n.code === 'eval/mapping-dropped' && /'sample'/.test(n.message)));
});

test('detection: eval-shaped JSON is claimed, a model config is not', () => {
  assert.equal(jsonSamplesReader.detect('config.json', '{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "num_layers": 32}'), 0);
  assert.equal(jsonSamplesReader.detect('s.json', '{"HumanEval/0": [true, false], "HumanEval/1": [false], "HumanEval/2": [true]}'), 0.5);
  assert.equal(csvSamplesReader.detect('runs.csv', 'step,loss,lr\n1,2.3,0.1\n'), 0);
  assert.equal(jsonlSamplesReader.detect('log.jsonl', '{"step": 1, "loss": 2.5}\n{"step": 2, "loss": 2.4}\n'), 0);
});

test('JSON map of problem → a record of lists is read as that problem\'s samples', async () => {
  const text = '{"HumanEval/0": {"completions": ["a", "b"], "passed": [true, false]}, "HumanEval/1": {"completions": ["c"], "passed": [false]}}';
  const set = await jsonSamplesReader.read(textSource('per-problem.json', text));
  assert.deepEqual(set.samples.map((s) => [s.problemId, s.sampleIndex, s.correct]), [
    ['HumanEval/0', 0, true],
    ['HumanEval/0', 1, false],
    ['HumanEval/1', 0, false],
  ]);
});
