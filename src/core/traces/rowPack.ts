import type { TraceRow } from './summary';

/**
 * Summary rows as columns, for the trip from a worker thread to the main one. Structured clone
 * of a row object writes and reads every key name and value one by one: about 2 µs per row to
 * send and 3.7 µs to receive, and a 1 GB file has 115,000 rows, received on the thread that
 * shares the cores with the workers. Numbers travel as typed arrays, repeated strings (model,
 * tokenizer, price row...) as small dictionaries, sketches in one pooled array; rows are rebuilt
 * with the same keys in the same order, so a parallel summary prints the same JSON as a serial one.
 */

export type Column =
  | 'number' // always a number
  | 'number?' // a number or undefined
  | 'text' // a string (or undefined) of its own, such as an id
  | 'code' // a string (or undefined) from a few distinct values
  | 'flag' // boolean
  | 'flag?' // boolean or undefined
  | 'usage' // ReportedUsage: its keys as a shape code, values beside
  | 'check' // UsageCheck
  | 'kinds' // markersByKind
  | 'sketch';

/**
 * Every key of a row, in `toRow`'s order, with how it travels: the compiler checks none is
 * missing, so a field added to rows fails to build here rather than vanishing from parallel
 * summaries (the round-trip test walks this list).
 */
export const ROW_COLUMNS = {
  id: 'text',
  index: 'number',
  line: 'number',
  endLine: 'number',
  byteStart: 'number',
  byteEnd: 'number',
  model: 'code',
  problemId: 'text',
  tokenizer: 'code',
  exact: 'flag',
  countsFrom: 'code',
  thinking: 'number',
  answer: 'number',
  toolCalls: 'number',
  total: 'number',
  reported: 'usage',
  check: 'check',
  dollars: 'number?',
  priceRow: 'code',
  costBasis: 'code',
  costScope: 'code',
  costNote: 'code',
  thinkingKind: 'code',
  truncated: 'flag',
  unclosedThink: 'flag',
  finishReason: 'code',
  finalAnswer: 'text',
  answerRule: 'code',
  correct: 'flag?',
  steps: 'number',
  markers: 'number',
  markersByKind: 'kinds',
  markerRate: 'number',
  tokensAfterAnswer: 'number?',
  overthinkingShare: 'number?',
  repetitionShare: 'number?',
  sketch: 'sketch',
} as const satisfies Record<keyof TraceRow, Column>;

type Codes = { values: (string | undefined)[]; codes: Int32Array };
type Optional = { a: Float64Array; has: Uint8Array };

export interface PackedRows {
  n: number;
  text: { id: string[]; problemId: (string | undefined)[]; finalAnswer: (string | undefined)[] };
  numbers: Record<'index' | 'line' | 'endLine' | 'byteStart' | 'byteEnd' | 'thinking' | 'answer' | 'toolCalls' | 'total' | 'steps' | 'markers' | 'markerRate', Float64Array>;
  optional: Record<'dollars' | 'tokensAfterAnswer' | 'overthinkingShare' | 'repetitionShare', Optional>;
  codes: Record<'model' | 'tokenizer' | 'countsFrom' | 'priceRow' | 'costBasis' | 'costScope' | 'costNote' | 'thinkingKind' | 'finishReason' | 'answerRule', Codes>;
  flags: Record<'exact' | 'truncated' | 'unclosedThink', Uint8Array>;
  correct: Int8Array;
  /** Reported usage: the keys each row had (a code into `usageShapes`, -1 for none), values in that order. */
  usageShape: Int32Array;
  usageShapes: string[][];
  usage: Float64Array;
  /** Usage check: -1 none, else the code of its field; the numbers beside. */
  checkField: Codes;
  checkNumbers: Float64Array;
  checkFlagged: Uint8Array;
  kinds: string[];
  /** n × kinds marker counts; rows whose markersByKind has other keys are kept whole in `oddKinds`. */
  kindCounts: Float64Array;
  oddKinds: Record<number, Record<string, number>>;
  sketches: Uint32Array;
  /** Start and length of each row's sketch in `sketches`; length -1 for none. */
  sketchAt: Int32Array;
}

const USAGE_KEYS = 5;

/** A string column of few distinct values: each row's code, and the values. */
class Dictionary {
  readonly values: (string | undefined)[] = [];
  readonly codes: Int32Array;
  private readonly index = new Map<string | undefined, number>();

  constructor(n: number) {
    this.codes = new Int32Array(n);
  }

  set(i: number, v: string | undefined): void {
    let c = this.index.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(v);
      this.index.set(v, c);
    }
    this.codes[i] = c;
  }

  get packed(): Codes {
    return { values: this.values, codes: this.codes };
  }
}

class OptionalColumn {
  readonly a: Float64Array;
  readonly has: Uint8Array;

  constructor(n: number) {
    this.a = new Float64Array(n);
    this.has = new Uint8Array(n);
  }

  set(i: number, v: number | undefined): void {
    if (v === undefined) return;
    this.a[i] = v;
    this.has[i] = 1;
  }

