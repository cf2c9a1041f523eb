import { ProblemSink } from '../problem';
import { DEFAULT_EXTRACTOR } from './answers';
import { assignSampleIndices, detectMapping, FIELD_LABEL, missingNotes, recordKeys, recordToSamples, validateMapping, type RecordContext } from './fields';
import type { ColumnMapping, EvalNote, EvalReadOptions, EvalSample, EvalSampleSet } from './types';

/**
 * Turns flat or nested records (JSONL lines, CSV rows, JSON array elements) into samples for
 * the generic readers. Columns are recognised from the first records' keys, so a file's
 * stray optional key further down does not change the mapping; an explicit mapping wins.
 */

/** Records examined before the mapping is fixed. */
const MAPPING_SAMPLE = 50;

export interface RecordAt {
  line: number;
  column?: number;
  /** The record's source text (JSONL line), to point at a bad key's column. */
  text?: string;
}

export class RecordCollector {
  readonly sink: ProblemSink;
  readonly samples: EvalSample[] = [];
  private readonly pending: { record: Record<string, unknown>; at: RecordAt }[] = [];
  private mapping: ColumnMapping | undefined;
  private readonly extracted = { count: 0 };
  private readonly compared = { count: 0 };
  private readonly mappingNotes: EvalNote[] = [];
  /** Files without a model column name their configuration after themselves. */
  private readonly fileModel: string;

  constructor(
    readonly file: string,
    readonly format: string,
    private readonly options: EvalReadOptions,
    fixedMapping?: ColumnMapping,
  ) {
    this.sink = new ProblemSink(file);
    this.fileModel = (file.split(/[\\/]/).pop() ?? file).replace(/\.[^.]+$/, '');
    if (fixedMapping) this.mapping = { ...fixedMapping, ...(options.mapping ?? {}) };
  }

  add(record: Record<string, unknown>, at: RecordAt): void {
    if (this.mapping) {
      this.convert(record, at);
      return;
    }
    this.pending.push({ record, at });
    if (this.pending.length >= MAPPING_SAMPLE) this.decide();
  }

  private decide(): void {
    const keys = new Set<string>();
    for (const p of this.pending) for (const k of recordKeys(p.record)) keys.add(k);
    const checked = validateMapping(
      detectMapping([...keys], this.options.mapping),
      this.pending.map((p) => p.record),
      this.options.mapping,
    );
    this.mapping = checked.mapping;
    for (const why of checked.dropped) this.mappingNotes.push({ code: 'eval/mapping-dropped', message: `${why}.` });
    for (const p of this.pending) this.convert(p.record, p.at);
    this.pending.length = 0;
  }

  private convert(record: Record<string, unknown>, at: RecordAt): void {
    const ctx: RecordContext = { sink: this.sink, line: at.line, column: at.column, text: at.text, model: this.options.model ?? this.fileModel, extracted: this.extracted, compared: this.compared };
    for (const s of recordToSamples(record, this.mapping!, ctx)) this.samples.push(s);
  }

  finish(extraNotes: EvalNote[] = [], reported?: Record<string, number>): EvalSampleSet {
    if (!this.mapping) this.decide();
    const mapping = this.mapping!;
    assignSampleIndices(this.samples);
    const used = Object.entries(mapping).map(([f, c]) => `${FIELD_LABEL[f as keyof ColumnMapping]} ← '${c}'`);
    const notes: EvalNote[] = [...extraNotes, ...this.mappingNotes];
    if (used.length) notes.push({ code: 'eval/mapping', message: `Columns used: ${used.join('; ')}. Override with the mapping option.` });
    notes.push(...missingNotes(this.samples, { extracted: this.extracted.count, compared: this.compared.count }));
    return {
      file: this.file,
      format: this.format,
      samples: this.samples,
      problems: this.sink.finish(),
      notes,
      mapping,
      ...(this.extracted.count > 0 ? { extractor: DEFAULT_EXTRACTOR } : {}),
      ...(reported && Object.keys(reported).length ? { reported } : {}),
    };
  }
}

/** Whether records with these keys look like eval samples: a problem id and an outcome or answer. */
export function looksLikeSamples(keys: readonly string[]): boolean {
  const m = detectMapping(keys);
  return m.problemId !== undefined && (m.correct !== undefined || m.answer !== undefined || m.response !== undefined || m.verifierScore !== undefined);
}
