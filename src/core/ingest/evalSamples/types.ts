import { readFile } from 'node:fs/promises';
import type { Problem } from '../problem';
import { fileSource, type TextSource } from '../source';
import type { WorkOptions } from '../../work';

/**
 * Eval samples: one record per (problem, sample), with whatever the file knows. Everything but
 * the problem id is optional, because every harness records a different subset; the
 * estimators say what they cannot compute when a field is missing.
 */
export interface EvalSample {
  problemId: string;
  /** 0-based index of the sample among the problem's samples (Inspect's epoch − 1, ...). */
  sampleIndex?: number;
  model?: string;
  /** Thinking budget the sample was generated under, in tokens (or the file's own unit). */
  budget?: number;
  /** The extracted final answer, as voting compares it. */
  answer?: string;
  reference?: string;
  /** Right or wrong, or a graded score in [0, 1] that the estimators threshold. */
  correct?: boolean | number;
  /** A verifier's or reward model's score: higher is more likely correct. */
  verifierScore?: number;
  promptTokens?: number;
  thinkingTokens?: number;
  answerTokens?: number;
  /** Wall-clock seconds to generate the sample. */
  latency?: number;
  /** 1-based line (and column) of the record in the file, or in `member` for zipped logs. */
  line: number;
  column?: number;
  /** The file inside an archive (Inspect `.eval`) the record came from. */
  member?: string;
}

export type SampleField =
  | 'problemId'
  | 'sampleIndex'
  | 'model'
  | 'budget'
  | 'answer'
  | 'reference'
  | 'correct'
  | 'verifierScore'
  | 'promptTokens'
  | 'thinkingTokens'
  | 'answerTokens'
  | 'latency';

/** Which column or key supplies a field: a name, or a dotted path into nested records. */
export type ColumnMapping = Partial<Record<SampleField | 'response' | 'outputTokens', string>>;

/** Something that could not be computed from this file, and why; shown beside the results. */
export interface EvalNote {
  code: string;
  message: string;
}

export interface EvalSampleSet {
  file: string;
  /** Reader id. */
  format: string;
  samples: EvalSample[];
  /** Located problems (bad lines, unusable values); reading went on past each. */
  problems: Problem[];
  notes: EvalNote[];
  /** The columns each field was read from, so users can check the guess and override it. */
  mapping?: ColumnMapping;
  /** How answers were extracted from responses, when the reader had to extract them. */
  extractor?: string;
  /** Headline numbers the file itself reports (e.g. CRUXEval's `pass_at_1`), for comparison. */
  reported?: Record<string, number>;
}

export interface EvalReadOptions extends WorkOptions {
  /** Columns for fields, overriding detection (generic readers). */
  mapping?: ColumnMapping;
  /**
   * Which one of several the file holds: an lm-evaluation-harness filter, an Inspect scorer, or
   * the top-level key of a JSON map (e.g. `raw_scored_generations`).
   */
  select?: string;
  /** Model name for files that do not record one. */
  model?: string;
}

/** A text source that can also give its raw bytes, for zipped formats (Inspect `.eval`). */
export interface ByteSource extends TextSource {
  bytes(): Promise<Uint8Array>;
}

export function isByteSource(source: TextSource): source is ByteSource {
  return typeof (source as Partial<ByteSource>).bytes === 'function';
}

/** A file on disk readable both as text and as bytes. */
export function byteFileSource(path: string, name = path): ByteSource {
  const text = fileSource(path, name);
  return {
    name: text.name,
    size: text.size,
    chunks: () => text.chunks(),
    bytes: async () => new Uint8Array(await readFile(path)),
  };
}

export function byteSource(name: string, data: Uint8Array): ByteSource {
  return {
    name,
    size: data.length,
    async *chunks() {
      yield new TextDecoder().decode(data);
    },
    bytes: async () => data,
  };
}

/**
 * One eval-sample format. `detect` scores how sure it is that a file is its format (0 = no,
 * up to 1); `head` is the file's first 8 KiB as text.
 */
export interface EvalSampleReader {
  id: string;
  title: string;
  detect(name: string, head: string): number;
  read(source: TextSource, options?: EvalReadOptions): Promise<EvalSampleSet>;
}
