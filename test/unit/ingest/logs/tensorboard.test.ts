import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesSource } from '../../../../src/core/ingest/logs/bytes';
import { tensorboardFileReader, tensorboardFolderReader } from '../../../../src/core/ingest/logs/tensorboard';
import { readTfRecords } from '../../../../src/core/ingest/logs/tfrecord';
import { codes, fixture, fixtureBytes, series } from './helpers';

const KERAS = fixture('real/tensorboard-keras/Exp_2_sgd_200_0.2');
const MADE = fixture('made/tensorboard/gpt-160m');
const MADE_FILE = 'made/tensorboard/gpt-160m/events.out.tfevents.1700000000.fixture.1.v2';
const f32 = Math.fround;

async function frame(bytes: Uint8Array, chunk?: number) {
  const recs: { index: number; offset: number; length: number }[] = [];
  const problems: { code: string; offset: number }[] = [];
  for await (const item of readTfRecords(bytesSource('events.out.tfevents.x', bytes, chunk))) {
    if ('record' in item) recs.push({ index: item.record.index, offset: item.record.offset, length: item.record.data.length });
    else problems.push(item.problem);
  }
  return { recs, problems };
}

test('Keras TF2 event files: epoch scalars stored as tensors, per split, match values read by an independent decoder', async () => {
  const log = await tensorboardFolderReader.read(KERAS);
  assert.deepEqual(log.problems, []);
  const trainLoss = series(log, 'train/epoch_loss');
  const valLoss = series(log, 'validation/epoch_loss');
  assert.equal(trainLoss.size, 10);
  // Values from `make_fixtures.py --dump` on the same files.
  assert.equal(trainLoss.get(0), 0.762484610080719);
  assert.equal(trainLoss.get(1), 0.3989647328853607);
  assert.equal(series(log, 'train/epoch_accuracy').get(0), 0.7964791655540466);
  assert.equal(valLoss.get(9), 0.1662815660238266);
  assert.equal(series(log, 'validation/evaluation_loss_vs_iterations').get(15000), 0.1662815660238266);
  // Histograms and the graph are not scalars.
  assert.ok(!log.columns.some((c) => /kernel|bias|keras/.test(c)));
  assert.ok(log.runs[0].notes.some((n) => /not scalars/.test(n)));
});

test('generated events: simple_value, float / double / half tensors, known values; histograms skipped; NaN reported', async () => {
  const log = await tensorboardFileReader.read(bytesSource(MADE_FILE, fixtureBytes(MADE_FILE)));
  const loss = series(log, 'loss');
  assert.equal(loss.size, 21);
  for (const [step, v] of loss) assert.equal(v, step === 13 ? null : f32(2 + 3 / (1 + step / 10)), `loss at ${step}`);
  for (const [step, v] of series(log, 'eval/loss')) assert.equal(v, f32(2 + 3 / (1 + step / 10) + 0.1));
  assert.deepEqual([...series(log, 'eval/loss').keys()], [0, 5, 10, 15, 20]);
  assert.equal(series(log, 'tokens').get(20), 20 * 32 * 2048);
  assert.equal(series(log, 'grad_norm').get(7), 1.5);
  assert.ok(!log.columns.includes('weights'));
  assert.deepEqual(codes(log), ['run-log/non-finite']);
  assert.match(log.problems[0].message, /'loss' is NaN at step 13/);
  // Keras-style hyperparameters (hparams plugin) become the run's config.
  assert.equal(log.runs[0].config.n_layer, 12);
  assert.equal(log.runs[0].config.optimizer, 'adamw');
  assert.equal(log.runs[0].config.tied, true);
});

test('a restart (second event file going back to step 15) replaces the abandoned steps, with a warning', async () => {
  const log = await tensorboardFolderReader.read(MADE);
  const loss = series(log, 'loss');
  for (let s = 15; s <= 20; s++) assert.equal(loss.get(s), f32(1.9 + 3 / (1 + s / 10)), `step ${s} comes from the restart`);
  assert.equal(loss.get(14), f32(2 + 3 / (1 + 14 / 10)));
  const back = log.problems.filter((p) => p.code === 'run-log/step-backwards');
  assert.equal(back.length, 1);
  assert.match(back[0].file, /fixture\.2\.v2$/);
  assert.match(back[0].message, /Step 15 comes after step 20/);
  // Metrics the restart did not log again keep the first attempt's values.
  assert.equal(series(log, 'eval/loss').get(20), f32(2 + 3 / 3 + 0.1));
});

test('framing: same records in any chunking; a bad data checksum costs one record; a bad length checksum resynchronises', async () => {
  const bytes = fixtureBytes(MADE_FILE);
  const whole = await frame(bytes);
  assert.equal(whole.problems.length, 0);
  assert.deepEqual((await frame(bytes, 5)).recs, whole.recs);

  const dataBad = bytes.slice();
  const victim = whole.recs[5];
  dataBad[victim.offset + 12 + 2] ^= 0x40;
  const a = await frame(dataBad);
  assert.deepEqual(a.problems.map((p) => [p.code, p.offset]), [['tfrecord/bad-checksum', victim.offset]]);
  assert.equal(a.recs.length, whole.recs.length - 1);

  const lengthBad = bytes.slice();
  lengthBad[victim.offset + 9] ^= 0x01;
  const b = await frame(lengthBad);
  assert.equal(b.problems[0].code, 'tfrecord/bad-length-checksum');
  assert.equal(b.recs.length, whole.recs.length - 1);
  assert.deepEqual(b.recs.slice(5).map((r) => r.offset), whole.recs.slice(6).map((r) => r.offset));

  // Through the reader: the loss row of the damaged record is missing, the rest is there.
  const log = await tensorboardFileReader.read(bytesSource('x/events.out.tfevents.1', dataBad));
  assert.ok(log.problems.some((p) => p.code === 'tfrecord/bad-checksum' && p.line === victim.index));
  assert.equal(series(log, 'loss').size, 20);
});

test('a file cut inside a record yields the records before it and a warning', async () => {
  const bytes = fixtureBytes(MADE_FILE);
  const { recs } = await frame(bytes);
  const cut = bytes.subarray(0, recs[10].offset + 30);
  const c = await frame(cut);
  assert.equal(c.recs.length, 10);
  assert.deepEqual(c.problems.map((p) => p.code), ['tfrecord/truncated']);
  const head = await frame(bytes.subarray(0, recs[3].offset + 5));
  assert.equal(head.recs.length, 3);
  assert.deepEqual(head.problems.map((p) => p.code), ['tfrecord/truncated']);
});

test('detection is by the event-file name', () => {
  assert.ok(tensorboardFileReader.detect('runs/x/events.out.tfevents.1690483747.host.1.v2', new Uint8Array()) > 0.9);
  assert.equal(tensorboardFileReader.detect('events.csv', new Uint8Array()), 0);
});
