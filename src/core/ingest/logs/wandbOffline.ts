import { access, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import protobuf from 'protobufjs';
import { parse as parseYaml } from 'yaml';
import { readJsonlRunLog } from '../jsonlRunLog';
import { ProblemSink } from '../problem';
import { fileByteSource, type ByteSource } from './bytes';
import { readWandbLog } from './leveldbLog';
import {
  addBinaryProblem,
  diskTextSource,
  displayNameFor,
  emptyRunInfo,
  flattenInto,
  isNonFiniteText,
  parsePythonJson,
  readOptionalText,
  StepRows,
  stepLog,
  type ConfigValue,
  type DirEntry,
  type FolderLogReader,
  type LogReadOptions,
  type RunInfo,
  type RunLog,
} from './runLog';

/**
 * Weights & Biases run folders as `wandb` leaves them on disk (`wandb/run-<date>-<id>/`, or
 * `offline-run-*` in offline mode):
 * - `run-<id>.wandb`: the transaction log, the only place recent versions keep the full
 *   history (see leveldbLog.ts for the framing). Its payloads are `Record` messages of
 *   wandb/proto/wandb_internal.proto; the schema below declares only the fields read here, with
 *   the field numbers of that file. Unknown fields are skipped by protobufjs.
 * - `files/config.yaml` (each key as `{desc, value}`) and `files/wandb-summary.json`;
 * - `wandb-history.jsonl` in runs written by older versions (before the transaction log held
 *   the history), at the top of the run folder or under `files/`.
 */
const SCHEMA = `
syntax = "proto3";
message Record {
  int64 num = 1;
  HistoryRecord history = 2;
  SummaryRecord summary = 3;
  ConfigRecord config = 5;
  RunRecord run = 17;
  RunExitRecord exit = 18;
}
message HistoryStep { int64 num = 1; }
message HistoryRecord { repeated Item item = 1; HistoryStep step = 2; }
message Item { string key = 1; repeated string nested_key = 2; string value_json = 16; }
message ConfigRecord { repeated Item update = 1; repeated Item remove = 2; }
message SummaryRecord { repeated Item update = 1; repeated Item remove = 2; }
message RunRecord {
  string run_id = 1;
  string entity = 2;
  string project = 3;
  ConfigRecord config = 4;
  SummaryRecord summary = 5;
  string run_group = 6;
  string display_name = 8;
  int64 starting_step = 14;
  bool resumed = 18;
}
message RunExitRecord { int32 exit_code = 1; int32 runtime = 2; }
`;

type Long = { toNumber(): number };
interface Item {
  key: string;
  nested_key: string[];
  value_json: string;
}
interface WandbRecord {
  history?: { item: Item[]; step?: { num: number | Long } };
  summary?: { update: Item[]; remove: Item[] };
  config?: { update: Item[]; remove: Item[] };
  run?: { run_id: string; project: string; display_name: string; run_group: string; config?: { update: Item[] }; summary?: { update: Item[] }; resumed: boolean; starting_step: number | Long };
  exit?: { exit_code: number; runtime: number };
}

const RecordType = protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType('Record');

const toNumber = (v: number | Long | undefined): number => (v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

const RUN_FOLDER = /^(offline-)?run-\d{8}_\d{6}-[a-z0-9]+$/i;
const STEP = '_step';

export const wandbOfflineReader: FolderLogReader = {
  kind: 'folder',
  id: 'wandb-run',
  title: 'Weights & Biases run folder',
  recognise(dir: string, entries: readonly DirEntry[]): number {
    const names = new Set(entries.map((e) => e.name));
    if (entries.some((e) => e.isFile && /^run-.*\.wandb$/.test(e.name))) return 0.95;
    if (names.has('wandb-history.jsonl')) return 0.9;
    if (RUN_FOLDER.test(basename(dir)) && (names.has('files') || names.has('logs'))) return 0.8;
    return 0;
  },
  read: readWandbRun,
};

export async function readWandbRun(dir: string, options: LogReadOptions = {}): Promise<RunLog> {
  const show = displayNameFor(options);
  const entries = await readdir(dir, { withFileTypes: true });
  const logFile = entries.filter((e) => e.isFile() && /^run-.*\.wandb$/.test(e.name)).map((e) => e.name).sort()[0];
  const idFromFolder = /-([a-z0-9]+)$/i.exec(basename(dir))?.[1];
  const run = emptyRunInfo(idFromFolder ?? basename(dir));
  run.id = idFromFolder;
  const problems: ReturnType<ProblemSink['finish']>[] = [];

  // Config and summary from the files W&B keeps beside the log; the log's own copies fill gaps.
  const configPath = await firstExisting(dir, ['files/config.yaml', 'config.yaml']);
  if (configPath) problems.push(readConfigYaml(configPath.text, show(configPath.path), run));
  const summaryPath = await firstExisting(dir, ['files/wandb-summary.json', 'wandb-summary.json']);
  if (summaryPath) problems.push(readSummaryJson(summaryPath.text, show(summaryPath.path), run));

  let steps: StepRows | undefined;
  let historyFile: string | undefined;
  if (logFile) {
    const path = join(dir, logFile);
    historyFile = show(path);
    const sink = new ProblemSink(historyFile);
    steps = new StepRows(STEP, (p) => sink.add(p), 'record');
    await readTransactionLog(fileByteSource(path, historyFile), run, steps, sink, options);
    run.files.push(historyFile);
    problems.push(sink.finish());
  }
  if (!steps || steps.size === 0) {
    const jsonl = await firstExisting(dir, ['wandb-history.jsonl', 'files/wandb-history.jsonl'], false);
    if (jsonl) {
      const name = show(jsonl.path);
      const table = await readJsonlRunLog(await diskTextSource(jsonl.path, name), options);
      const sink = new ProblemSink(name);
      steps = new StepRows(STEP, (p) => sink.add(p));
      let implicit = 0;
      for (const row of table.rows) {
        const s = row.values[STEP];
        const step = typeof s === 'number' ? s : implicit;
        implicit = step + 1;
        for (const [k, v] of Object.entries(row.values)) if (k !== STEP) steps.set(step, k, v, row.line);
      }
      historyFile = name;
      run.files.push(name);
      problems.push(table.problems, sink.finish());
      if (logFile) run.notes.push(`${logFile} holds no history; the history comes from ${basename(jsonl.path)}.`);
    }
  }
  if (!steps) {
    steps = new StepRows(STEP, () => undefined);
    run.notes.push('No history found: neither a run-*.wandb log nor wandb-history.jsonl.');
  }
  const log = stepLog(historyFile ?? show(dir), 'wandb', dir, steps, run, problems.flat());
  return log;
}

async function firstExisting(dir: string, rel: string[], read = true): Promise<{ path: string; text: string } | undefined> {
  for (const r of rel) {
    const path = join(dir, r);
    if (!read) {
      if (await exists(path)) return { path, text: '' };
      continue;
    }
    const text = await readOptionalText(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** W&B's config.yaml wraps each value as `{desc, value}`; `_wandb` and `wandb_version` are W&B's own. */
export function readConfigYaml(text: string, file: string, run: RunInfo): ReturnType<ProblemSink['finish']> {
  const sink = new ProblemSink(file);
  run.files.push(file);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const err = e as { linePos?: { line: number; col: number }[]; message: string };
    sink.add({ line: err.linePos?.[0]?.line ?? 1, column: err.linePos?.[0]?.col ?? 1, severity: 'error', code: 'wandb/bad-config', message: `config.yaml is not valid YAML (${err.message.split('\n')[0]}); the run's config is left out.` });
    return sink.finish();
  }
  if (doc === null || typeof doc !== 'object') return sink.finish();
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (k === 'wandb_version' || k === '_wandb') continue;
    const value = v !== null && typeof v === 'object' && 'value' in (v as object) ? (v as { value: unknown }).value : v;
    flattenInto(value, k, run.config, run.sources, file);
  }
  return sink.finish();
}

export function readSummaryJson(text: string, file: string, run: RunInfo): ReturnType<ProblemSink['finish']> {
  const sink = new ProblemSink(file);
  run.files.push(file);
  let doc: unknown;
  try {
    doc = parsePythonJson(text);
  } catch (e) {
    sink.add({ line: 1, column: 1, severity: 'error', code: 'wandb/bad-summary', message: `wandb-summary.json is not valid JSON (${(e as Error).message}); the summary is left out.` });
    return sink.finish();
  }
  if (doc === null || typeof doc !== 'object') return sink.finish();
  const flat: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) if (k !== '_wandb') flattenInto(v, k, flat);
  for (const [k, v] of Object.entries(flat)) {
    if (isNonFiniteText(v)) {
      sink.add({ line: lineOf(text, k), column: 1, severity: 'warning', code: 'run-log/non-finite', message: `Summary value '${k}' is ${v}: expected a finite number; left out.` });
      continue;
    }
    run.summary[k] = v;
    run.sources[k] = file;
  }
  return sink.finish();
}

function lineOf(text: string, key: string): number {
  const i = text.indexOf(JSON.stringify(key.split('.').pop()));
  if (i < 0) return 1;
  let line = 1;
  for (let j = 0; j < i; j++) if (text.charCodeAt(j) === 10) line++;
  return line;
}

function itemKey(item: Item): string {
  return item.nested_key && item.nested_key.length > 0 ? item.nested_key.join('.') : item.key;
}

/** Decodes the records of a `.wandb` log into history rows, config, summary and run facts. */
export async function readTransactionLog(source: ByteSource, run: RunInfo, steps: StepRows, sink: ProblemSink, options: LogReadOptions = {}): Promise<void> {
  let sawExit = false;
  let lastHistoryRecord = 0;
  let skippedNonScalar = 0;
  const binConfig: Record<string, ConfigValue> = {};
  const binSummary: Record<string, ConfigValue> = {};
  let implicitStep = 0;
  for await (const item of readWandbLog(source, options)) {
    if ('problem' in item) {
      addBinaryProblem(sink, item.problem);
      continue;
    }
    const { index, offset, data } = item.record;
    let rec: WandbRecord;
    try {
      rec = RecordType.decode(data) as unknown as WandbRecord;
    } catch (e) {
      sink.add({ line: index, column: 1, severity: 'error', code: 'wandb/bad-record', message: `Record ${index} (byte ${offset}) passed its checksum but is not a W&B Record message (${(e as Error).message}); skipped.` });
      continue;
    }
    if (rec.history) {
      lastHistoryRecord = index;
      const values: [string, unknown][] = [];
      let step: number | undefined;
      for (const it of rec.history.item) {
        const key = itemKey(it);
        let v: unknown;
        try {
          v = parsePythonJson(it.value_json);
        } catch {
          sink.add({ line: index, column: 1, severity: 'error', code: 'run-log/bad-json', message: `History value '${key}' in record ${index} is not valid JSON; left out.` });
          continue;
        }
        if (key === STEP && typeof v === 'number') step = v;
        else values.push([key, v]);
      }
      if (step === undefined) step = rec.history.step ? toNumber(rec.history.step.num) : implicitStep;
      implicitStep = step + 1;
      steps.row(step, index);
      for (const [key, v] of values) {
        const flat: Record<string, ConfigValue> = {};
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          if ('_type' in (v as object)) {
            // Histograms, images, tables: not scalars.
            skippedNonScalar++;
            continue;
          }
          flattenInto(v, key, flat);
        } else if (Array.isArray(v)) {
          skippedNonScalar++;
          continue;
        } else flat[key] = v as ConfigValue;
        for (const [k, x] of Object.entries(flat)) {
          if (isNonFiniteText(x)) {
            sink.add({ line: index, column: 1, severity: 'error', code: 'run-log/non-finite', message: `'${k}' is ${x} at step ${step} (record ${index}, byte ${offset}): expected a finite number; the value is left out.` });
            steps.set(step, k, null, index);
          } else if (typeof x === 'boolean') steps.set(step, k, x ? 1 : 0, index);
          else steps.set(step, k, x, index);
        }
      }
    }
    if (rec.run) {
      if (rec.run.display_name) run.name = rec.run.display_name;
      if (rec.run.run_id) run.id = rec.run.run_id;
      for (const it of rec.run.config?.update ?? []) applyItem(it, binConfig);
      for (const it of rec.run.summary?.update ?? []) applyItem(it, binSummary);
      if (rec.run.resumed) run.notes.push(`The run was resumed (starting at step ${toNumber(rec.run.starting_step)}).`);
    }
    if (rec.config) {
      for (const it of rec.config.update) applyItem(it, binConfig);
      for (const it of rec.config.remove) delete binConfig[itemKey(it)];
    }
    if (rec.summary) {
      for (const it of rec.summary.update) applyItem(it, binSummary);
      for (const it of rec.summary.remove) delete binSummary[itemKey(it)];
    }
    if (rec.exit) {
      sawExit = true;
      if (rec.exit.exit_code !== 0) run.notes.push(`The run exited with code ${rec.exit.exit_code}.`);
    }
  }
  for (const [k, v] of Object.entries(binConfig)) {
    if (k === '_wandb' || k.startsWith('_wandb.') || k in run.config) continue;
    run.config[k] = v;
    run.sources[k] = sink.file;
  }
  for (const [k, v] of Object.entries(binSummary)) {
    if (k.startsWith('_wandb') || k in run.summary || isNonFiniteText(v)) continue;
    run.summary[k] = v;
    run.sources[k] = sink.file;
  }
  if (!sawExit) {
    run.notes.push(`No exit record in ${basename(sink.file)}: the run was stopped before finishing (killed or crashed) or is still running. Its history up to record ${lastHistoryRecord} is read.`);
  }
  if (skippedNonScalar > 0) run.notes.push(`${skippedNonScalar} logged values that are not scalars (histograms, media, lists) are not shown.`);
}

function applyItem(it: Item, out: Record<string, ConfigValue>): void {
  const key = itemKey(it);
  let v: unknown;
  try {
    v = parsePythonJson(it.value_json);
  } catch {
    v = it.value_json;
  }
  flattenInto(v, key, out);
}
