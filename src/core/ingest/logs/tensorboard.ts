import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import protobuf from 'protobufjs';
import { ProblemSink } from '../problem';
import type { WorkOptions } from '../../work';
import { fileByteSource, type ByteSource } from './bytes';
import {
  addBinaryProblem,
  displayNameFor,
  emptyRunInfo,
  StepRows,
  stepLog,
  type BinaryLogReader,
  type DirEntry,
  type FolderLogReader,
  type LogReadOptions,
  type RunInfo,
  type RunLog,
} from './runLog';
import { readTfRecords } from './tfrecord';

/**
 * TensorBoard event files (`events.out.tfevents.*`): TFRecord framing (tfrecord.ts) around
 * `tensorflow.Event` messages. Scalars come in two shapes:
 * - `simple_value` (TF1 `tf.summary.scalar`, PyTorch's SummaryWriter, tensorboardX);
 * - a rank-0 tensor (TF2 `tf.summary.scalar`, which Keras' TensorBoard callback uses), tagged
 *   with the `scalars` plugin in the metadata of the tag's first event only.
 * Histograms, images, text and graphs are skipped. Keras' hyperparameters (the `hparams`
 * plugin's session start info) become the run's config.
 *
 * The schema declares only what is read, with the field numbers of tensorflow/core/util/
 * event.proto, framework/summary.proto, framework/tensor.proto, framework/tensor_shape.proto
 * and tensorboard/plugins/hparams/plugin_data.proto.
 */
const SCHEMA = `
syntax = "proto3";
message Event {
  double wall_time = 1;
  int64 step = 2;
  string file_version = 3;
  Summary summary = 5;
}
message Summary { repeated Value value = 1; }
message Value {
  string tag = 1;
  SummaryMetadata metadata = 9;
  oneof value {
    float simple_value = 2;
    TensorProto tensor = 8;
  }
}
message SummaryMetadata {
  PluginData plugin_data = 1;
  int32 data_class = 4;
}
message PluginData { string plugin_name = 1; bytes content = 2; }
message TensorProto {
  int32 dtype = 1;
  TensorShape tensor_shape = 2;
  bytes tensor_content = 4;
  repeated float float_val = 5;
  repeated double double_val = 6;
  repeated int32 int_val = 7;
  repeated int64 int64_val = 10;
  repeated bool bool_val = 11;
  repeated int32 half_val = 13;
}
message TensorShape { repeated Dim dim = 2; bool unknown_rank = 3; }
message Dim { int64 size = 1; }
message HParamsPluginData {
  int32 version = 1;
  SessionStartInfo session_start_info = 3;
}
message SessionStartInfo { map<string, HValue> hparams = 1; string group_name = 4; }
message HValue {
  oneof kind {
    int32 null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
  }
}
`;

type Long = { toNumber(): number };
type Int64 = number | Long;
interface TensorProto {
  dtype: number;
  tensor_shape?: { dim: { size: Int64 }[]; unknown_rank: boolean };
  tensor_content: Uint8Array;
  float_val: number[];
  double_val: number[];
  int_val: number[];
  int64_val: Int64[];
  bool_val: boolean[];
  half_val: number[];
}
interface SummaryValue {
  tag: string;
  metadata?: { plugin_data?: { plugin_name: string; content: Uint8Array }; data_class: number };
  value?: 'simple_value' | 'tensor';
  simple_value: number;
  tensor?: TensorProto;
}
interface TfEvent {
  wall_time: number;
  step: Int64;
  summary?: { value: SummaryValue[] };
}
interface HParamsData {
  session_start_info?: { hparams: Record<string, { kind?: string; number_value?: number; string_value?: string; bool_value?: boolean }> };
}

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const EventType = root.lookupType('Event');
const HParamsType = root.lookupType('HParamsPluginData');

const toNumber = (v: Int64): number => (typeof v === 'number' ? v : v.toNumber());

const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_BFLOAT16 = 14;
const DT_HALF = 19;
/** The `scalars` plugin's data class; histograms and images use TENSOR / BLOB_SEQUENCE. */
const DATA_CLASS_SCALAR = 1;

export const EVENT_FILE = /^events\.out\.tfevents\./;

function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function bfloat16ToNumber(bits: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, (bits & 0xffff) << 16);
  return buf.getFloat32(0);
}