  get packed(): Optional {
    return { a: this.a, has: this.has };
  }
}

export function packRows(rows: readonly TraceRow[]): PackedRows {
  // One pass over the rows writing every column: a worker packs a few hundred rows per range,
  // too few calls for per-column helpers taking getters to get fast.
  const n = rows.length;
  const num = (): Float64Array => new Float64Array(n);
  const numbers: PackedRows['numbers'] = { index: num(), line: num(), endLine: num(), byteStart: num(), byteEnd: num(), thinking: num(), answer: num(), toolCalls: num(), total: num(), steps: num(), markers: num(), markerRate: num() };
  const dollars = new OptionalColumn(n);
  const tokensAfterAnswer = new OptionalColumn(n);
  const overthinkingShare = new OptionalColumn(n);
  const repetitionShare = new OptionalColumn(n);
  const dict = (): Dictionary => new Dictionary(n);
  const [model, tokenizer, countsFrom, priceRow, costBasis, costScope, costNote, thinkingKind, finishReason, answerRule, checkField] = [dict(), dict(), dict(), dict(), dict(), dict(), dict(), dict(), dict(), dict(), dict()];
  const exact = new Uint8Array(n);
  const truncated = new Uint8Array(n);
  const unclosedThink = new Uint8Array(n);
  const id: string[] = new Array(n);
  const problemId: (string | undefined)[] = new Array(n);
  const finalAnswer: (string | undefined)[] = new Array(n);
  const correct = new Int8Array(n);
  const usageShape = new Int32Array(n).fill(-1);
  const usageShapes: string[][] = [];
  const shapeIndex = new Map<string, number>();
  const usage = new Float64Array(n * USAGE_KEYS);
  const checkNumbers = new Float64Array(n * 3);
  const checkFlagged = new Uint8Array(n);
  const kinds = n > 0 ? Object.keys(rows[0].markersByKind) : [];
  const kindCounts = new Float64Array(n * kinds.length);
  const oddKinds: Record<number, Record<string, number>> = {};
  let sketchLength = 0;
  for (const r of rows) sketchLength += r.sketch?.length ?? 0;
  const sketches = new Uint32Array(sketchLength);
  const sketchAt = new Int32Array(2 * n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    id[i] = r.id;
    problemId[i] = r.problemId;
    finalAnswer[i] = r.finalAnswer;
    numbers.index[i] = r.index;
    numbers.line[i] = r.line;
    numbers.endLine[i] = r.endLine;
    numbers.byteStart[i] = r.byteStart;
    numbers.byteEnd[i] = r.byteEnd;
    numbers.thinking[i] = r.thinking;
    numbers.answer[i] = r.answer;
    numbers.toolCalls[i] = r.toolCalls;
    numbers.total[i] = r.total;
    numbers.steps[i] = r.steps;
    numbers.markers[i] = r.markers;
    numbers.markerRate[i] = r.markerRate;
    dollars.set(i, r.dollars);
    tokensAfterAnswer.set(i, r.tokensAfterAnswer);
    overthinkingShare.set(i, r.overthinkingShare);
    repetitionShare.set(i, r.repetitionShare);
    model.set(i, r.model);
    tokenizer.set(i, r.tokenizer);
    countsFrom.set(i, r.countsFrom);
    priceRow.set(i, r.priceRow);
    costBasis.set(i, r.costBasis);
    costScope.set(i, r.costScope);
    costNote.set(i, r.costNote);
    thinkingKind.set(i, r.thinkingKind);
    finishReason.set(i, r.finishReason);
    answerRule.set(i, r.answerRule);
    exact[i] = r.exact ? 1 : 0;
    truncated[i] = r.truncated ? 1 : 0;
    unclosedThink[i] = r.unclosedThink ? 1 : 0;
    correct[i] = r.correct === undefined ? -1 : r.correct ? 1 : 0;
    const u = r.reported as Record<string, number | undefined> | undefined;
    if (u) {
      const keys = Object.keys(u);
      const shape = keys.join(',');
      let c = shapeIndex.get(shape);
      if (c === undefined) {
        if (keys.length > USAGE_KEYS) throw new Error(`Reported usage with ${keys.length} keys (${shape}) does not fit the packed rows.`);
        c = usageShapes.length;
        usageShapes.push(keys);
        shapeIndex.set(shape, c);
      }
      usageShape[i] = c;
      for (let k = 0; k < keys.length; k++) usage[i * USAGE_KEYS + k] = u[keys[k]] as number;
    }
    checkField.set(i, r.check?.field);
    if (r.check) {
      checkNumbers[3 * i] = r.check.counted;
      checkNumbers[3 * i + 1] = r.check.reported;
      checkNumbers[3 * i + 2] = r.check.difference;
      checkFlagged[i] = r.check.flagged ? 1 : 0;
    }
    const m = r.markersByKind;
    const keys = Object.keys(m);
    if (keys.length !== kinds.length || keys.some((k, j) => k !== kinds[j])) oddKinds[i] = m;
    else for (let j = 0; j < kinds.length; j++) kindCounts[i * kinds.length + j] = m[kinds[j]];
    const sk = r.sketch;
    sketchAt[2 * i] = at;
    sketchAt[2 * i + 1] = sk ? sk.length : -1;
    if (sk) {
      sketches.set(sk, at);
      at += sk.length;
    }
  }
  return {
    n,
    text: { id, problemId, finalAnswer },
    numbers,
    optional: { dollars: dollars.packed, tokensAfterAnswer: tokensAfterAnswer.packed, overthinkingShare: overthinkingShare.packed, repetitionShare: repetitionShare.packed },
    codes: {
      model: model.packed,
      tokenizer: tokenizer.packed,
      countsFrom: countsFrom.packed,
      priceRow: priceRow.packed,
      costBasis: costBasis.packed,
      costScope: costScope.packed,
      costNote: costNote.packed,
      thinkingKind: thinkingKind.packed,
      finishReason: finishReason.packed,
      answerRule: answerRule.packed,
    },
    flags: { exact, truncated, unclosedThink },
    correct,
    usageShape,
    usageShapes,
    usage,
    checkField: checkField.packed,
    checkNumbers,
    checkFlagged,
    kinds,
    kindCounts,
    oddKinds,
    sketches,
    sketchAt,
  };
}

