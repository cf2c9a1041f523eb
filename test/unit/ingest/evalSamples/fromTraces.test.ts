import assert from 'node:assert/strict';
import { test } from 'node:test';
import { samplesFromTraces } from '../../../../src/core/ingest/evalSamples';
import { textSource } from '../../../../src/core/ingest/source';
import { summarizeTraceSource } from '../../../../src/core/traces';

test('traces with references are eval samples: several traces of one problem are its k samples', async () => {
  const line = (id: string, problem: string, answer: string, reference: string) =>
    JSON.stringify({ id, problem_id: problem, model: 'deepseek-reasoner', reference, response: { object: 'chat.completion', model: 'deepseek-reasoner', choices: [{ index: 0, message: { role: 'assistant', reasoning_content: `Let me compute. The answer is ${answer}.`, content: `\\boxed{${answer}}` }, finish_reason: 'stop' }] } });
  const text = [line('a1', 'p1', '4', '4'), line('a2', 'p1', '5', '4'), line('a3', 'p1', '4', '4'), line('b1', 'p2', '7', '9'), line('b2', 'p2', '8', '9'), line('b3', 'p2', '9', '9')].join('\n');
  const summary = await summarizeTraceSource(textSource('t.jsonl', text));
  const set = samplesFromTraces(summary);
  assert.equal(set.samples.length, 6);
  assert.deepEqual(set.samples.map((s) => [s.problemId, s.sampleIndex, s.correct]), [
    ['p1', 0, true], ['p1', 1, false], ['p1', 2, true],
    ['p2', 0, false], ['p2', 1, false], ['p2', 2, true],
  ]);
  assert.ok(set.samples.every((s) => (s.thinkingTokens ?? 0) > 0));
  assert.match(set.notes[0].message, /extracted final answer with the reference/);
});