/** The value of a one-element numeric tensor, or undefined when the tensor is not a scalar. */
export function scalarOfTensor(t: TensorProto): number | undefined {
  const dims = t.tensor_shape?.dim ?? [];
  let count = 1;
  for (const d of dims) count *= toNumber(d.size);
  if (count !== 1 || t.tensor_shape?.unknown_rank) return undefined;
  const c = t.tensor_content;
  if (c && c.length > 0) {
    const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
    switch (t.dtype) {
      case DT_FLOAT:
        return c.length >= 4 ? view.getFloat32(0, true) : undefined;
      case DT_DOUBLE:
        return c.length >= 8 ? view.getFloat64(0, true) : undefined;
      case DT_INT32:
        return c.length >= 4 ? view.getInt32(0, true) : undefined;
      case DT_INT64:
        return c.length >= 8 ? Number(view.getBigInt64(0, true)) : undefined;
      case DT_BOOL:
        return c[0] ? 1 : 0;
      case DT_HALF:
        return c.length >= 2 ? halfToNumber(view.getUint16(0, true)) : undefined;
      case DT_BFLOAT16:
        return c.length >= 2 ? bfloat16ToNumber(view.getUint16(0, true)) : undefined;
      default:
        return undefined;
    }
  }
  switch (t.dtype) {
    case DT_FLOAT:
      return t.float_val[0];
    case DT_DOUBLE:
      return t.double_val[0];
    case DT_INT32:
      return t.int_val[0];
    case DT_INT64:
      return t.int64_val.length ? toNumber(t.int64_val[0]) : undefined;
    case DT_BOOL:
      return t.bool_val.length ? (t.bool_val[0] ? 1 : 0) : undefined;
    case DT_HALF:
      return t.half_val.length ? halfToNumber(t.half_val[0]) : undefined;
    case DT_BFLOAT16:
      return t.half_val.length ? bfloat16ToNumber(t.half_val[0]) : undefined;
    default:
      return undefined;
  }
}

export interface Scalar {
  tag: string;
  step: number;
  wallTime: number;
  value: number;
  /** The record it came from (1-based) and the record's byte offset. */
  record: number;
  offset: number;
}

export interface EventStreamStats {
  records: number;
  events: number;
  scalars: number;
  /** Summary values that are not scalars (histograms, images, text, graphs' metadata). */
  skipped: number;
  hparams: Record<string, number | string | boolean>;
}

/**
 * Streams the scalars of one event file to `onScalar`, without keeping them: for files too big
 * to hold as a table, and for the table readers below.
 */
export async function streamTensorboardScalars(
  source: ByteSource,
  onScalar: (s: Scalar) => void,
  sink: ProblemSink,
  work: WorkOptions = {},
): Promise<EventStreamStats> {
  const stats: EventStreamStats = { records: 0, events: 0, scalars: 0, skipped: 0, hparams: {} };
  // TF2 writes a tag's metadata only with its first value: remember which plugin owns each tag.
  const pluginOf = new Map<string, string>();
  for await (const item of readTfRecords(source, work)) {
    if ('problem' in item) {
      addBinaryProblem(sink, item.problem);
      continue;
    }
    stats.records++;
    const { index, offset, data } = item.record;
    let ev: TfEvent;
    try {
      ev = EventType.decode(data) as unknown as TfEvent;
    } catch (e) {
      sink.add({ line: index, column: 1, severity: 'error', code: 'tensorboard/bad-event', message: `Record ${index} (byte ${offset}) passed its checksums but is not an Event message (${(e as Error).message}); skipped.` });
      continue;
    }
    stats.events++;
    if (!ev.summary) continue;
    const step = toNumber(ev.step);
    for (const v of ev.summary.value) {
      const meta = v.metadata;
      if (meta?.plugin_data) pluginOf.set(v.tag, meta.plugin_data.plugin_name);
      const plugin = pluginOf.get(v.tag) ?? '';
      if (plugin === 'hparams') {
        if (meta?.plugin_data?.content?.length) readHparams(meta.plugin_data.content, stats.hparams);
        continue;
      }
      let value: number | undefined;
      if (v.value === 'simple_value') value = v.simple_value;
      else if (v.value === 'tensor' && v.tensor && (plugin === 'scalars' || plugin === '' || meta?.data_class === DATA_CLASS_SCALAR)) value = scalarOfTensor(v.tensor);
      if (value === undefined) {
        stats.skipped++;
        continue;
      }
      stats.scalars++;
      onScalar({ tag: v.tag, step, wallTime: ev.wall_time, value, record: index, offset });
    }
  }
  return stats;
}

