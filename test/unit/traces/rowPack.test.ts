import assert from 'node:assert/strict';
import test from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { packRows, ROW_COLUMNS, unpackRows } from '../../../src/core/traces/rowPack';
import type { TraceRow } from '../../../src/core/traces/summary';

/** A row with every field set, and one with every optional field left undefined. */
function rows(): TraceRow[] {
  const full: TraceRow = {
    id: 'r1',
    index: 0,
    line: 3,
    endLine: 4,
    byteStart: 2 ** 33 + 5,
    byteEnd: 2 ** 33 + 900,
    model: 'deepseek-reasoner',
    problemId: 'p1',
    tokenizer: 'deepseek_r1',
    exact: true,
    countsFrom: 'counted',
    thinking: 3412,
    answer: 218,
    toolCalls: 7,
    total: 3637,
    reported: { output: 3700, reasoning: 3400, input: 20 },
    check: { field: 'reasoning', counted: 3412, reported: 3400, difference: -12, flagged: false },
    dollars: 0.0412,
    priceRow: 'deepseek-reasoner@2025-09',
    costBasis: 'counted',
    costScope: 'output',
    costNote: 'note',
    thinkingKind: 'raw',
    truncated: true,
    unclosedThink: true,
    finishReason: 'length',
    finalAnswer: '42',
    answerRule: 'boxed',
    correct: false,
    steps: 12,
    markers: 5,
    markersByKind: { backtrack: 2, hedge: 3 },
    markerRate: 1.46,
    tokensAfterAnswer: 100,
    overthinkingShare: 0.03,
    repetitionShare: 0.2,
    sketch: Uint32Array.from([1, 5, 4_000_000_000]),
  };
  const bare: TraceRow = {
    id: '#2',
    index: 1,
    line: 5,
    endLine: 5,
    byteStart: 900,
    byteEnd: 1000,
    model: undefined,
    problemId: undefined,
    tokenizer: 'o200k_base',
    exact: false,
    countsFrom: 'estimated',
    thinking: 0,
    answer: 3,
    toolCalls: 0,
    total: 3,
    reported: undefined,
    check: undefined,
    dollars: undefined,
    priceRow: undefined,
    costBasis: undefined,
    costScope: undefined,
    costNote: undefined,
    thinkingKind: 'none',
    truncated: false,
    unclosedThink: false,
    finishReason: undefined,
    finalAnswer: undefined,
    answerRule: undefined,
    correct: undefined,
    steps: 0,
    markers: 0,
    markersByKind: { backtrack: 0, hedge: 0 },
    markerRate: 0,
    tokensAfterAnswer: undefined,
    overthinkingShare: undefined,
    repetitionShare: undefined,
    sketch: undefined,
  };
  // Other marker kinds, reported usage of another shape, a correct trace.
  const odd: TraceRow = { ...full, id: 'r3', index: 2, markersByKind: { mine: 1 }, reported: { total: 9 }, correct: true, check: { ...full.check!, field: 'output', flagged: true }, sketch: new Uint32Array(0) };
  return [full, bare, odd];
}

test('packed rows come back equal, with the same keys in the same order, through structured clone', () => {
  const original = rows();
  const back = unpackRows(deserialize(serialize(packRows(original))));
  assert.deepEqual(back, original);
  for (let i = 0; i < original.length; i++) {
    assert.deepEqual(Object.keys(back[i]), Object.keys(ROW_COLUMNS), 'every row carries every key of the schema');
    assert.equal(JSON.stringify({ ...back[i], sketch: undefined }), JSON.stringify({ ...original[i], sketch: undefined }), 'prints the same');
  }
  // The schema lists the keys toRow writes (the test rows are written in that order).
  assert.deepEqual(Object.keys(ROW_COLUMNS), Object.keys(original[0]));
  assert.deepEqual(unpackRows(packRows([])), []);
});

test('the schema lists the keys of a real summary row, in its order', async () => {
  const { summarizeTraceSource } = await import('../../../src/core/traces/fileSummary');
  const { textSource } = await import('../../../src/core/ingest/source');
  const line = JSON.stringify({ id: 'c1', object: 'chat.completion', model: 'deepseek-reasoner', choices: [{ index: 0, message: { role: 'assistant', content: 'So \\boxed{4}.', reasoning_content: 'Wait, 2+2=4.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 12, total_tokens: 17, completion_tokens_details: { reasoning_tokens: 8 } } });
  const s = await summarizeTraceSource(textSource('t.jsonl', `${line}\n`));
  assert.equal(s.rows.length, 1);
  assert.deepEqual(Object.keys(s.rows[0]), Object.keys(ROW_COLUMNS));
  const back = unpackRows(deserialize(serialize(packRows(s.rows))));
  assert.equal(JSON.stringify(back), JSON.stringify(s.rows));
});
