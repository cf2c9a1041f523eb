import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { findColumn } from '../columnRoles';
import { readCsvRunLog } from '../csvRunLog';
import { readJsonlRunLog } from '../jsonlRunLog';
import { detectBinaryLog, detectTextLog, readFileHead, readLogFile, recogniseRunFolder } from '../logs';
import { diskTextSource, emptyRunInfo, type BinaryLogReader, type DirEntry, type FolderLogReader, type LogReadOptions, type RunLog, type TextLogReader } from '../logs/runLog';
import type { RunTable } from '../runTable';
import { Checkpoint, type WorkOptions } from '../../work';

/**
 * Finds the runs under a folder: run folders a folder reader recognises (not looked inside
 * further), files an experiment-log reader claims, and plain CSV / TSV / JSONL metric tables.
 * Files that look like logs (CSV, JSON, JSONL, event files) but that no reader claims are
 * counted as ignored, so nothing that could be a run disappears without a trace; other files
 * (configs beside a log, checkpoints, code) are not listed.
 */
export type Candidate =
  | { kind: 'folder'; path: string; key: string; reader: FolderLogReader }
  | { kind: 'file'; path: string; key: string; reader: TextLogReader | BinaryLogReader }
  | { kind: 'table'; path: string; key: string; format: 'csv' | 'jsonl' };

