import type { ProblemSink } from '../problem';
import type { TextSource } from '../source';
import type { WorkOptions } from '../../work';
import { readJsonItems, type JsonItem } from './framing';
import type { TraceRecord } from './record';

/** What a JSON-based trace format does with each value the framing yields. */
export interface ValueHandler {
  /** Turns one value into records (via `emit`); reports what it cannot use to `sink`. */
  value(v: unknown, item: JsonItem, emit: (r: TraceRecord) => void, sink: ProblemSink): void;
  /** At end of input: records still being assembled (streams). */
  end?(emit: (r: TraceRecord) => void, sink: ProblemSink): void;
}

/** Drives a handler over a file's JSON values, numbering records in file order. */
export async function* readJsonRecords(source: TextSource, sink: ProblemSink, work: WorkOptions | undefined, handler: ValueHandler): AsyncGenerator<TraceRecord> {
  const out: TraceRecord[] = [];
  let index = 0;
  const emit = (r: TraceRecord): void => {
    r.index = index++;
    // Records without their own id are named by position in the file.
    if (r.id === '' || /^#\d+$/.test(r.id)) r.id = `#${r.index + 1}`;
    out.push(r);
  };
  for await (const item of readJsonItems(source, sink, work)) {
    handler.value(item.value, item, emit, sink);
    while (out.length > 0) yield out.shift()!;
  }
  handler.end?.(emit, sink);
  while (out.length > 0) yield out.shift()!;
}

export function notAnObject(item: JsonItem, sink: ProblemSink, v: unknown): void {
  sink.add({
    line: item.line,
    column: 1,
    severity: 'error',
    code: 'trace/not-an-object',
    message: `Expected a JSON object for each record, found ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}. Skipped.`,
  });
}

export function unrecognized(item: JsonItem, sink: ProblemSink, what: string): void {
  sink.add({ line: item.line, column: 1, severity: 'warning', code: 'trace/unrecognized', message: `No ${what} found in this record; skipped.` });
}
