import type { Problem } from './ingest/problem';
import { detectFormat, readers } from './ingest/registry';
import type { RunTable } from './ingest/runTable';
import type { TextSource } from './ingest/source';
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
  kind: 'run-log' | 'unknown';
  summary: string;
  problems: Problem[];
  panel: PanelSpec;
  table?: RunTable;
}

export interface AnalyzeOptions extends WorkOptions {
  axes?: AxisChoice;
  /** Use this reader instead of detecting one. */
  format?: string;
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
      panel: { title: source.name, source: source.name, views: [], messages: [{ severity: 'info', text: `${source.name} is not a run log Scaling Lens recognises.` }] },
    };
  }
  const ingested = await reader.read(source, options);
  const table = ingested.table;
  const errors = table.problems.filter((p) => p.severity === 'error').length;
  return {
    file: source.name,
    format: reader.id,
    kind: 'run-log',
    summary: `${reader.title}: ${table.rows.length} rows, ${table.columns.length} columns (${table.numericColumns.length} numeric)${errors ? `, ${errors} problem${errors === 1 ? '' : 's'}` : ''}`,
    problems: table.problems,
    panel: runLogPanel(table, options.axes),
    table,
  };
}
