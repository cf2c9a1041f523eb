import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProblemSink } from '../../../../src/core/ingest/problem';
import { bytesSource } from '../../../../src/core/ingest/logs/bytes';
import { crc32 } from '../../../../src/core/ingest/logs/crc32';
import { BLOCK_SIZE, readWandbLog } from '../../../../src/core/ingest/logs/leveldbLog';
import { emptyRunInfo, StepRows } from '../../../../src/core/ingest/logs/runLog';
import { readTransactionLog, readWandbRun, wandbOfflineReader } from '../../../../src/core/ingest/logs/wandbOffline';
import { codes, fixture, fixtureBytes, series } from './helpers';

const REAL = fixture('real/wandb-offline/run-20230329_020146-ruzz7bps');
const MADE = fixture('made/wandb/run-20240101_000000-abc123');
const realLog = () => fixtureBytes('real/wandb-offline/run-20230329_020146-ruzz7bps/run-ruzz7bps.wandb');

async function records(bytes: Uint8Array, chunk?: number) {
  const out: { index: number; offset: number; length: number }[] = [];
  const problems: { code: string; offset: number; record: number }[] = [];
  for await (const item of readWandbLog(bytesSource('run.wandb', bytes, chunk))) {
    if ('record' in item) out.push({ index: item.record.index, offset: item.record.offset, length: item.record.data.length });
    else problems.push(item.problem);
  }
  return { records: out, problems };
}

async function history(bytes: Uint8Array) {
  const sink = new ProblemSink('run.wandb');
  const run = emptyRunInfo('x');
  const steps = new StepRows('_step', (p) => sink.add(p), 'record');
  await readTransactionLog(bytesSource('run.wandb', bytes), run, steps, sink);
  return { rows: steps.rows(), problems: sink.finish(), run };
}

test('a real offline run (W&B 0.14, killed by hand) yields every logged step, its config and summary', async () => {
  const log = await readWandbRun(REAL);
  assert.equal(log.format, 'wandb');
  assert.equal(log.rowUnit, 'record');
  assert.equal(log.rows.length, 1750);
  assert.deepEqual(log.problems, []);
  const run = log.runs[0];
  assert.equal(run.id, 'ruzz7bps');
  assert.equal(run.config['optimizer.bs'], 4);
  assert.equal(run.config['optimizer.lr'], 0.001);
  assert.equal(run.config.dataset, 'IMDB');
  assert.ok(!Object.keys(run.config).some((k) => k.startsWith('_wandb')));
  // The history's last step agrees with what W&B kept in wandb-summary.json.
  const last = log.rows[log.rows.length - 1].values;
  assert.equal(last._step, 1749);
  assert.equal(last.train_loss_local, run.summary.train_loss_local);
  assert.equal(last.train_loss_local, 0.7088568210601807);
  assert.ok(run.notes.some((n) => /exited with code 255/.test(n)));
});

test('the framing checks every chunk with zlib CRC-32 over type byte and payload, in any chunking of the stream', async () => {
  const bytes = realLog();
  const whole = await records(bytes);
  // 2,658 chunks: 2,622 FULL and 18 records split FIRST/LAST across blocks.
  assert.equal(whole.records.length, 2640);
  assert.deepEqual(whole.problems, []);
  // Same records when the stream arrives in odd-sized pieces (straddling headers and blocks).
  const pieces = await records(bytes, 4093);
  assert.deepEqual(pieces.records, whole.records);
});

test('a file cut inside a record (killed mid-write) yields every record before it, with a warning', async () => {
  const bytes = realLog();
  const cut = bytes.subarray(0, 100_003);
  const { records: recs, problems } = await records(cut);
  assert.ok(recs.length > 300);
  const full = (await records(bytes)).records;
  assert.deepEqual(recs, full.slice(0, recs.length));
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'wandb/truncated');
  const h = await history(cut);
  assert.ok(h.rows.length > 150);
  assert.ok(h.run.notes.some((n) => /No exit record/.test(n)));
});

test('a corrupt chunk costs the rest of its block; reading resumes with the next block', async () => {
  const bytes = realLog().slice();
  // Flip a payload byte of a record in the third block.
  const target = (await records(bytes)).records.find((r) => r.offset > 2 * BLOCK_SIZE + 100)!;
  bytes[target.offset + 7 + 3] ^= 0xff;
  const { records: recs, problems } = await records(bytes);
  assert.equal(problems[0].code, 'wandb/bad-checksum');
  assert.equal(problems[0].offset, target.offset);
  assert.match(problems[0].offset.toString(), /^\d+$/);
  // Records from the fourth block on are all read.
  const full = (await records(realLog())).records;
  const later = full.filter((r) => r.offset >= 3 * BLOCK_SIZE).length;
  assert.ok(recs.filter((r) => r.offset >= 3 * BLOCK_SIZE).length >= later - 1);
  assert.ok(recs.length < full.length);
  const h = await history(bytes);
  assert.ok(h.rows.length > 1600);
  assert.ok(h.problems.some((p) => p.code === 'wandb/bad-checksum' && /byte \d+/.test(p.message)));
});

