/**
 * Streams a large generated TensorBoard event file and reports peak RSS and throughput, in
 * child processes so each measurement's high-water mark is its own:
 * - `stream`: every record framed and CRC-checked, every event decoded, scalars passed to a
 *   callback and dropped (streamTensorboardScalars);
 * - `table`: the reader the extension uses (tensorboardFileReader.read), which keeps every
 *   scalar as a row;
 * - `baseline`: the same child process doing nothing, for the runtime's own footprint.
 *
 *   node --import tsx bench/tensorboard-stream.ts [--mb 200] [--keep]
 *
 * Target (issue 7): 1 GB of events streamed with peak RSS < 500 MB. The default 200 MB keeps a
 * run short; pass --mb 1024 for the full size. The file mixes what training writes: per step
 * three simple_value scalars; every 10 steps eight [30, 3] histogram tensors; every 100 steps a
 * TF2 scalar tensor; every 1,000 steps a 64 KiB image. Scalars are ~13% of the bytes.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileByteSource } from '../src/core/ingest/logs/bytes';
import { crc32c, maskCrc32c } from '../src/core/ingest/logs/crc32';
import { streamTensorboardScalars, tensorboardFileReader } from '../src/core/ingest/logs/tensorboard';
import { ProblemSink } from '../src/core/ingest/problem';

// --- a minimal protobuf and TFRecord writer (the bench's own; fixtures use make_fixtures.py) ---

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const ld = (field: number, payload: Uint8Array | string) => {
  const b = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
};
const vint = (field: number, n: number) => Uint8Array.from([...varint(field << 3), ...varint(n)]);
const fixed = (field: number, wire: 1 | 5, write: (v: DataView) => void) => {
  const b = new Uint8Array(1 + (wire === 1 ? 8 : 4));
  b[0] = (field << 3) | wire;
  write(new DataView(b.buffer, 1));
  return b;
};
const f32 = (field: number, x: number) => fixed(field, 5, (v) => v.setFloat32(0, x, true));
const f64 = (field: number, x: number) => fixed(field, 1, (v) => v.setFloat64(0, x, true));

const event = (step: number, values: Uint8Array[]) => concat([f64(1, 1.7e9 + step * 0.1), vint(2, step), ld(5, concat(values.map((v) => ld(1, v))))]);
const simple = (tag: string, x: number) => concat([ld(1, tag), f32(2, x)]);
const tensorScalar = (tag: string, x: number) => {
  const content = new Uint8Array(4);
  new DataView(content.buffer).setFloat32(0, x, true);
  return concat([ld(1, tag), ld(8, concat([vint(1, 1), ld(2, new Uint8Array()), ld(4, content)]))]);
};
const histogram = (tag: string) => {
  const content = new Uint8Array(30 * 3 * 8);
  const v = new DataView(content.buffer);
  for (let i = 0; i < 30; i++) {
    v.setFloat64(i * 24, -1 + i / 15, true);
    v.setFloat64(i * 24 + 8, -1 + (i + 1) / 15, true);
    v.setFloat64(i * 24 + 16, 100 + i, true);
  }
  const shape = concat([ld(2, vint(1, 30)), ld(2, vint(1, 3))]);
  return concat([ld(1, tag), ld(8, concat([vint(1, 2), ld(2, shape), ld(4, content)]))]);
};
const image = (tag: string) => {
  const png = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 2654435761) >>> 24);
  return concat([ld(1, tag), ld(4, concat([vint(1, 256), vint(2, 256), vint(3, 3), ld(4, png)]))]);
};
const HISTOGRAMS = Array.from({ length: 8 }, (_, k) => histogram(`layer_${k}/weights`));
const IMAGE = image('samples/attention');

function tfrecord(data: Uint8Array): Uint8Array {
  const head = new Uint8Array(12);
  const v = new DataView(head.buffer);
  v.setUint32(0, data.length, true);
  v.setUint32(8, maskCrc32c(crc32c(head, 0, 0, 8)), true);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, maskCrc32c(crc32c(data)), true);
  return concat([head, data, tail]);
}

async function generate(path: string, bytes: number): Promise<{ steps: number; scalarBytes: number }> {
  const out = createWriteStream(path);
  const write = (b: Uint8Array) => (out.write(b) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  let written = 0;
  let scalarBytes = 0;
  let step = 0;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const push = async (rec: Uint8Array, scalar: boolean) => {
    batch.push(rec);
    batchBytes += rec.length;
    written += rec.length;
    if (scalar) scalarBytes += rec.length;
    if (batchBytes > 4 << 20) {
      await write(concat(batch));
      batch = [];
      batchBytes = 0;
    }
  };
  await push(tfrecord(concat([f64(1, 1.7e9), ld(3, 'brain.Event:2')])), false);
  while (written < bytes) {
    const loss = 2 + 3 / (1 + step / 1000);
    await push(tfrecord(event(step, [simple('train/loss', loss), simple('train/lr', 3e-4), simple('train/grad_norm', 1 + (step % 7) / 10)])), true);
    if (step % 10 === 0) await push(tfrecord(event(step, HISTOGRAMS)), false);
    if (step % 100 === 0) await push(tfrecord(event(step, [tensorScalar('eval/loss', loss + 0.1)])), true);
    if (step % 1000 === 0) await push(tfrecord(event(step, [IMAGE])), false);
    step++;
  }
  await write(concat(batch));
  await new Promise<void>((r) => out.end(() => r()));
  return { steps: step, scalarBytes };
}

interface ChildResult {
  mode: string;
  ms: number;
  maxRssMB: number;
  scalars: number;
  rows: number;
  problems: number;
}

async function child(mode: string, path: string): Promise<void> {
  const t0 = performance.now();
  let scalars = 0;
  let rows = 0;
  let problems = 0;
  if (mode === 'stream') {
    const sink = new ProblemSink(path);
    const stats = await streamTensorboardScalars(fileByteSource(path), () => scalars++, sink);
    problems = sink.finish().length;
    scalars = stats.scalars;
  } else if (mode === 'table') {
    const log = await tensorboardFileReader.read(fileByteSource(path));
    rows = log.rows.length;
    for (const r of log.rows) scalars += Object.keys(r.values).length - 1;
    problems = log.problems.length;
  }
  const result: ChildResult = { mode, ms: performance.now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024, scalars, rows, problems };
  console.log(JSON.stringify(result));
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2]);
  const i = args.indexOf('--mb');
  const mb = i >= 0 ? Number(args[i + 1]) : 200;
  const dir = join(tmpdir(), `scaling-lens-bench-tfevents-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'events.out.tfevents.1700000000.bench.1.v2');
  try {
    const g0 = performance.now();
    const { steps, scalarBytes } = await generate(path, mb * 2 ** 20);
    const size = statSync(path).size;
    console.log(`generated ${(size / 2 ** 20).toFixed(0)} MiB, ${steps.toLocaleString('en-US')} steps (scalar events ${((100 * scalarBytes) / size).toFixed(0)}% of bytes) in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    for (const mode of ['baseline', 'stream', 'table']) {
      const p = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (p.status !== 0) throw new Error(`${mode} failed: ${p.stderr}`);
      const r = JSON.parse(p.stdout.trim().split('\n').pop()!) as ChildResult;
      if (mode === 'baseline') {
        console.log(`baseline (node + tsx, no reading): peak RSS ${r.maxRssMB.toFixed(0)} MB`);
        continue;
      }
      const mbps = size / 2 ** 20 / (r.ms / 1000);
      console.log(
        `${mode.padEnd(6)}: ${(r.ms / 1000).toFixed(1)} s, ${mbps.toFixed(0)} MiB/s, peak RSS ${r.maxRssMB.toFixed(0)} MB; ${r.scalars.toLocaleString('en-US')} scalars${r.rows ? ` in ${r.rows.toLocaleString('en-US')} rows` : ''}, ${r.problems} problems` +
          (mb >= 1024 ? ` (target at 1 GB: < 500 MB: ${r.maxRssMB < 500 ? 'met' : 'NOT met'})` : ''),
      );
    }
    if (mb < 1024) console.log(`(run with --mb 1024 for the issue's 1 GB target; at ${mb} MiB the streaming path's RSS does not grow with the file, the table's grows with its rows)`);
  } finally {
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
