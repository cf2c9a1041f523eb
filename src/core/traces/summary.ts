import type { Problem } from '../ingest/problem';
import type { ReportedUsage } from '../ingest/traces/record';
import type { TraceAnalysis, UsageCheck } from './analyze';
import { normalizeAnswer } from './answer';
import { summarizeProblems, type ProblemsOverview, type ProblemStats } from './problems';

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
  sketch?: number[];
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

export class TraceSummaryBuilder {
  private readonly rows: TraceRow[] = [];

  constructor(readonly file: string, readonly format?: string) {}

  add(a: TraceAnalysis | TraceRow): void {
    this.rows.push('tokenizer' in a && typeof a.tokenizer === 'object' ? toRow(a as TraceAnalysis) : (a as TraceRow));
  }

  addRows(rows: readonly TraceRow[]): void {
    for (const r of rows) this.rows.push(r);
  }

  finish(fileProblems: Problem[] = []): FileTraceSummary {
    return summarizeRows(this.file, this.format, this.rows, fileProblems);
  }
}

export function summarizeRows(file: string, format: string | undefined, rows: TraceRow[], fileProblems: Problem[] = []): FileTraceSummary {
  const tokenizers = new Map<string, { id: string; exact: boolean; records: number }>();
  const totals: FileTraceSummary['totals'] = {
    thinking: 0,
    answer: 0,
    toolCalls: 0,
    total: 0,
    priced: { reported: 0, counted: 0, estimated: 0, none: 0 },
    priceRows: [],
    estimated: 0,
  };
  const priceRows = new Set<string>();
  const byKind: Record<string, number> = {};
  let markers = 0;
  let truncated = 0;
  let unclosed = 0;
  let flagged = 0;
  let over = 0;
  let overAfter = 0;
  let overThinking = 0;
  let correct = 0;
  let incorrect = 0;
  const addOpt = (key: 'reportedOutput' | 'reportedReasoning' | 'reportedInput' | 'dollars', v: number | undefined): void => {
    if (v !== undefined) totals[key] = (totals[key] ?? 0) + v;
  };
  for (const r of rows) {
    let t = tokenizers.get(r.tokenizer);
    if (!t) tokenizers.set(r.tokenizer, (t = { id: r.tokenizer, exact: r.exact, records: 0 }));
    t.records++;
    totals.thinking += r.thinking;
    totals.answer += r.answer;
    totals.toolCalls += r.toolCalls;
    totals.total += r.total;
    if (r.countsFrom === 'estimated') totals.estimated++;
    addOpt('reportedOutput', r.reported?.output);
    addOpt('reportedReasoning', r.reported?.reasoning);
    addOpt('reportedInput', r.reported?.input);
    addOpt('dollars', r.dollars);
    if (r.costBasis) totals.priced[r.costBasis]++;
    else totals.priced.none++;
    if (r.priceRow) priceRows.add(r.priceRow);
    markers += r.markers;
    for (const [k, v] of Object.entries(r.markersByKind)) byKind[k] = (byKind[k] ?? 0) + v;
    if (r.truncated) truncated++;
    if (r.unclosedThink) unclosed++;
    if (r.check?.flagged) flagged++;
    if (r.tokensAfterAnswer !== undefined) {
      over++;
      overAfter += r.tokensAfterAnswer;
      overThinking += r.thinking;
    }
    if (r.correct === true) correct++;
    else if (r.correct === false) incorrect++;
  }
  totals.priceRows = [...priceRows].sort();
  const { problems, overview } = summarizeProblems(
    rows.map((r) => ({ problemId: r.problemId, thinking: r.thinking, correct: r.correct, answer: r.finalAnswer !== undefined ? normalizeAnswer(r.finalAnswer) : undefined, sketch: r.sketch })),
  );
  return {
    file,
    format,
    records: rows.length,
    tokenizers: [...tokenizers.values()],
    totals,
    truncated,
    unclosedThink: unclosed,
    usageFlagged: flagged,
    markers: { total: markers, byKind, ratePer1k: totals.thinking > 0 ? (1000 * markers) / totals.thinking : 0 },
    overthinking: { traces: over, tokensAfter: overAfter, share: overThinking > 0 ? overAfter / overThinking : 0 },
    correctness: { judged: correct + incorrect, correct, incorrect },
    problems: overview,
    problemStats: problems,
    rows,
    fileProblems,
  };
}
