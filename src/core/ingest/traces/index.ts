import { ProblemSink } from '../problem';
import { readHead, type TextSource } from '../source';
import type { WorkOptions } from '../../work';
import { anthropicReader } from './anthropic';
import { datasetReader } from './dataset';
import { geminiReader } from './gemini';
import { inspectEvalReader } from './inspectEval';
import { ollamaReader } from './ollama';
import { openAiReader } from './openai';
import { openModelsReader } from './openModels';
import { plainTextReader } from './plainText';
import type { TraceReader, TraceRecord } from './record';

export type { ReportedUsage, ToolCall, TraceReader, TraceRecord } from './record';
export { splitThink, stripTemplateTokens, type ThinkSplit } from './think';
export { readJsonItems, readRawLines, traceFileSource, type ByteSource, type JsonItem, type RawLine } from './framing';

/** Every trace format, one module each. Order only breaks ties. */
export const traceReaders: readonly TraceReader[] = [openAiReader, anthropicReader, geminiReader, ollamaReader, openModelsReader, datasetReader, inspectEvalReader, plainTextReader];

/** The reader most sure it can read a file, with its score; undefined when none scores above 0. */
export function detectTraceReader(name: string, head: string): { reader: TraceReader; score: number } | undefined {
  let best: { reader: TraceReader; score: number } | undefined;
  for (const reader of traceReaders) {
    const score = reader.detect(name, head);
    if (score > (best?.score ?? 0)) best = { reader, score };
  }
  return best;
}

export function traceReaderById(id: string): TraceReader | undefined {
  return traceReaders.find((r) => r.id === id);
}

export interface ReadTracesOptions extends WorkOptions {
  /** Force a reader instead of detecting one. */
  reader?: TraceReader;
  sink?: ProblemSink;
}

/**
 * Reads a trace file's records with the detected (or given) reader. Problems collect in
 * `sink` (a new one per call unless given); the reader used is returned alongside.
 */
export async function openTraces(source: TextSource, options: ReadTracesOptions = {}): Promise<{ reader: TraceReader | undefined; sink: ProblemSink; records: AsyncIterable<TraceRecord> }> {
  const sink = options.sink ?? new ProblemSink(source.name);
  const reader = options.reader ?? detectTraceReader(source.name, await readHead(source))?.reader;
  if (!reader) {
    sink.add({ line: 1, column: 1, severity: 'error', code: 'trace/unknown-format', message: 'Not a trace file Scaling Lens recognises (OpenAI, Anthropic, Gemini, Ollama, open-model server outputs, trace datasets, Inspect logs, or text with <think> blocks).' });
    return { reader, sink, records: empty() };
  }
  return { reader, sink, records: reader.read(source, sink, options) };
}

async function* empty(): AsyncGenerator<TraceRecord> {
  // Nothing to read.
}

/** All records of a small source (tests, open editor buffers): the records and the problems. */
export async function readAllTraces(source: TextSource, options: ReadTracesOptions = {}): Promise<{ reader: TraceReader | undefined; records: TraceRecord[]; problems: ReturnType<ProblemSink['finish']> }> {
  const { reader, sink, records } = await openTraces(source, options);
  const out: TraceRecord[] = [];
  for await (const r of records) out.push(r);
  return { reader, records: out, problems: sink.finish() };
}
