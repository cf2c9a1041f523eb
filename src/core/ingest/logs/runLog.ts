import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Problem, ProblemSink, Severity } from '../problem';
import type { RunRow, RunTable } from '../runTable';
import { fileSource, readLines, textSource, type TextSource } from '../source';
import type { WorkOptions } from '../../work';
import type { ByteSource } from './bytes';

/**
 * What the experiment-log readers yield: a run table (one row per logged step) with the run's
 * configuration attached, plus the shared machinery they use to build it.
 */
export type ConfigValue = number | string | boolean | null;

export interface RunInfo {
  /** What the tracker calls the run: its display name, else its id, else the folder's name. */
  name: string;
  id?: string;
  /** Hyperparameters as the run recorded them, nested keys joined with dots (`optimizer.lr`). */
  config: Record<string, ConfigValue>;
  /** Final values kept beside the history (W&B summary, HF `all_results.json`), flattened the same way. */
  summary: Record<string, ConfigValue>;
  /** The file each config and summary key came from, for showing where a derived value started. */
  sources: Record<string, string>;
  /** Every file read for this run. */
  files: string[];
  /** Facts about the run as a whole that the user should see (e.g. it has no exit record). */
  notes: string[];
}

export interface RunLog extends RunTable {
  /** The folder or file the log was read from (a path on disk, or the buffer's name). */
  path: string;
  /**
   * The runs whose steps are in `rows`: usually one. Tables that hold several runs (W&B's CSV
   * exports) set `runColumn`, and each row's value there is the `name` of one of these runs.
   */
  runs: RunInfo[];
  runColumn?: string;
  /** The column holding the training step, when the reader knows it. */
  stepColumn?: string;
  /** `line`: rows' and problems' `line` are lines of text. `record`: they count records of a binary file. */
  rowUnit: 'line' | 'record';
}

export interface LogReadOptions extends WorkOptions {
  /** Folder holding the file, for companion files (config.json, hparams.yaml); omit for an unsaved buffer. */
  dir?: string;
  /** The name problems and sources give a file on disk (e.g. relative to the workspace); default: its path. */
  displayName?: (path: string) => string;
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
  isFile: boolean;
}

interface ReaderBase {
  id: string;
  title: string;
}

/** A text file format: `detect` sees the name and the first 8 KiB, like the registry's readers. */
export interface TextLogReader extends ReaderBase {
  kind: 'text-file';
  detect(name: string, head: string): number;
  read(source: TextSource, options?: LogReadOptions): Promise<RunLog>;
}

/** A binary file format: `detect` sees the name and the first bytes. */
export interface BinaryLogReader extends ReaderBase {
  kind: 'binary-file';
  detect(name: string, head: Uint8Array): number;
  read(source: ByteSource, options?: LogReadOptions): Promise<RunLog>;
}

/** A run stored as a folder: `recognise` scores a folder from its entries (0 = not a run of this kind). */
export interface FolderLogReader extends ReaderBase {
  kind: 'folder';
  recognise(dir: string, entries: readonly DirEntry[]): number | Promise<number>;
  read(dir: string, options?: LogReadOptions): Promise<RunLog>;
}

export type LogReader = TextLogReader | BinaryLogReader | FolderLogReader;

/** A problem in a binary file, placed by record number and byte offset rather than line. */
export interface BinaryProblem {
  /** The record the problem sits before or in (1-based): rows of binary logs count records too. */
  record: number;
  offset: number;
  severity: Severity;
  code: string;
  message: string;
}

export function addBinaryProblem(sink: ProblemSink, p: BinaryProblem): void {
  sink.add({ line: p.record, column: 1, severity: p.severity, code: p.code, message: p.message });
}

export function emptyRunInfo(name: string): RunInfo {
  return { name, config: {}, summary: {}, sources: {}, files: [], notes: [] };
}

export function displayNameFor(options: LogReadOptions): (path: string) => string {
  return options.displayName ?? ((p) => p);
}

/**
 * Flattens nested objects into `out` with dotted keys. Arrays of scalars are kept as their
 * JSON text (e.g. `betas: [0.9, 0.95]`), so the value stays visible without becoming a column.
 */