test('a generated run: a record spanning FIRST/MIDDLE/LAST chunks, a NaN, nested keys, the display name', async () => {
  const log = await readWandbRun(MADE);
  const run = log.runs[0];
  assert.equal(run.name, 'gpt-70m-lr1e-3');
  assert.equal(run.config.n_layer, 6);
  assert.equal(run.config.d_model, 512);
  const loss = series(log, 'loss', '_step');
  assert.equal(loss.size, 40);
  for (const [step, v] of loss) assert.equal(v, step === 20 ? null : 3.5 + 2.0 / (1 + step / 5), `step ${step}`);
  const nan = log.problems.find((p) => p.code === 'run-log/non-finite')!;
  assert.match(nan.message, /'loss' is NaN at step 20/);
  assert.deepEqual([...series(log, 'eval.loss', '_step').keys()], [0, 10, 20, 30]);
  // The 80 KB table at step 30 crossed block boundaries; the row around it is intact.
  assert.equal(series(log, 'trainer/global_step', '_step').get(30), 300);
  assert.ok(run.notes.some((n) => /not scalars/.test(n)));
  assert.ok(!run.notes.some((n) => /No exit record/.test(n)));
  assert.deepEqual(codes(log), ['run-log/non-finite']);
});

test('the older layout: wandb-history.jsonl at the top, with a bare NaN', async () => {
  const log = await readWandbRun(fixture('made/wandb/run-20200101_000000-old1'));
  assert.deepEqual([...series(log, 'loss', '_step').entries()], [[0, 5], [1, 4.9], [2, null], [3, 4.7], [4, 4.6]]);
  assert.equal(log.runs[0].config.model_size, '410M');
  assert.equal(log.problems.filter((p) => p.code === 'run-log/non-finite').length, 1);
  assert.equal(log.problems[0].line, 3);
});

test('a log of junk after the header gives located errors and no rows, never an exception', async () => {
  const log = await readWandbRun(fixture('made/wandb/run-20240102_000000-bad999'));
  assert.equal(log.rows.length, 0);
  assert.ok(log.problems.length >= 1);
  assert.ok(log.problems.every((p) => p.severity === 'error' || p.severity === 'warning'));
  assert.ok(log.problems.some((p) => p.code.startsWith('wandb/')));
});

test('a file that is not a W&B log is reported, not read', async () => {
  const { records: recs, problems } = await records(new TextEncoder().encode('hello, world'));
  assert.equal(recs.length, 0);
  assert.equal(problems[0].code, 'wandb/bad-header');
});

test('a record checksum made with CRC-32C instead of zlib CRC-32 is rejected', async () => {
  // Guards the CRC variant: a FULL chunk whose checksum covers only the payload (no type byte) fails.
  const payload = Uint8Array.of(8, 1);
  const head = Uint8Array.of(0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0);
  const chunk = new Uint8Array(7 + payload.length);
  new DataView(chunk.buffer).setUint32(0, crc32(payload), true);
  chunk[4] = payload.length;
  chunk[6] = 1;
  chunk.set(payload, 7);
  const bad = await records(new Uint8Array([...head, ...chunk]));
  assert.equal(bad.problems[0].code, 'wandb/bad-checksum');
  new DataView(chunk.buffer).setUint32(0, crc32(payload, crc32(Uint8Array.of(1))), true);
  const good = await records(new Uint8Array([...head, ...chunk]));
  assert.deepEqual(good.problems, []);
  assert.equal(good.records.length, 1);
});

test('the folder reader recognises run folders and reads a broken copy on disk without throwing', async () => {
  assert.ok((await wandbOfflineReader.recognise('run-20230329_020146-ruzz7bps', [{ name: 'run-ruzz7bps.wandb', isFile: true, isDirectory: false }])) > 0.9);
  assert.equal(await wandbOfflineReader.recognise('logs', [{ name: 'debug.log', isFile: true, isDirectory: false }]), 0);
  const dir = mkdtempSync(join(tmpdir(), 'wandb-'));
  try {
    cpSync(REAL, join(dir, 'run-20230329_020146-ruzz7bps'), { recursive: true });
    writeFileSync(join(dir, 'run-20230329_020146-ruzz7bps', 'files', 'config.yaml'), 'a: [unclosed\n');
    const log = await readWandbRun(join(dir, 'run-20230329_020146-ruzz7bps'));
    assert.equal(log.rows.length, 1750);
    assert.equal(log.problems[0].code, 'wandb/bad-config');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a history whose _step goes backwards (a resumed run) keeps the resumed values, with a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wandb-'));
  try {
    const run = join(dir, 'run-20240103_000000-res1');
    cpSync(fixture('made/wandb/run-20200101_000000-old1'), run, { recursive: true });
    const lines = [0, 1, 2, 3, 1, 2].map((s, i) => JSON.stringify({ _step: s, loss: i < 4 ? 5 - s / 10 : 4 - s / 10 }));
    writeFileSync(join(run, 'wandb-history.jsonl'), lines.join('\n') + '\n');
    const log = await readWandbRun(run);
    assert.deepEqual([...series(log, 'loss', '_step').entries()], [[0, 5], [1, 3.9], [2, 3.8]]);
    const back = log.problems.find((p) => p.code === 'run-log/step-backwards')!;
    assert.equal(back.line, 5);
    assert.match(back.file, /wandb-history\.jsonl$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
