import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mlflowRunReader, readMlflowRun } from '../../../../src/core/ingest/logs/mlflow';
import { fixture, series } from './helpers';

const EXP = fixture('made/mlruns/0');

test('an MLflow run: metrics by step (nested names too), params as config, the run name from meta.yaml', async () => {
  const log = await readMlflowRun(`${EXP}/0a1b2c3d4e5f60718293a4b5c6d7e8f9`);
  assert.equal(log.format, 'mlflow');
  assert.deepEqual(log.problems, []);
  assert.equal(log.runs[0].name, 'llama-1024x16');
  assert.equal(log.runs[0].id, '0a1b2c3d4e5f60718293a4b5c6d7e8f9');
  assert.equal(log.runs[0].config.hidden_size, 1024);
  assert.equal(log.runs[0].config.model_type, 'llama');
  assert.equal(log.runs[0].config.tie_word_embeddings, 'False');
  const loss = series(log, 'loss');
  assert.equal(loss.size, 11);
  assert.equal(loss.get(1000), 3.181818);
  assert.deepEqual([...series(log, 'eval/loss').keys()], [0, 250, 500, 750, 1000]);
  // One row per step, metrics logged at that step side by side.
  const row = log.rows.find((r) => r.values.step === 500)!;
  assert.equal(row.values.loss, 3.333333);
  assert.equal(row.values['eval/loss'], 3.433333);
  assert.equal(row.values.lr, 0.0003);
});

test('bad lines are located and skipped; a step going backwards drops the abandoned attempt', async () => {
  const log = await readMlflowRun(`${EXP}/1b2c3d4e5f60718293a4b5c6d7e8f90a`);
  const byCode = (c: string) => log.problems.filter((p) => p.code === c);
  const nan = byCode('run-log/non-finite');
  assert.equal(nan.length, 1);
  assert.equal(nan[0].line, 5);
  assert.equal(nan[0].column, '1700000400000 '.length + 1);
  assert.match(nan[0].file, /metrics\/loss$/);
  assert.equal(byCode('mlflow/bad-line')[0].line, 6);
  const back = byCode('run-log/step-backwards');
  assert.equal(back.length, 1);
  assert.equal(back[0].line, 7);
  // Steps 200..400 come from the resumed attempt; the NaN at 400 was replaced.
  assert.deepEqual([...series(log, 'loss').entries()], [[0, 4], [100, 3.9], [200, 3.75], [300, 3.7], [400, 3.65]]);
  assert.equal(log.runs[0].name, 'pythia-160m-resumed');
});

test('a killed run with no metrics is read with a note, and MLflow folders are told from experiment folders', async () => {
  const log = await readMlflowRun(`${EXP}/2c3d4e5f60718293a4b5c6d7e8f90a1b`);
  assert.equal(log.rows.length, 0);
  assert.ok(log.runs[0].notes.some((n) => /KILLED/.test(n)));
  assert.ok(log.runs[0].notes.some((n) => /No metrics/.test(n)));
  const dir = (n: string) => ({ name: n, isDirectory: true, isFile: false });
  const file = (n: string) => ({ name: n, isDirectory: false, isFile: true });
  assert.ok(mlflowRunReader.recognise('x', [file('meta.yaml'), dir('metrics'), dir('params')]) as number > 0);
  assert.equal(mlflowRunReader.recognise('0', [file('meta.yaml'), dir('0a1b2c3d')]), 0);
});

test('a metric file cut mid-line by a killed process: the partial line is reported, earlier lines kept', async () => {
  const { cpSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-'));
  try {
    cpSync(`${EXP}/0a1b2c3d4e5f60718293a4b5c6d7e8f9`, join(dir, 'run'), { recursive: true });
    writeFileSync(join(dir, 'run', 'metrics', 'loss'), '1700000000000 4.0 0\n1700000001000 3.5 100\n17000000020');
    const log = await readMlflowRun(join(dir, 'run'));
    const p = log.problems.find((x) => x.code === 'mlflow/bad-line')!;
    assert.equal(p.line, 3);
    assert.deepEqual([...series(log, 'loss').entries()], [[0, 4], [100, 3.5]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
