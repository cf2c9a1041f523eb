import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { textSource } from '../../../../src/core/ingest/source';
import { detectEvalSampleFormat, lmEvalHarnessReader } from '../../../../src/core/ingest/evalSamples';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/eval', name), 'utf8');

test('real --log_samples file: one sample per document, model from the folder, corpus metric stated', async () => {
  const source = textSource('google__gemma-2b/samples_masakhaner_luo_prompt_1.jsonl', fixture('lm-eval-masakhaner-luo-head8.jsonl'));
  const detected = await detectEvalSampleFormat(source);
  assert.equal(detected?.reader.id, 'lm-eval-samples');
  const set = await lmEvalHarnessReader.read(source);
  assert.equal(set.samples.length, 8);
  // Document ids restart in every task, so they carry the task's name.
  assert.deepEqual(set.samples.map((s) => s.problemId), ['0', '1', '2', '3', '4', '5', '6', '7'].map((d) => `masakhaner_luo_prompt_1/${d}`));
  assert.ok(set.samples.every((s) => s.model === 'google/gemma-2b' && s.sampleIndex === 0));
  assert.equal(set.samples[0].reference, 'DATE: kawuononi');
  assert.match(set.samples[0].answer!, /^date: 796/);
  // Span F1 is a corpus metric: no per-sample correctness is invented by exact comparison.
  assert.ok(set.samples.every((s) => s.correct === undefined));
  assert.ok(set.notes.some((n) => n.code === 'eval/corpus-metric'));
  assert.ok(set.notes.some((n) => n.code === 'eval/no-correctness'));
  assert.deepEqual(set.problems, []);
});

test('repeats: each response is a sample judged against the target; bad lines are located and skipped', async () => {
  const line = (doc: number, filtered: unknown, target = '42', filter = 'strict-match') =>
    JSON.stringify({
      doc_id: doc,
      target,
      resps: [['The answer is 42.', 'So #### 41', 'I get 42', '\\boxed{42}']],
      filtered_resps: [filtered],
      filter,
      metrics: ['exact_match'],
      exact_match: 1.0,
    });
  const text = [
    line(0, ['42', '41', '42', '42']),
    '{"doc_id": 1, "resps": [[',
    line(2, '42'),
    line(0, ['0', '0', '0', '0'], '42', 'flexible-extract'),
  ].join('\n');
  const set = await lmEvalHarnessReader.read(textSource('samples_gsm8k.jsonl', text));
  const doc0 = set.samples.filter((s) => s.problemId === 'gsm8k/0');
  assert.deepEqual(doc0.map((s) => s.answer), ['42', '41', '42', '42']);
  assert.deepEqual(doc0.map((s) => s.correct), [true, false, true, true]);
  assert.deepEqual(doc0.map((s) => s.sampleIndex), [0, 1, 2, 3]);
  // Doc 2's filter voted down to one answer: the responses' own answers are re-extracted.
  const doc2 = set.samples.filter((s) => s.problemId === 'gsm8k/2');
  assert.deepEqual(doc2.map((s) => s.answer), ['42', '41', '42', '42']);
  assert.equal(set.extractor !== undefined, true);
  assert.deepEqual(set.problems.map((p) => [p.line, p.code]), [[2, 'eval/bad-json']]);
  assert.ok(set.notes.some((n) => n.code === 'eval/other-filter' && /flexible-extract/.test(n.message)));
});

test('per-document metric becomes correctness for single-sample generation', async () => {
  const text = JSON.stringify({ doc_id: 7, target: '3', resps: [['3']], filtered_resps: ['3'], filter: 'none', metrics: ['acc'], acc: 0 });
  const set = await lmEvalHarnessReader.read(textSource('samples_x.jsonl', text));
  assert.equal(set.samples.length, 1);
  assert.equal(set.samples[0].correct, false);
  assert.ok(set.notes.some((n) => n.code === 'eval/metric' && /'acc'/.test(n.message)));
});
