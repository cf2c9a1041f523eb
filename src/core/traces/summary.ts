import type { Problem } from '../ingest/problem';
import type { ReportedUsage } from '../ingest/traces/record';
import type { TraceAnalysis, UsageCheck } from './analyze';
import { normalizeAnswer } from './answer';
import { ProblemsFold, type ProblemsOverview, type ProblemStats } from './problems';

/**
 * A whole trace file in numbers: one compact row per record (what the CLI's `--json` prints and
 * what worker threads send back) and the file's totals, built incrementally so a file of a
 * million traces never holds more than its rows.
 */
export interface TraceRow {
  id: string;
  index: number;
  line: number;
  endLine: number;
  byteStart: number;
  byteEnd: number;
  model?: string;
  problemId?: string;
  tokenizer: string;
  /** False when the tokenizer is an estimate (no public tokenizer). */
  exact: boolean;
  /** Where `thinking`/`answer`/`total` come from (see `TraceAnalysis.countsFrom`). */
  countsFrom: TraceAnalysis['countsFrom'];
  thinking: number;
  answer: number;
  toolCalls: number;
  total: number;
  reported?: ReportedUsage;
  check?: UsageCheck;
  dollars?: number;
  /** Price row behind `dollars` (its id carries the date) and where the token numbers came from. */
  priceRow?: string;
  costBasis?: 'reported' | 'counted' | 'estimated';
  costScope?: 'input+output' | 'output';
  costNote?: string;
  thinkingKind: TraceAnalysis['thinkingKind'];
  truncated: boolean;
  unclosedThink: boolean;
  finishReason?: string;
  finalAnswer?: string;
  answerRule?: string;
  correct?: boolean;
  steps: number;
  markers: number;
  markersByKind: Record<string, number>;
  markerRate: number;
  tokensAfterAnswer?: number;
  overthinkingShare?: number;
  repetitionShare?: number;
  /** Similarity sketch; used for the per-problem view, left out of printed output. */
  sketch?: Uint32Array;
}

export function toRow(a: TraceAnalysis): TraceRow {
  return {
    id: a.id,
    index: a.index,
    line: a.line,
    endLine: a.endLine,
    byteStart: a.byteStart,
    byteEnd: a.byteEnd,
    model: a.model,
    problemId: a.problemId,
    tokenizer: a.tokenizer.id,
    exact: a.tokenizer.exact,
    countsFrom: a.countsFrom,
    thinking: a.thinking,
    answer: a.answer,
    toolCalls: a.toolCalls,
    total: a.total,
    reported: a.reported,
    check: a.check,
    dollars: a.cost?.dollars,
    priceRow: a.cost?.row,
    costBasis: a.cost?.basis,
    costScope: a.cost?.scope,
    costNote: a.costNote,
    thinkingKind: a.thinkingKind,
    truncated: a.truncated,
    unclosedThink: a.unclosedThink,
    finishReason: a.finishReason,
    finalAnswer: a.finalAnswer?.value,
    answerRule: a.finalAnswer?.rule,
    correct: a.correct,
    steps: a.steps,
    markers: a.markers,
    markersByKind: a.markersByKind,
    markerRate: a.markerRate,
    tokensAfterAnswer: a.firstAnswer?.tokensAfter,
    overthinkingShare: a.firstAnswer?.share,
    repetitionShare: a.repetition?.share,
    sketch: a.sketch,
  };
}

export interface FileTraceSummary {
  file: string;
  /** Reader id (`openai`, `anthropic`, ...). */
  format?: string;
  records: number;
  tokenizers: { id: string; exact: boolean; records: number }[];
  totals: {
    thinking: number;
    answer: number;
    toolCalls: number;
    total: number;
    reportedOutput?: number;
    reportedReasoning?: number;
    reportedInput?: number;
    dollars?: number;
    /** Records priced from reported usage, from counts, from estimates; and not priced. */
    priced: { reported: number; counted: number; estimated: number; none: number };
    priceRows: string[];
    /** Records whose counts are estimates (no tokenizer, no reported usage). */
    estimated: number;
  };
  truncated: number;
  unclosedThink: number;
  usageFlagged: number;
  markers: { total: number; byKind: Record<string, number>; ratePer1k: number };
  overthinking: { traces: number; tokensAfter: number; share: number };
  correctness: { judged: number; correct: number; incorrect: number };
  problems: ProblemsOverview;
  problemStats: ProblemStats[];
  rows: TraceRow[];
  fileProblems: Problem[];
}

/**
 * Totals built one row at a time, so the parallel summary can fold each part in as it arrives
 * (in file order) instead of walking every row once all workers are done.
 */
