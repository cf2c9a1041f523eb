import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mappingText, parseSweepMapping, readSweep, sweepFitData, type Sweep } from '../../../../src/core/ingest/sweep';
import { FIXTURES } from './helpers';

let cached: Sweep | undefined;
const sweep = async () => (cached ??= await readSweep(FIXTURES));
const point = (s: Sweep, key: string) => {
  const p = s.points.find((x) => x.key === key);
  assert.ok(p, `no point ${key}`);
  return p;
};

test('a mixed folder (W&B, MLflow, TensorBoard, HF Trainer, Lightning, W&B exports, plain CSV) is one sweep with every run accounted for', async () => {
  const s = await sweep();
  const status = Object.fromEntries(s.runs.map((r) => [r.key, r.status]));
  assert.deepEqual(status, {
    'made/exports/wandb_export_2024-01-01T00_00_00.000+00_00.csv#gpt-70m': 'point',
    'made/exports/wandb_export_2024-01-01T00_00_00.000+00_00.csv#gpt-160m': 'point',
    'made/exports/wandb_export_2024-01-02T00_00_00.000+00_00.csv#gpt-410m': 'point',
    'made/exports/wandb_export_2024-01-02T00_00_00.000+00_00.csv#gpt-1b': 'point',
    'made/hf/llama-tiny': 'point',
    'made/mlruns/0/0a1b2c3d4e5f60718293a4b5c6d7e8f9': 'point',
    'made/mlruns/0/1b2c3d4e5f60718293a4b5c6d7e8f90a': 'point',
    'made/mlruns/0/2c3d4e5f60718293a4b5c6d7e8f90a1b': 'skipped',
    'made/plain/run-1b.csv': 'point',
    'made/plain/sweep.csv#small': 'point',
    'made/plain/sweep.csv#medium': 'point',
    'made/tensorboard/gpt-160m': 'point',
    'made/wandb/run-20200101_000000-old1': 'point',
    'made/wandb/run-20240101_000000-abc123': 'point',
    'made/wandb/run-20240102_000000-bad999': 'skipped',
    'real/hf-trainer-state': 'point',
    'real/lightning-csv/version_0/metrics.csv': 'point',
    'real/tensorboard-keras/Exp_2_sgd_200_0.2': 'point',
    'real/wandb-offline/run-20230329_020146-ruzz7bps': 'point',
  });
  assert.equal(s.points.length, s.runs.filter((r) => r.status === 'point').length);
  const skipped = s.runs.filter((r) => r.status === 'skipped');
  assert.match(skipped[0].reason!, /no metrics logged.*KILLED/);
  assert.match(skipped[1].reason!, /no metrics could be read: .*corrupt.*run-bad999\.wandb:1/);
  assert.equal(new Set(s.points.map((p) => p.format)).size, 7);
  assert.deepEqual(s.ignored.count, 0);
});

test('N, D and C say how they were derived: exact architecture, steps × batch × length, 6·N·D, given FLOPs', async () => {
  const s = await sweep();
  const llama = point(s, 'made/mlruns/0/0a1b2c3d4e5f60718293a4b5c6d7e8f9');
  // 16 Llama blocks of width 1024 (MLP 2816, untied 32k vocabulary), counted term by term.
  assert.equal(llama.N.value, 271_090_688);
  assert.equal(llama.N.method, 'architecture');
  assert.equal(llama.D.value, 1000 * 256 * 1024);
  assert.match(llama.D.how, /global_batch_size=256.*seq_len=1024/);
  assert.equal(llama.C.value, 6 * 271_090_688 * 1000 * 256 * 1024);
  assert.equal(llama.C.method, '6ND');
  assert.equal(llama.lossColumn, 'eval/loss');
  assert.equal(llama.finalLoss.value, 3.281818);

  const resumed = point(s, 'made/mlruns/0/1b2c3d4e5f60718293a4b5c6d7e8f90a');
  assert.equal(resumed.N.method, 'name');
  assert.equal(resumed.N.value, 160e6);
  assert.equal(resumed.D.value, 400 * 64 * 2 * 2048);
  assert.match(resumed.D.how, /gradient_accumulation_steps=2.*no number of devices/);

  const hf = point(s, 'made/hf/llama-tiny');
  assert.equal(hf.N.value, 11_094_272);
  assert.equal(hf.C.method, 'column');
  assert.match(hf.C.how, /total_flos/);
  assert.equal(hf.C.alternatives?.[0].method, '6ND');
  assert.match(hf.D.how, /assumes every sequence fills it/);

  const wandb = point(s, 'made/wandb/run-20240101_000000-abc123');
  assert.match(wandb.steps.how, /trainer\/global_step/);
  assert.equal(wandb.D.value, 390 * 64 * 1024);
  assert.ok(wandb.N.alternatives?.some((a) => a.method === 'name' && a.value === 70e6));

  const table = point(s, 'made/plain/sweep.csv#small');
  assert.deepEqual([table.N.value, table.D.value, table.finalLoss.value], [1.6e8, 3.2e9, 3.1]);

  const keras = point(s, 'real/tensorboard-keras/Exp_2_sgd_200_0.2');
  assert.deepEqual(keras.missing, ['N', 'D', 'C']);
  assert.match(keras.N.how, /\.scaling-lens\.json/);
});

