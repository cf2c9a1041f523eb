import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { textSource } from '../../../../src/core/ingest/source';
import { readWandbCsv, wandbCsvReader } from '../../../../src/core/ingest/logs/wandbCsv';
import { fixture } from './helpers';

const CHART = 'made/exports/wandb_export_2024-01-01T00_00_00.000+00_00.csv';
const RUNS = 'made/exports/wandb_export_2024-01-02T00_00_00.000+00_00.csv';
const read = (p: string) => readWandbCsv(textSource(p, readFileSync(fixture(p), 'utf8')));

test('a chart export becomes one row per run and step, __MIN/__MAX left out', async () => {
  const text = readFileSync(fixture(CHART), 'utf8');
  assert.ok(wandbCsvReader.detect(CHART, text) > 0.8);
  const log = await read(CHART);
  assert.equal(log.runColumn, 'run');
  assert.deepEqual(log.runs.map((r) => r.name), ['gpt-70m', 'gpt-160m']);
  assert.ok(!log.columns.some((c) => /__M/.test(c)));
  const small = log.rows.filter((r) => r.values.run === 'gpt-70m').map((r) => [r.values.Step, r.values['train/loss']]);
  assert.deepEqual(small, [[100, 3.9], [200, 3.8], [300, 3.7], [400, 3.6], [500, 3.5]]);
  // The shorter run stops at 400: no empty row for it at 500.
  assert.equal(log.rows.filter((r) => r.values.run === 'gpt-160m').length, 4);
  assert.deepEqual(log.problems, []);
});

test('a runs-table export keeps one row per run, config and summary columns as they are', async () => {
  const log = await read(RUNS);
  assert.equal(log.runColumn, 'Name');
  assert.deepEqual(log.runs.map((r) => r.name), ['gpt-410m', 'gpt-1b']);
  assert.equal(log.runs[0].config.n_params, 410000000);
  assert.equal(log.rows[1].values['train/loss'], 2.8);
});

test('plain CSVs are not taken for W&B exports', () => {
  assert.equal(wandbCsvReader.detect('sweep.csv', 'run,params,tokens,loss\n'), 0);
  assert.equal(wandbCsvReader.detect('metrics.csv', 'epoch,step,train_loss\n'), 0);
});

test('a chart export with a NaN cell, a cut-off last row and a step going backwards: located, the rest kept', async () => {
  const text = '"Step","a - loss","a - loss__MIN","a - loss__MAX"\n100,3.0,2.9,3.1\n200,2.9,2.8,3.0\n150,2.8,2.7,2.9\n300,NaN,NaN,NaN\n400,2.';
  const log = await readWandbCsv(textSource('wandb_export.csv', text));
  const at = (code: string) => log.problems.filter((p) => p.code === code).map((p) => p.line);
  assert.deepEqual(at('run-log/non-finite'), [5, 5, 5]);
  assert.deepEqual(at('run-log/field-count'), [6]);
  assert.deepEqual(at('run-log/step-backwards'), [4]);
  // Back at 150, the value the abandoned attempt logged at 200 is dropped.
  assert.deepEqual(log.rows.map((r) => [r.values.Step, r.values.loss]), [[100, 3], [150, 2.8]]);
});