export class TraceSummaryBuilder {
  private readonly rows: TraceRow[] = [];
  private readonly tokenizers = new Map<string, { id: string; exact: boolean; records: number }>();
  private readonly totals: FileTraceSummary['totals'] = {
    thinking: 0,
    answer: 0,
    toolCalls: 0,
    total: 0,
    priced: { reported: 0, counted: 0, estimated: 0, none: 0 },
    priceRows: [],
    estimated: 0,
  };
  private readonly priceRows = new Set<string>();
  private readonly byKind: Record<string, number> = {};
  private readonly problems = new ProblemsFold();
  private markers = 0;
  private truncated = 0;
  private unclosed = 0;
  private flagged = 0;
  private over = 0;
  private overAfter = 0;
  private overThinking = 0;
  private correct = 0;
  private incorrect = 0;

  constructor(readonly file: string, readonly format?: string) {}

  add(a: TraceAnalysis | TraceRow): void {
    this.addRow('tokenizer' in a && typeof a.tokenizer === 'object' ? toRow(a as TraceAnalysis) : (a as TraceRow));
  }

  addRows(rows: readonly TraceRow[]): void {
    for (const r of rows) this.addRow(r);
  }

  /** Rows added so far (the next row's index). */
  get count(): number {
    return this.rows.length;
  }

  private addRow(r: TraceRow): void {
    this.rows.push(r);
    const totals = this.totals;
    let t = this.tokenizers.get(r.tokenizer);
    if (!t) this.tokenizers.set(r.tokenizer, (t = { id: r.tokenizer, exact: r.exact, records: 0 }));
    t.records++;
    totals.thinking += r.thinking;
    totals.answer += r.answer;
    totals.toolCalls += r.toolCalls;
    totals.total += r.total;
    if (r.countsFrom === 'estimated') totals.estimated++;
    if (r.reported?.output !== undefined) totals.reportedOutput = (totals.reportedOutput ?? 0) + r.reported.output;
    if (r.reported?.reasoning !== undefined) totals.reportedReasoning = (totals.reportedReasoning ?? 0) + r.reported.reasoning;
    if (r.reported?.input !== undefined) totals.reportedInput = (totals.reportedInput ?? 0) + r.reported.input;
    if (r.dollars !== undefined) totals.dollars = (totals.dollars ?? 0) + r.dollars;
    if (r.costBasis) totals.priced[r.costBasis]++;
    else totals.priced.none++;
    if (r.priceRow) this.priceRows.add(r.priceRow);
    this.markers += r.markers;
    const byKind = this.byKind;
    for (const k in r.markersByKind) byKind[k] = (byKind[k] ?? 0) + r.markersByKind[k];
    if (r.truncated) this.truncated++;
    if (r.unclosedThink) this.unclosed++;
    if (r.check?.flagged) this.flagged++;
    if (r.tokensAfterAnswer !== undefined) {
      this.over++;
      this.overAfter += r.tokensAfterAnswer;
      this.overThinking += r.thinking;
    }
    if (r.correct === true) this.correct++;
    else if (r.correct === false) this.incorrect++;
    this.problems.add(r.problemId, r.thinking, r.correct, r.finalAnswer !== undefined ? normalizeAnswer(r.finalAnswer) : undefined, r.sketch);
  }

  finish(fileProblems: Problem[] = []): FileTraceSummary {
    const totals = { ...this.totals, priced: { ...this.totals.priced }, priceRows: [...this.priceRows].sort() };
    const { problems, overview } = this.problems.finish();
    const markers = this.markers;
    return {
      file: this.file,
      format: this.format,
      records: this.rows.length,
      tokenizers: [...this.tokenizers.values()].map((t) => ({ ...t })),
      totals,
      truncated: this.truncated,
      unclosedThink: this.unclosed,
      usageFlagged: this.flagged,
      markers: { total: markers, byKind: { ...this.byKind }, ratePer1k: totals.thinking > 0 ? (1000 * markers) / totals.thinking : 0 },
      overthinking: { traces: this.over, tokensAfter: this.overAfter, share: this.overThinking > 0 ? this.overAfter / this.overThinking : 0 },
      correctness: { judged: this.correct + this.incorrect, correct: this.correct, incorrect: this.incorrect },
      problems: overview,
      problemStats: problems,
      rows: this.rows,
      fileProblems,
    };
  }
}

export function summarizeRows(file: string, format: string | undefined, rows: readonly TraceRow[], fileProblems: Problem[] = []): FileTraceSummary {
  const b = new TraceSummaryBuilder(file, format);
  b.addRows(rows);
  return b.finish(fileProblems);
}