test('final and best loss: last logged and lowest, of the validation loss when there is one', async () => {
  const s = await sweep();
  const real = point(s, 'real/wandb-offline/run-20230329_020146-ruzz7bps');
  assert.equal(real.finalLoss.value, 0.7088568210601807);
  assert.ok(real.bestLoss.value! < real.finalLoss.value!);
  const hf = point(s, 'real/hf-trainer-state');
  assert.equal(hf.lossColumn, 'eval_loss');
  assert.equal(hf.finalLoss.value, 0.4916660189628601);
  assert.ok(hf.finalLoss.alternatives!.some((a) => /'loss'/.test(a.how)));
  const tb = point(s, 'made/tensorboard/gpt-160m');
  assert.equal(tb.lossColumn, 'eval/loss');
  assert.equal(tb.finalLoss.value, Math.fround(3.1));
  const fit = sweepFitData(s);
  assert.equal(fit.runs.length, s.points.length);
  assert.ok(Number.isNaN(fit.N[fit.runs.indexOf('real/tensorboard-keras/Exp_2_sgd_200_0.2')]));
});

test('.scaling-lens.json: mapped columns, per-run overrides and exclusions; its mistakes are located', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'sweep-'));
  try {
    const mapping = {
      columns: { L: 'loss', seqLen: 'seq_len', bogus: 'x' },
      size: 'non-embedding',
      runs: { 'real/tensorboard-keras/Exp_2_sgd_200_0.2': { N: 1.2e6, D: 6e7 }, 'gpt-1b': { exclude: true }, ruzz7bps: { N: 'big' } },
    };
    writeFileSync(join(ws, '.scaling-lens.json'), JSON.stringify(mapping, null, 2));
    const s = await readSweep(FIXTURES, { workspace: ws });
    assert.equal(s.size, 'non-embedding');
    assert.equal(s.mappingFile, '.scaling-lens.json');
    const keras = point(s, 'real/tensorboard-keras/Exp_2_sgd_200_0.2');
    assert.deepEqual([keras.N.value, keras.N.method, keras.D.value, keras.C.value], [1.2e6, 'override', 6e7, 6 * 1.2e6 * 6e7]);
    assert.equal(s.runs.find((r) => r.key.endsWith('#gpt-1b'))!.reason, 'excluded in .scaling-lens.json');
    // The mapped loss column wins over the validation loss where a run has it.
    assert.equal(point(s, 'made/mlruns/0/0a1b2c3d4e5f60718293a4b5c6d7e8f9').lossColumn, 'loss');
    // Non-embedding N for an exact count: blocks and final norm only.
    assert.equal(point(s, 'made/mlruns/0/0a1b2c3d4e5f60718293a4b5c6d7e8f9').N.value, 205_554_688);
    assert.equal(point(s, 'made/mlruns/0/0a1b2c3d4e5f60718293a4b5c6d7e8f9').otherN?.value, 271_090_688);
    const codes = s.problems.filter((p) => p.file === '.scaling-lens.json').map((p) => [p.code, p.line]);
    assert.deepEqual(codes, [['mapping/unknown-role', 5], ['mapping/override-value', 17]]);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('a mapping file that is not JSON is reported where it breaks; saving keeps other keys', () => {
  const bad = parseSweepMapping('{\n  "columns": {"L": "loss",}\n}', '.scaling-lens.json');
  assert.equal(bad.problems[0].code, 'mapping/bad-json');
  assert.equal(bad.problems[0].line, 2);
  const text = mappingText('{"laws": ["chinchilla"], "runs": {"a": {"N": 1}}}', { columns: { L: 'eval/loss' }, runs: {} });
  assert.deepEqual(JSON.parse(text), { laws: ['chinchilla'], columns: { L: 'eval/loss' } });
});

test('a single file can be the sweep: a W&B runs export gives one point per row', async () => {
  const s = await readSweep(join(FIXTURES, 'made/exports/wandb_export_2024-01-02T00_00_00.000+00_00.csv'));
  assert.deepEqual(s.points.map((p) => [p.run, p.N.value, p.finalLoss.value]), [['gpt-410m', 410e6, 2.95], ['gpt-1b', 1e9, 2.8]]);
});