export interface Discovery {
  candidates: Candidate[];
  ignored: { count: number; examples: string[] };
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.mypy_cache', '.ipynb_checkpoints', 'artifacts', 'checkpoints']);
const TABLE = /\.(csv|tsv|jsonl|ndjson)$/i;
const LOG_LIKE = /\.(csv|tsv|jsonl|ndjson|json)$|^events\.out\.tfevents\./i;
/** Files readers take from beside the log they read (HF config and results). */
const COMPANION = new Set(['config.json', 'all_results.json', 'train_results.json', 'eval_results.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'wandb-summary.json', 'wandb-metadata.json']);
const METRIC_KEY = /loss|step|ppl|perplexity|flops|tokens|epoch|learning_rate|^lr$|params/i;

export interface DiscoverOptions extends WorkOptions {
  maxDepth?: number;
  /** Stop after this many runs (a guard against pointing at a whole disk). */
  limit?: number;
}

export async function discoverRuns(root: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const maxDepth = options.maxDepth ?? 10;
  const limit = options.limit ?? 100000;
  const candidates: Candidate[] = [];
  const ignored = { count: 0, examples: [] as string[] };
  const checkpoint = new Checkpoint(options);
  const keyOf = (p: string) => relative(root, p).split(sep).join('/') || basename(p);
  const ignore = (p: string) => {
    ignored.count++;
    if (ignored.examples.length < 50) ignored.examples.push(keyOf(p));
  };

  const walk = async (dir: string, depth: number): Promise<void> => {
    if (candidates.length >= limit) return;
    await checkpoint.tick(0, `Looking for runs: ${candidates.length} so far`);
    // Synchronous listing: thousands of small folders are listed far faster than through the
    // thread pool, and the checkpoint above still gives the event loop a turn every 20 ms.
    let listed;
    try {
      listed = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const entries: DirEntry[] = listed.map((e) => ({ name: e.name, isDirectory: e.isDirectory(), isFile: e.isFile() }));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const folderReader = await recogniseRunFolder(dir, entries);
    if (folderReader) {
      candidates.push({ kind: 'folder', path: dir, key: keyOf(dir), reader: folderReader });
      return;
    }
    for (const e of entries) {
      if (!e.isFile || e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      const c = await classifyFile(path, keyOf(path));
      if (c) candidates.push(c);
      else if (LOG_LIKE.test(e.name) && !COMPANION.has(e.name)) ignore(path);
    }
    if (depth >= maxDepth) return;
    for (const e of entries) if (e.isDirectory && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) await walk(join(dir, e.name), depth + 1);
  };
  if (statSync(root).isFile()) {
    const c = await classifyFile(root, basename(root));
    if (c) candidates.push(c);
    else ignore(root);
  } else await walk(root, 0);
  return { candidates, ignored };
}

async function classifyFile(path: string, key: string): Promise<Candidate | undefined> {
  const name = basename(path);
  // Only names a reader could claim are opened: a run folder can hold thousands of other files.
  if (!TABLE.test(name) && !/\.json$/i.test(name) && !/^events\.out\.tfevents\./.test(name)) return undefined;
  let head: Uint8Array;
  try {
    head = await readFileHead(path);
  } catch {
    return undefined;
  }
  const binary = detectBinaryLog(name, head);
  if (binary) return { kind: 'file', path, key, reader: binary };
  const text = new TextDecoder().decode(head);
  const reader = detectTextLog(name, text);
  if (reader) return { kind: 'file', path, key, reader };
  if (/\.(csv|tsv)$/i.test(name)) return { kind: 'table', path, key, format: 'csv' };
  if (/\.(jsonl|ndjson)$/i.test(name) && looksLikeMetrics(text)) return { kind: 'table', path, key, format: 'jsonl' };
  return undefined;
}

/** JSONL of metrics (not eval samples or traces): flat numbers with metric-like names. */
function looksLikeMetrics(head: string): boolean {
  const lines = head.split('\n').slice(0, 5).filter((l) => l.trim() !== '');
  let votes = 0;
  for (const l of lines) {
    try {
      const o = JSON.parse(l) as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.filter((k) => typeof o[k] === 'number').length >= 2 && keys.some((k) => METRIC_KEY.test(k))) votes++;
    } catch {
      // cut at the head's end
    }
  }
  return lines.length > 0 && votes / lines.length >= 0.5;
}

/** Reads one candidate into a run log. */
export async function readCandidate(c: Candidate, options: LogReadOptions): Promise<RunLog> {
  if (c.kind === 'folder') return c.reader.read(c.path, options);
  if (c.kind === 'file') return readLogFile(c.path, c.reader, options);
  const name = options.displayName ? options.displayName(c.path) : c.path;
  const source = await diskTextSource(c.path, name);
  const table = c.format === 'csv' ? await readCsvRunLog(source, options) : await readJsonlRunLog(source, options);
  return tableAsRunLog(table, c.path, basename(c.path).replace(/\.[^.]+$/, ''));
}

/**
 * A plain metrics table as a run log: one run per file; or, when a text column names runs
 * (`run`, `name`, ...), one run per name; or, for a table of final results without steps, one
 * run per row.
 */
export function tableAsRunLog(table: RunTable, path: string, name: string): RunLog {
  const textColumns = table.columns.filter((c) => !table.numericColumns.includes(c));
  const runColumn = findColumn('run', textColumns);
  const step = findColumn('step', table.numericColumns);
  const base = { ...table, path, rowUnit: 'line' as const, stepColumn: step };
  if (runColumn) {
    const names = [...new Set(table.rows.map((r) => String(r.values[runColumn] ?? `line ${r.line}`)))];
    return { ...base, runColumn, runs: names.map((n) => ({ ...emptyRunInfo(n), files: [table.file] })) };
  }
  const hasSize = ['N', 'D', 'C'].some((role) => findColumn(role as 'N', table.numericColumns) !== undefined);
  if (!step && table.rows.length > 1 && hasSize) {
    const col = table.columns.includes('run') ? '__run' : 'run';
    const rows = table.rows.map((r) => ({ line: r.line, values: { ...r.values, [col]: `${name}:${r.line}` } }));
    return { ...base, rows, columns: [...table.columns, col], runColumn: col, runs: rows.map((r) => ({ ...emptyRunInfo(String(r.values[col])), files: [table.file] })) };
  }
  return { ...base, runs: [{ ...emptyRunInfo(name), files: [table.file] }] };
}
