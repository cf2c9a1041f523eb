import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { textSource } from '../../../../src/core/ingest/source';
import { byteFileSource, byteSource, detectEvalSampleFormat, inspectLogReader } from '../../../../src/core/ingest/evalSamples';

const dir = join(__dirname, '../../../fixtures/eval');

test('real .eval zip: ten samples, the match scorer as correctness, usage and time', async () => {
  const source = byteFileSource(join(dir, 'inspect-popularity.eval'), 'inspect-popularity.eval');
  assert.equal((await detectEvalSampleFormat(source))?.reader.id, 'inspect-log');
  const set = await inspectLogReader.read(source);
  assert.equal(set.samples.length, 10);
  assert.deepEqual(set.problems, []);
  // The header reports accuracy 0.8 for scorer `match`.
  assert.equal(set.samples.filter((s) => s.correct === true).length, 8);
  const first = set.samples.find((s) => s.problemId === '1')!;
  assert.equal(first.model, 'openai/gpt-4o-mini');
  assert.equal(first.sampleIndex, 0);
  assert.equal(first.answer, 'Yes');
  assert.equal(first.promptTokens, 64);
  assert.equal(first.answerTokens, 2);
  assert.ok(first.latency! > 1 && first.latency! < 1.3);
  assert.equal(first.member, 'samples/1_epoch_1.json');
  assert.ok(set.notes.some((n) => n.code === 'eval/scorer' && /'match'/.test(n.message)));
});

test('real legacy .json log: samples located at their lines; the grader model does not inflate tokens', async () => {
  const source = textSource('security-guide.json', readFileSync(join(dir, 'inspect-security-guide.json'), 'utf8'));
  assert.equal((await detectEvalSampleFormat(source))?.reader.id, 'inspect-log');
  const set = await inspectLogReader.read(source);
  assert.equal(set.samples.length, 3);
  assert.ok(set.samples.every((s) => s.correct === true));
  assert.equal(set.samples[0].line, 123);
  // output.usage (the solver's 61 tokens), not model_usage (which adds the grader's 320).
  assert.equal(set.samples[0].promptTokens, 61);
  assert.equal(set.samples[0].thinkingTokens, 0);
  assert.equal(set.samples[0].answerTokens, 17);
});

test('epochs are samples; a broken sample costs itself; another scorer can be the verifier', async () => {
  const header = { version: 2, status: 'success', eval: { task: 't', model: 'anthropic/claude-x', model_generate_config: { reasoning_tokens: 4096 } } };
  const sample = (id: number, epoch: number, value: string, grade: number) => ({
    id,
    epoch,
    target: '7',
    output: { choices: [{ message: { content: [{ type: 'reasoning', reasoning: 'hmm' }, { type: 'text', text: 'It is 7' }] } }], usage: { input_tokens: 10, output_tokens: 120, reasoning_tokens: 100 }, time: 2.5 },
    scores: { match: { value, answer: value === 'C' ? '7' : '8' }, judge: { value: grade } },
  });
  const files: Record<string, Uint8Array> = { 'header.json': strToU8(JSON.stringify(header)) };
  for (let e = 1; e <= 3; e++) files[`samples/1_epoch_${e}.json`] = strToU8(JSON.stringify(sample(1, e, e === 2 ? 'I' : 'C', e / 4)));
  files['samples/2_epoch_1.json'] = strToU8('{"id": 2, "epoch": 1, "scores": ');
  const zip = zipSync(files);
  const set = await inspectLogReader.read(byteSource('run.eval', zip), { mapping: { verifierScore: 'judge' } });
  assert.equal(set.samples.length, 3);
  assert.deepEqual(set.samples.map((s) => s.sampleIndex), [0, 1, 2]);
  assert.deepEqual(set.samples.map((s) => s.correct), [true, false, true]);
  assert.deepEqual(set.samples.map((s) => s.verifierScore), [0.25, 0.5, 0.75]);
  assert.ok(set.samples.every((s) => s.budget === 4096 && s.thinkingTokens === 100 && s.answerTokens === 20 && s.model === 'anthropic/claude-x'));
  assert.deepEqual(set.problems.map((p) => p.code), ['eval/bad-json']);
  assert.match(set.problems[0].message, /samples\/2_epoch_1\.json/);
});

test('a .eval opened as text is reported, not misread', async () => {
  const set = await inspectLogReader.read(textSource('x.eval', 'PK\u0003\u0004garbage'));
  assert.equal(set.samples.length, 0);
  assert.equal(set.problems[0].code, 'eval/needs-bytes');
});
