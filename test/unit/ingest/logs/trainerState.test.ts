import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { textSource } from '../../../../src/core/ingest/source';
import { readTrainerState, trainerFolderReader, trainerStateReader } from '../../../../src/core/ingest/logs/trainerState';
import { fixture, series } from './helpers';

test('a real trainer_state.json: log_history merged per step, with config.json and all_results.json', async () => {
  const dir = fixture('real/hf-trainer-state');
  const log = await readTrainerState(textSource('trainer_state.json', readFileSync(`${dir}/trainer_state.json`, 'utf8')), { dir });
  assert.deepEqual(log.problems, []);
  const evalLoss = series(log, 'eval_loss');
  assert.equal(evalLoss.size, 10);
  assert.equal(evalLoss.get(549), 0.6597685217857361);
  assert.equal(evalLoss.get(5490), 0.4916660189628601);
  assert.equal(series(log, 'loss').get(500), 1.1409);
  // The prediction entries carry no step: they sit with the evaluation they followed.
  assert.equal(series(log, 'predict_loss').get(549), 0.6476863622665405);
  const run = log.runs[0];
  assert.equal(run.config.d_model, 1024);
  assert.equal(run.config.train_batch_size, 6);
  assert.equal(run.config.global_step, 5490);
  assert.equal(run.summary.train_loss, 0.4479398911550831);
  assert.ok(!('id2label.0' in run.config));
});

test('NaN written bare by Python is reported at its line; the rest of the entry is kept', async () => {
  const dir = fixture('made/hf/llama-tiny');
  const text = readFileSync(`${dir}/trainer_state.json`, 'utf8');
  const log = await readTrainerState(textSource('trainer_state.json', text), { dir });
  const nan = log.problems.filter((p) => p.code === 'run-log/non-finite');
  assert.equal(nan.length, 1);
  assert.equal(text.split('\n')[nan[0].line - 1].trim(), '"grad_norm": NaN,');
  assert.equal(series(log, 'loss').get(40), 6 - 40 / 50);
  assert.equal(series(log, 'grad_norm').get(40), null);
});

test('a truncated file (a checkpoint cut while saving) and a log going backwards are reported, not thrown', async () => {
  const text = readFileSync(fixture('made/hf/llama-tiny/trainer_state.json'), 'utf8');
  const cut = await readTrainerState(textSource('trainer_state.json', text.slice(0, 700)));
  assert.equal(cut.rows.length, 0);
  assert.equal(cut.problems[0].code, 'run-log/bad-json');
  assert.ok(cut.problems[0].line > 1);

  const back = JSON.stringify({ global_step: 30, log_history: [{ loss: 3, step: 10 }, { loss: 2.5, step: 30 }, { loss: 2.8, step: 20 }] }, null, 2);
  const log = await readTrainerState(textSource('trainer_state.json', back));
  const p = log.problems.find((x) => x.code === 'run-log/step-backwards')!;
  assert.equal(back.split('\n')[p.line - 1].trim(), '{');
  assert.equal(back.split('\n')[p.line].trim(), '"loss": 2.8,');
});

test('detection by name and content; the folder reader falls back to the latest checkpoint', async () => {
  assert.ok(trainerStateReader.detect('out/trainer_state.json', '{') > 0.8);
  assert.ok(trainerStateReader.detect('state.json', '{"global_step": 1, "log_history": [') > 0.5);
  assert.equal(trainerStateReader.detect('config.json', '{"vocab_size": 3}'), 0);
  const entries = [{ name: 'checkpoint-500', isDirectory: true, isFile: false }];
  assert.ok((trainerFolderReader.recognise('out', entries) as number) > 0);
});

test('a Trainer folder without a final trainer_state.json is read from its latest checkpoint', async () => {
  const { cpSync, mkdtempSync, mkdirSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const out = mkdtempSync(join(tmpdir(), 'hf-'));
  try {
    for (const c of ['checkpoint-50', 'checkpoint-100']) {
      mkdirSync(join(out, c));
      cpSync(fixture('made/hf/llama-tiny/trainer_state.json'), join(out, c, 'trainer_state.json'));
      cpSync(fixture('made/hf/llama-tiny/config.json'), join(out, c, 'config.json'));
    }
    const log = await trainerFolderReader.read(out);
    assert.ok(log.runs[0].notes.some((n) => /checkpoint-100/.test(n)));
    assert.match(log.file, /checkpoint-100\/trainer_state\.json$/);
    assert.equal(log.runs[0].config.hidden_size, 256);
    assert.equal(series(log, 'eval_loss').get(100), 4.1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
