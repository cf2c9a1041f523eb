import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readJsonlRunLog } from '../../../src/core/ingest/jsonlRunLog';
import { textSource } from '../../../src/core/ingest/source';

test('JSONL: bad lines are located and skipped, the rest kept; nested metrics flatten', async () => {
  const text = [
    '{"step": 1, "train": {"loss": 3.2}, "lr": 0.001}',
    '{"step": 2, "train": {"loss": 3.0}, "lr": 0.001',
    '[1, 2]',
    '',
    '{"step": 4, "train": {"loss": NaN}, "lr": 0.001}',
    '{"step": 5, "train": {"loss": 2.7}, "lr": 0.0009}',
  ].join('\n');
  const t = await readJsonlRunLog(textSource('log.jsonl', text));
  assert.deepEqual(t.rows.map((r) => r.values.step), [1, 4, 5]);
  assert.deepEqual(t.rows.map((r) => r.values['train.loss']), [3.2, null, 2.7]);
  assert.deepEqual(t.problems.map((p) => [p.line, p.code]), [
    [2, 'run-log/bad-json'],
    [3, 'run-log/not-an-object'],
    [5, 'run-log/non-finite'],
  ]);
  assert.ok(t.numericColumns.includes('train.loss'));
});
