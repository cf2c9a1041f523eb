import type { Problem } from './ingest/problem';
import { detectFormat, readers } from './ingest/registry';
import type { RunTable } from './ingest/runTable';
import { basename } from 'node:path';
import { byteFileSource, type EvalSampleSet } from './ingest/evalSamples';
import { detectBinaryLog, readFileHead, readLogFile } from './ingest/logs';
import { readSweep, type Sweep } from './ingest/sweep';
import { evalSummaryPanel } from './report/evalSummaryPanel';
import { sweepPanel, sweepTable } from './report/sweepPanel';
import { traceFindings } from './traces/findings';
import { fileSummaryPanel } from './traces/report';
import type { FileTraceSummary } from './traces/summary';
import { fileSource, type TextSource } from './ingest/source';
import { runLogPanel, type AxisChoice } from './report/runLogPanel';
import type { PanelSpec } from './report/spec';
import type { WorkOptions } from './work';

/**
 * What Scaling Lens found in one file: the format, the records, the located problems, and the
 * panel that shows them. The server, the CLI and the HTML report all start from this.
 */
export interface FileAnalysis {
  file: string;
  /** Reader id, or null when no reader claims the file. */
  format: string | null;
  kind: 'run-log' | 'eval-samples' | 'traces' | 'unknown';
  summary: string;
  problems: Problem[];
  panel: PanelSpec;
  table?: RunTable;
  samples?: EvalSampleSet;
  /** For folders of runs: every run found and how its values were derived. */
  sweep?: Sweep;
  /** For files of model outputs: per-record token counts, costs and findings. */
  traces?: FileTraceSummary;
}

export interface AnalyzeOptions extends WorkOptions {
  axes?: AxisChoice;
  /**
   * Only recognise trace files, without summarising them: the server summarises large ones in
   * a worker and answers hints and hovers from the visible records meanwhile.
   */
  deferTraces?: boolean;
  /** Use this reader instead of detecting one. */
  format?: string;
}

/** A folder of runs, as one sweep: one row per run, each value saying how it was derived. */
export async function analyzeFolder(path: string, name: string, options: AnalyzeOptions = {}): Promise<FileAnalysis> {
  const sweep = await readSweep(path, { ...options, workspace: path });
  const table = sweepTable(sweep, name);
  const skipped = sweep.runs.length - sweep.points.length;
  return {
    file: name,
    format: 'sweep',
    kind: 'run-log',
    summary: `Sweep of ${sweep.runs.length} runs: ${sweep.points.length} points${skipped ? `, ${skipped} skipped` : ''}`,
    problems: sweep.problems,
    panel: sweepPanel(sweep, name),
    table,
    sweep,
  };
}

/**
 * A file on disk: binary logs (TensorBoard event files) are read from bytes, everything else
 * as text.
 */
export async function analyzePath(path: string, name: string, options: AnalyzeOptions = {}): Promise<FileAnalysis> {
  if (!options.format) {
    const head = await readFileHead(path);
    const binary = detectBinaryLog(basename(path), head);
    if (binary) {
      const table = await readLogFile(path, binary, { ...options, displayName: () => name });
      return tableAnalysis(name, binary.id, binary.title, table, options);
    }
  }
  // Inspect's .eval logs are zip archives: the reader needs their bytes.
  if (/\.eval$/i.test(path)) return analyzeSource(byteFileSource(path, name), options);
  return analyzeSource(fileSource(path, name), options);
}

/** Malformed records, plus findings per trace (cut off at the length limit, usage that disagrees), capped. */
export function traceProblems(summary: FileTraceSummary, cap = 1000): Problem[] {
  const out = [...summary.fileProblems];
  for (const r of summary.rows) {
    if (out.length >= cap) break;
    out.push(...traceFindings(summary.file, r));
  }
  return out.sort((a, b) => a.line - b.line);
}

export function traceAnalysis(file: string, format: string, title: string, summary: FileTraceSummary): FileAnalysis {
  const t = summary.totals;
  const findings = summary.fileProblems.filter((p) => p.severity !== 'info').length;
  return {
    file,
    format,
    kind: 'traces',
    summary: `${title}: ${summary.records.toLocaleString('en-US')} traces, ${t.thinking.toLocaleString('en-US')} thinking and ${t.answer.toLocaleString('en-US')} answer tokens${t.dollars !== undefined ? `, $${t.dollars.toFixed(2)}` : ''}${findings ? `, ${findings} finding${findings === 1 ? '' : 's'}` : ''}`,
    problems: traceProblems(summary),
    panel: fileSummaryPanel(summary),
    traces: summary,
  };
}

function tableAnalysis(file: string, format: string, title: string, table: RunTable, options: AnalyzeOptions): FileAnalysis {
  const errors = table.problems.filter((p) => p.severity === 'error').length;
  return {
    file,
    format,
    kind: 'run-log',
    summary: `${title}: ${table.rows.length} rows, ${table.columns.length} columns (${table.numericColumns.length} numeric)${errors ? `, ${errors} problem${errors === 1 ? '' : 's'}` : ''}`,
    problems: table.problems,
    panel: runLogPanel(table, options.axes),
    table,
  };
}

export async function analyzeSource(source: TextSource, options: AnalyzeOptions = {}): Promise<FileAnalysis> {
  const reader = options.format ? readers.find((r) => r.id === options.format) : await detectFormat(source);
  if (!reader) {
    return {
      file: source.name,
      format: null,
      kind: 'unknown',
      summary: 'not a format Scaling Lens reads',
      problems: [],
      panel: { title: source.name, source: source.name, views: [], messages: [{ severity: 'info', text: `${source.name} is not a run log or eval-sample file Scaling Lens recognises.` }] },
    };
  }
  if (options.deferTraces && reader.id.startsWith('traces/')) {
    return {
      file: source.name,
      format: reader.id,
      kind: 'traces',
      summary: `${reader.title}: summarising…`,
      problems: [],
      panel: { title: source.name, source: source.name, views: [], messages: [{ severity: 'info', text: 'Summarising the trace file…' }] },
    };
  }
  const ingested = await reader.read(source, options);
  if (ingested.kind === 'traces') return traceAnalysis(source.name, reader.id, reader.title, ingested.summary);
  if (ingested.kind === 'eval-samples') {
    const samples = ingested.samples;
    const errors = samples.problems.filter((p) => p.severity === 'error').length;
    return {
      file: source.name,
      format: reader.id,
      kind: 'eval-samples',
      summary: `${reader.title}: ${samples.samples.length} samples of ${new Set(samples.samples.map((x) => x.problemId)).size} problems${errors ? `, ${errors} problem${errors === 1 ? '' : 's'}` : ''}`,
      problems: samples.problems,
      panel: evalSummaryPanel(samples),
      samples,
    };
  }
  return tableAnalysis(source.name, reader.id, reader.title, ingested.table, options);
}