export function unpackRows(p: PackedRows): TraceRow[] {
  const { id, problemId, finalAnswer } = p.text;
  const { index, line, endLine, byteStart, byteEnd, thinking, answer, toolCalls, total, steps, markers, markerRate } = p.numbers;
  const { dollars, tokensAfterAnswer, overthinkingShare, repetitionShare } = p.optional;
  const { model, tokenizer, countsFrom, priceRow, costBasis, costScope, costNote, thinkingKind, finishReason, answerRule } = p.codes;
  const { exact, truncated, unclosedThink } = p.flags;
  const { correct, usageShape, usageShapes, usage, checkField, checkNumbers, checkFlagged, kinds, kindCounts, oddKinds, sketches, sketchAt } = p;
  const o = (c: Optional, i: number): number | undefined => (c.has[i] === 1 ? c.a[i] : undefined);
  const s = <T>(c: Codes, i: number): T => c.values[c.codes[i]] as T;
  const reported = (i: number): TraceRow['reported'] => {
    const c = usageShape[i];
    if (c < 0) return undefined;
    const keys = usageShapes[c];
    const u: Record<string, number> = {};
    for (let k = 0; k < keys.length; k++) u[keys[k]] = usage[i * USAGE_KEYS + k];
    return u;
  };
  const check = (i: number): TraceRow['check'] => {
    const field = s<NonNullable<TraceRow['check']>['field'] | undefined>(checkField, i);
    if (field === undefined) return undefined;
    // The order analyze.ts writes them in.
    return { field, counted: checkNumbers[3 * i], reported: checkNumbers[3 * i + 1], difference: checkNumbers[3 * i + 2], flagged: checkFlagged[i] === 1 };
  };
  const byKind = (i: number): Record<string, number> => {
    const odd = oddKinds[i];
    if (odd) return odd;
    const m: Record<string, number> = {};
    for (let j = 0; j < kinds.length; j++) m[kinds[j]] = kindCounts[i * kinds.length + j];
    return m;
  };
  const rows: TraceRow[] = new Array(p.n);
  for (let i = 0; i < p.n; i++) {
    // Keys in toRow's order (ROW_COLUMNS'), so a row prints the same either way.
    rows[i] = {
      id: id[i],
      index: index[i],
      line: line[i],
      endLine: endLine[i],
      byteStart: byteStart[i],
      byteEnd: byteEnd[i],
      model: s(model, i),
      problemId: problemId[i],
      tokenizer: s(tokenizer, i),
      exact: exact[i] === 1,
      countsFrom: s(countsFrom, i),
      thinking: thinking[i],
      answer: answer[i],
      toolCalls: toolCalls[i],
      total: total[i],
      reported: reported(i),
      check: check(i),
      dollars: o(dollars, i),
      priceRow: s(priceRow, i),
      costBasis: s(costBasis, i),
      costScope: s(costScope, i),
      costNote: s(costNote, i),
      thinkingKind: s(thinkingKind, i),
      truncated: truncated[i] === 1,
      unclosedThink: unclosedThink[i] === 1,
      finishReason: s(finishReason, i),
      finalAnswer: finalAnswer[i],
      answerRule: s(answerRule, i),
      correct: correct[i] < 0 ? undefined : correct[i] === 1,
      steps: steps[i],
      markers: markers[i],
      markersByKind: byKind(i),
      markerRate: markerRate[i],
      tokensAfterAnswer: o(tokensAfterAnswer, i),
      overthinkingShare: o(overthinkingShare, i),
      repetitionShare: o(repetitionShare, i),
      // Views into the one pooled array: one buffer for the garbage collector to track, not one per row.
      sketch: sketchAt[2 * i + 1] < 0 ? undefined : sketches.subarray(sketchAt[2 * i], sketchAt[2 * i] + sketchAt[2 * i + 1]),
    };
  }
  return rows;
}