export function flattenInto(
  value: unknown,
  prefix: string,
  out: Record<string, ConfigValue>,
  sources?: Record<string, string>,
  file?: string,
): void {
  if (value === null || typeof value !== 'object') {
    if (prefix === '') return;
    out[prefix] = toConfigValue(value);
    if (sources && file) sources[prefix] = file;
    return;
  }
  if (Array.isArray(value)) {
    if (prefix === '') return;
    out[prefix] = JSON.stringify(value);
    if (sources && file) sources[prefix] = file;
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenInto(v, prefix === '' ? k : `${prefix}.${k}`, out, sources, file);
}

function toConfigValue(v: unknown): ConfigValue {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v === null || v === undefined) return null;
  return String(v);
}

const BARE_NON_FINITE = /([:\[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]\n\r])/g;

/**
 * JSON as Python's `json.dump` writes it, which allows bare NaN and Infinity. They come back
 * as the strings "NaN", "Infinity", "-Infinity", so callers report them instead of failing.
 * (jsonlRunLog.ts does the same per line.)
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    // W&B writes each history value on its own, so a NaN may be the whole text.
    if (/^\s*-?(NaN|Infinity)\s*$/.test(text)) return text.trim();
    return JSON.parse(text.replace(BARE_NON_FINITE, '$1"$2"'));
  }
}

export function isNonFiniteText(v: unknown): v is string {
  return typeof v === 'string' && /^[+-]?(nan|inf|infinity)$/i.test(v);
}

/**
 * A text source for a file on disk: small files are read at once (one system call instead of a
 * stream, which matters for a folder of a thousand runs), large ones are streamed.
 */
export async function diskTextSource(path: string, name: string): Promise<TextSource> {
  // Small files are read synchronously: a run folder holds many tiny files, and a blocking read
  // of a few KiB costs less than a trip through the thread pool; large files stream.
  const st = statSync(path);
  if (st.size > SMALL_FILE) return fileSource(path, name);
  return textSource(name, readFileSync(path, 'utf8'));
}

const SMALL_FILE = 1 << 20;

/** A small file's text read at once (see diskTextSource); large files fall back to an async read. */
export async function readSmallText(path: string): Promise<string> {
  const st = statSync(path);
  return st.size > SMALL_FILE ? readFile(path, 'utf8') : readFileSync(path, 'utf8');
}

/**
 * Calls `each` for every line of a file on disk (1-based numbers, without terminators). Small
 * files are split in one go, which for a folder of many short metric files is several times
 * faster than an async iterator per line; large files stream through `readLines`.
 */
export async function forEachLine(path: string, name: string, work: WorkOptions, each: (line: number, text: string) => void): Promise<void> {
  const st = statSync(path);
  if (st.size > SMALL_FILE) {
    for await (const { line, text } of readLines(fileSource(path, name), work)) each(line, text);
    return;
  }
  let text = readFileSync(path, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    each(++line, text.slice(start, end));
    start = nl + 1;
  }
}

