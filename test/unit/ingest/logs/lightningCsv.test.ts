import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { textSource } from '../../../../src/core/ingest/source';
import { lightningCsvReader, readLightningCsv } from '../../../../src/core/ingest/logs/lightningCsv';
import { fixture, series } from './helpers';

const DIR = fixture('real/lightning-csv/version_0');

test('a real CSVLogger metrics.csv: sparse rows of one step merged, hparams.yaml as config', async () => {
  const text = readFileSync(`${DIR}/metrics.csv`, 'utf8');
  assert.ok(lightningCsvReader.detect('version_0/metrics.csv', text.slice(0, 8192)) > 0.5);
  const log = await readLightningCsv(textSource('metrics.csv', text), { dir: DIR });
  assert.deepEqual(log.problems, []);
  // The last step has a validation row and an epoch-end row: one row here.
  const last = log.rows[log.rows.length - 1];
  assert.equal(last.values.step, 140739);
  assert.equal(last.values.val_loss, 3.570486068725586);
  assert.equal(last.values.train_loss_epoch, 3.687237024307251);
  assert.equal(series(log, 'train_loss_step').get(49), 7.628580570220947);
  assert.equal(log.runs[0].config.num_layers, 12);
  assert.equal(log.runs[0].config.d_model, 768);
  assert.equal(log.runs[0].name, 'lightning-csv/version_0');
});

test('non-finite cells, short rows and a step going backwards are located; reading continues', async () => {
  const text = 'epoch,step,train_loss,val_loss\n0,49,5.0,\n0,99,nan,\n0,99,,4.5\n0,149\n0,60,4.0,\n0,199,3.9,\n';
  const log = await readLightningCsv(textSource('metrics.csv', text));
  const at = (code: string) => log.problems.filter((p) => p.code === code).map((p) => p.line);
  assert.deepEqual(at('run-log/non-finite'), [3]);
  assert.deepEqual(at('run-log/field-count'), [5]);
  assert.deepEqual(at('run-log/step-backwards'), [6]);
  // Going back to step 60 drops what the abandoned attempt logged after it (the NaN at 99).
  assert.deepEqual([...series(log, 'train_loss').entries()], [[49, 5], [60, 4], [199, 3.9]]);
  assert.equal(series(log, 'val_loss').get(99), 4.5);
});

test('hparams.yaml with Python object tags is read as far as it goes', async () => {
  const { readHparamsYaml } = await import('../../../../src/core/ingest/logs/lightningCsv');
  const { emptyRunInfo } = await import('../../../../src/core/ingest/logs/runLog');
  const run = emptyRunInfo('x');
  readHparamsYaml('n_layer: 4\nloss_fn: !!python/object:torch.nn.CrossEntropyLoss\n  reduction: mean\nd_model: 256\n', 'hparams.yaml', run);
  assert.equal(run.config.n_layer, 4);
  assert.equal(run.config.d_model, 256);
});
