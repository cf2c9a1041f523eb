import type { TextSource } from '../ingest/source';
import { traceReaders } from '../ingest/traces/index';
import type { WorkOptions } from '../work';
import type { TraceOptions } from './analyze';
import { summarizeTraceSource } from './fileSummary';
import type { FileTraceSummary } from './summary';

/** What reading a trace file yields in the format registry's terms. */
export interface IngestedTraces {
  kind: 'traces';
  summary: FileTraceSummary;
}

/**
 * The trace readers in the shape `src/core/ingest/registry.ts` lists formats (id, title,
 * detect, read → one result), reading with a one-thread summary. Ids are prefixed `traces/`
 * so they cannot clash with run-log formats.
 */
export function traceFormatReaders(options: TraceOptions = {}): {
  id: string;
  title: string;
  detect(name: string, head: string): number;
  read(source: TextSource, work?: WorkOptions): Promise<IngestedTraces>;
}[] {
  return traceReaders.map((r) => ({
    id: `traces/${r.id}`,
    title: r.title,
    detect: (name: string, head: string) => r.detect(name, head),
    read: async (source: TextSource, work?: WorkOptions) => ({ kind: 'traces' as const, summary: await summarizeTraceSource(source, { ...options, ...work, reader: r.id }) }),
  }));
}