function readHparams(content: Uint8Array, out: Record<string, number | string | boolean>): void {
  let data: HParamsData;
  try {
    data = HParamsType.decode(content) as unknown as HParamsData;
  } catch {
    return;
  }
  for (const [k, v] of Object.entries(data.session_start_info?.hparams ?? {})) {
    if (v.kind === 'number_value' && v.number_value !== undefined) out[k] = v.number_value;
    else if (v.kind === 'string_value' && v.string_value !== undefined) out[k] = v.string_value;
    else if (v.kind === 'bool_value' && v.bool_value !== undefined) out[k] = v.bool_value;
  }
}

const STEP = 'step';

/** Adds one event file's scalars to `steps`, columns named `prefix + tag`. */
async function addEventFile(source: ByteSource, prefix: string, steps: StepRows, run: RunInfo, options: WorkOptions): Promise<ReturnType<ProblemSink['finish']>> {
  const sink = new ProblemSink(source.name);
  steps.report = (p) => sink.add(p);
  run.files.push(source.name);
  const stats = await streamTensorboardScalars(
    source,
    (s) => {
      if (Number.isFinite(s.value)) steps.set(s.step, prefix + s.tag, s.value, s.record);
      else {
        sink.add({ line: s.record, column: 1, severity: 'error', code: 'run-log/non-finite', message: `'${prefix + s.tag}' is ${s.value} at step ${s.step} (record ${s.record}, byte ${s.offset}): expected a finite number; the value is left out.` });
        steps.set(s.step, prefix + s.tag, null, s.record);
      }
    },
    sink,
    options,
  );
  for (const [k, v] of Object.entries(stats.hparams)) {
    run.config[k] = v;
    run.sources[k] = source.name;
  }
  if (stats.skipped > 0) run.notes.push(`${basename(source.name)}: ${stats.skipped} summary values that are not scalars (histograms, images, text) are not shown.`);
  return sink.finish();
}

export const tensorboardFileReader: BinaryLogReader = {
  kind: 'binary-file',
  id: 'tensorboard',
  title: 'TensorBoard event file',
  detect: (name) => (EVENT_FILE.test(basename(name)) ? 0.95 : 0),
  async read(source: ByteSource, options: LogReadOptions = {}): Promise<RunLog> {
    const run = emptyRunInfo(basename(options.dir ?? source.name));
    const steps = new StepRows(STEP, () => undefined, 'record');
    const problems = await addEventFile(source, '', steps, run, options);
    return stepLog(source.name, 'tensorboard', source.name, steps, run, problems);
  },
};

/** Keras and most trainers write one TensorBoard run per split under the run's folder. */
const SPLIT = /^(train|training|validation|valid|val|eval|evaluation|test)$/i;

async function eventFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && EVENT_FILE.test(e.name)).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/**
 * A folder is a TensorBoard run when it holds event files, or when its event files sit in
 * split folders (`train/`, `validation/`) as Keras writes them; columns then carry the split
 * (`validation/epoch_loss`).
 */
export const tensorboardFolderReader: FolderLogReader = {
  kind: 'folder',
  id: 'tensorboard-run',
  title: 'TensorBoard run folder',
  async recognise(dir: string, entries: readonly DirEntry[]): Promise<number> {
    if (entries.some((e) => e.isFile && EVENT_FILE.test(e.name))) return 0.9;
    const splits = entries.filter((e) => e.isDirectory && SPLIT.test(e.name));
    if (splits.length === 0) return 0;
    for (const s of splits) if ((await eventFiles(join(dir, s.name))).length > 0) return 0.85;
    return 0;
  },
  async read(dir: string, options: LogReadOptions = {}): Promise<RunLog> {
    const show = displayNameFor(options);
    const run = emptyRunInfo(basename(dir));
    const steps = new StepRows(STEP, () => undefined, 'record');
    const problems: ReturnType<ProblemSink['finish']>[] = [];
    const files: { path: string; prefix: string }[] = (await eventFiles(dir)).map((f) => ({ path: join(dir, f), prefix: '' }));
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.filter((x) => x.isDirectory() && SPLIT.test(x.name)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      for (const f of await eventFiles(join(dir, e.name))) files.push({ path: join(dir, e.name, f), prefix: `${e.name}/` });
    }
    // Several files in one folder are successive sessions of one run (a restart writes a new
    // file); their names carry the start time, so name order is time order.
    for (const f of files) problems.push(await addEventFile(fileByteSource(f.path, show(f.path)), f.prefix, steps, run, options));
    if (files.length === 0) run.notes.push('No event files found.');
    return stepLog(files[0] ? show(files[0].path) : show(dir), 'tensorboard', dir, steps, run, problems.flat());
  },
};
