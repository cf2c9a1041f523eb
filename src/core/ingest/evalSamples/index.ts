import { readHead, type TextSource } from '../source';
import { csvSamplesReader } from './csvSamples';
import { inspectLogReader } from './inspect';
import { jsonlSamplesReader } from './jsonlSamples';
import { jsonSamplesReader } from './jsonSamples';
import { lmEvalHarnessReader } from './lmEvalHarness';
import type { EvalReadOptions, EvalSampleReader, EvalSampleSet } from './types';

export * from './types';
export { answersMatch, extractAnswer, normalizeAnswer, DEFAULT_EXTRACTOR } from './answers';
export { samplesFromTraces } from './fromTraces';
export { lmEvalHarnessReader, inspectLogReader, jsonlSamplesReader, csvSamplesReader, jsonSamplesReader };

/** Every eval-sample reader; the most specific formats first, so they win ties. */
export const evalSampleReaders: readonly EvalSampleReader[] = [lmEvalHarnessReader, inspectLogReader, jsonlSamplesReader, jsonSamplesReader, csvSamplesReader];

/** The reader most sure it reads this source, with its score; undefined when none claims it. */
export async function detectEvalSampleFormat(source: TextSource): Promise<{ reader: EvalSampleReader; score: number } | undefined> {
  const head = await readHead(source);
  let best: { reader: EvalSampleReader; score: number } | undefined;
  for (const reader of evalSampleReaders) {
    const score = reader.detect(source.name, head);
    if (score > 0 && (!best || score > best.score)) best = { reader, score };
  }
  return best;
}

/** Reads a source with the named reader, or the detected one; undefined when no reader claims it. */
export async function readEvalSamples(source: TextSource, options: EvalReadOptions & { format?: string } = {}): Promise<EvalSampleSet | undefined> {
  const reader = options.format ? evalSampleReaders.find((r) => r.id === options.format) : (await detectEvalSampleFormat(source))?.reader;
  return reader?.read(source, options);
}