/** A file's text, or undefined when it does not exist. */
export async function readOptionalText(path: string): Promise<string | undefined> {
  try {
    return await readSmallText(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
    throw e;
  }
}

/**
 * Rows keyed by step, filled one value at a time, as trackers log them (each metric on its own
 * schedule). Enforces that a metric's step never goes backwards: when it does, the run was
 * resumed from an earlier checkpoint, so that metric's values past the new step belong to the
 * abandoned attempt and are dropped (TensorBoard's "purge orphaned data" does the same).
 */
export class StepRows {
  /** Rows in creation order. */
  private readonly list: RunRow[] = [];
  /**
   * Step → row, built only once a value arrives for a step before the latest one: logs written
   * in step order (nearly all) never pay for the index, which matters for a million steps.
   */
  private index: Map<number, RunRow> | null = null;
  private readonly lastStep = new Map<string, number>();
  private readonly columnOrder = new Map<string, { numbers: number; texts: number }>();
  private readonly reportedBackTo = new Set<number>();
  private lastRowStep = NaN;
  private lastRow: RunRow | undefined;
  private maxStep = -Infinity;
  /** Rows were created in step order (the usual case), so no sort is needed at the end. */
  private inOrder = true;

  constructor(
    readonly stepColumn: string,
    /** Where a step going backwards is reported; readers of several files point it at the current file's sink. */
    public report: (p: Omit<Problem, 'file'>) => void,
    private readonly unit: 'line' | 'record' = 'line',
  ) {
    this.columnOrder.set(stepColumn, { numbers: 0, texts: 0 });
  }

  get size(): number {
    return this.list.length;
  }

  /** The row for a step, created at `line` if new. */
  row(step: number, line: number): RunRow {
    // Trackers write a step's values together: most lookups hit the row just used.
    if (step === this.lastRowStep && this.lastRow) return this.lastRow;
    let r: RunRow | undefined;
    if (step <= this.maxStep) {
      if (!this.index) this.index = new Map(this.list.map((x) => [x.values[this.stepColumn] as number, x]));
      r = this.index.get(step);
    }
    if (!r) {
      const values: RunRow['values'] = {};
      values[this.stepColumn] = step;
      r = { line, values };
      if (step < this.maxStep) this.inOrder = false;
      else this.maxStep = step;
      this.list.push(r);
      this.index?.set(step, r);
      this.columnOrder.get(this.stepColumn)!.numbers++;
    }
    this.lastRowStep = step;
    this.lastRow = r;
    return r;
  }

  set(step: number, key: string, value: number | string | null, line: number, column = 1): void {
    const last = this.lastStep.get(key);
    if (last !== undefined && step < last) this.backwards(key, last, step, line, column);
    this.lastStep.set(key, step);
    this.row(step, line).values[key] = value;
    let c = this.columnOrder.get(key);
    if (!c) this.columnOrder.set(key, (c = { numbers: 0, texts: 0 }));
    if (typeof value === 'number') c.numbers++;
    else if (typeof value === 'string') c.texts++;
  }

  private backwards(key: string, from: number, to: number, line: number, column: number): void {
    const c = this.stepColumn;
    if (this.inOrder) {
      // Only the tail can be past `to`: a resume near the end of a long log stays cheap.
      for (let i = this.list.length - 1; i >= 0 && (this.list[i].values[c] as number) > to; i--) delete this.list[i].values[key];
    } else for (const r of this.list) if ((r.values[c] as number) > to && key in r.values) delete r.values[key];
    if (this.reportedBackTo.has(to)) return;
    this.reportedBackTo.add(to);
    this.report({
      line,
      column,
      severity: 'warning',
      code: 'run-log/step-backwards',
      message: `Step ${to} comes after step ${from} (${key}): the run was probably resumed from an earlier checkpoint. Values the earlier attempt logged after step ${to} are dropped, as TensorBoard does.`,
    });
  }

  /** Rows in step order; steps left with no value but the step itself are dropped. */
  rows(): RunRow[] {
    const out: RunRow[] = [];
    for (const r of this.list) {
      // A row has at least the step; a second key means it holds a value.
      let keys = 0;
      for (const _ in r.values) if (++keys > 1) break;
      if (keys > 1) out.push(r);
    }
    if (!this.inOrder) {
      const c = this.stepColumn;
      out.sort((a, b) => (a.values[c] as number) - (b.values[c] as number));
    }
    return out;
  }

  columns(): { columns: string[]; numericColumns: string[] } {
    const columns = [...this.columnOrder.keys()];
    const numericColumns = columns.filter((k) => {
      const c = this.columnOrder.get(k)!;
      return c.numbers >= c.texts;
    });
    return { columns, numericColumns };
  }

  get rowUnit(): 'line' | 'record' {
    return this.unit;
  }
}

/** Finishes a single-run log from step rows. */
export function stepLog(
  file: string,
  format: string,
  path: string,
  steps: StepRows,
  run: RunInfo,
  problems: Problem[],
): RunLog {
  const { columns, numericColumns } = steps.columns();
  return { file, format, path, columns, numericColumns, rows: steps.rows(), problems, runs: [run], stepColumn: steps.stepColumn, rowUnit: steps.rowUnit };
}
