import type { EvalNote, EvalSample } from '../ingest/evalSamples/types';
import { normalizeAnswer } from '../ingest/evalSamples/answers';

/**
 * Eval samples as the estimators read them: one table per configuration (model × thinking
 * budget), problems in first-seen order, each problem's samples contiguous and in recorded
 * order, every field in a typed array (NaN or −1 where unknown), answers interned per problem.
 */
export interface ConfigTable {
  /** Stable key: model and budget. */
  key: string;
  model: string;
  budget: number | null;
  /** `model` or `model @ budget`. */
  label: string;
  problemIds: string[];
  /** Problem i's samples are [start[i], start[i + 1]). */
  start: Int32Array;
  /** Per sample: 1 right, 0 wrong, −1 unknown (graded scores already thresholded). */
  correct: Int8Array;
  /** Per sample: answer id within its problem, −1 when it has none (abstains). */
  answer: Int32Array;
  /** Per problem: its answers' ids are [answerStart[i], answerStart[i + 1]) in `answerCorrect`. */
  answerStart: Int32Array;
  /** Per (problem, answer): whether the answer is correct (by its samples' correctness). */
  answerCorrect: Uint8Array;
  verifier: Float64Array;
  promptTokens: Float64Array;
  thinkingTokens: Float64Array;
  answerTokens: Float64Array;
  latency: Float64Array;
  /** Sample index as recorded, for replays in recorded order. */
  sampleIndex: Int32Array;
}

export interface TableOptions {
  /** A graded score counts as correct at or above this; default 1 (full credit only). */
  threshold?: number;
}

export const DEFAULT_THRESHOLD = 1;

/** The number of problems. */
export function problemCount(t: ConfigTable): number {
  return t.start.length - 1;
}

/** What the table holds, for choosing estimators and explaining the ones left out. */
export interface TableFields {
  correctness: boolean;
  answers: boolean;
  verifier: boolean;
  tokens: boolean;
  thinking: boolean;
  prompt: boolean;
  latency: boolean;
}

export function tableFields(t: ConfigTable): TableFields {
  const any = (a: Float64Array) => a.some((v) => !Number.isNaN(v));
  return {
    correctness: t.correct.some((v) => v >= 0),
    answers: t.answer.some((v) => v >= 0),
    verifier: any(t.verifier),
    tokens: any(t.answerTokens) || any(t.thinkingTokens),
    thinking: any(t.thinkingTokens),
    prompt: any(t.promptTokens),
    latency: any(t.latency),
  };
}

const modelLabel = (m: string | undefined) => m ?? 'model';

export function buildTables(samples: readonly EvalSample[], options: TableOptions = {}): { tables: ConfigTable[]; notes: EvalNote[] } {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const notes: EvalNote[] = [];
  const byConfig = new Map<string, EvalSample[]>();
  for (const s of samples) {
    const key = `${modelLabel(s.model)}\u0000${s.budget ?? ''}`;
    let list = byConfig.get(key);
    if (!list) byConfig.set(key, (list = []));
    list.push(s);
  }
  let graded = 0;
  let above1 = 0;
  let inconsistent = 0;
  const tables: ConfigTable[] = [];
  for (const [key, list] of byConfig) {
    const byProblem = new Map<string, EvalSample[]>();
    for (const s of list) {
      let p = byProblem.get(s.problemId);
      if (!p) byProblem.set(s.problemId, (p = []));
      p.push(s);
    }
    const problemIds = [...byProblem.keys()];
    const n = list.length;
    const P = problemIds.length;
    const t: ConfigTable = {
      key,
      model: modelLabel(list[0].model),
      budget: list[0].budget ?? null,
      label: list[0].budget !== undefined ? `${modelLabel(list[0].model)} @ ${list[0].budget}` : modelLabel(list[0].model),
      problemIds,
      start: new Int32Array(P + 1),
      correct: new Int8Array(n),
      answer: new Int32Array(n),
      answerStart: new Int32Array(P + 1),
      answerCorrect: new Uint8Array(n),
      verifier: new Float64Array(n),
      promptTokens: new Float64Array(n),
      thinkingTokens: new Float64Array(n),
      answerTokens: new Float64Array(n),
      latency: new Float64Array(n),
      sampleIndex: new Int32Array(n),
    };
    let at = 0;
    let answersAt = 0;
    problemIds.forEach((id, i) => {
      const group = byProblem.get(id)!;
      // Recorded order; stable for samples without an index.
      group.sort((a, b) => (a.sampleIndex ?? 0) - (b.sampleIndex ?? 0));
      t.start[i] = at;
      t.answerStart[i] = answersAt;
      const ids = new Map<string, number>();
      const right: number[] = [];
      const wrong: number[] = [];
      for (const s of group) {
        let c = -1;
        if (typeof s.correct === 'boolean') c = s.correct ? 1 : 0;
        else if (typeof s.correct === 'number' && Number.isFinite(s.correct)) {
          graded++;
          if (s.correct > 1) above1++;
          c = s.correct >= threshold ? 1 : 0;
        }
        t.correct[at] = c;
        let a = -1;
        if (s.answer !== undefined && s.answer.trim() !== '') {
          const norm = normalizeAnswer(s.answer);
          a = ids.get(norm) ?? -1;
          if (a < 0) {
            a = ids.size;
            ids.set(norm, a);
            right.push(0);
            wrong.push(0);
          }
          if (c === 1) right[a]++;
          else if (c === 0) wrong[a]++;
        }
        t.answer[at] = a;
        t.verifier[at] = s.verifierScore ?? NaN;
        t.promptTokens[at] = s.promptTokens ?? NaN;
        t.thinkingTokens[at] = s.thinkingTokens ?? NaN;
        t.answerTokens[at] = s.answerTokens ?? NaN;
        t.latency[at] = s.latency ?? NaN;
        t.sampleIndex[at] = s.sampleIndex ?? 0;
        at++;
      }
      for (let a = 0; a < ids.size; a++) {
        if (right[a] > 0 && wrong[a] > 0) inconsistent++;
        // An answer is correct when most of its graded samples say so.
        t.answerCorrect[answersAt + a] = right[a] > wrong[a] ? 1 : 0;
      }
      answersAt += ids.size;
    });
    t.start[P] = at;
    t.answerStart[P] = answersAt;
    t.answerCorrect = t.answerCorrect.slice(0, answersAt);
    tables.push(t);
  }
  tables.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : (a.budget ?? -Infinity) - (b.budget ?? -Infinity)));
  if (graded > 0) {
    notes.push({
      code: 'tts/threshold',
      message: `${graded} graded scores were counted correct at or above ${threshold} (set the threshold to change this)${above1 ? `; ${above1} scores exceed 1, so the scale may not be [0, 1]` : ''}.`,
    });
  }
  if (inconsistent > 0) {
    const one = inconsistent === 1;
    notes.push({
      code: 'tts/inconsistent-answers',
      message: `${inconsistent} answer${one ? ' was' : 's were'} graded both right and wrong on different samples of one problem; ${one ? 'it counts' : 'each counts'} as correct for voting when most of its samples are.`,
    });
  }
  return { tables, notes };
}

/**
 * A table from arrays (benchmarks, tests, other front ends): `answers[i]` and `correct[i]` are
 * problem i's samples (answer ids, −1 = none; 1/0/−1), answer correctness by majority.
 */
export function tableFromArrays(answers: readonly ArrayLike<number>[], correct: readonly ArrayLike<number>[], extra: Partial<Pick<ConfigTable, 'model' | 'budget' | 'verifier' | 'promptTokens' | 'thinkingTokens' | 'answerTokens' | 'latency'>> = {}): ConfigTable {
  const P = answers.length;
  let n = 0;
  for (const a of answers) n += a.length;
  const start = new Int32Array(P + 1);
  const answer = new Int32Array(n);
  const corr = new Int8Array(n);
  const answerStart = new Int32Array(P + 1);
  const answerCorrect: number[] = [];
  let at = 0;
  for (let i = 0; i < P; i++) {
    start[i] = at;
    answerStart[i] = answerCorrect.length;
    const a = answers[i];
    const c = correct[i];
    let A = 0;
    for (let j = 0; j < a.length; j++) A = Math.max(A, a[j] + 1);
    const right = new Int32Array(A);
    const wrong = new Int32Array(A);
    for (let j = 0; j < a.length; j++) {
      answer[at] = a[j];
      corr[at] = c[j];
      if (a[j] >= 0) {
        if (c[j] === 1) right[a[j]]++;
        else if (c[j] === 0) wrong[a[j]]++;
      }
      at++;
    }
    for (let x = 0; x < A; x++) answerCorrect.push(right[x] > wrong[x] ? 1 : 0);
  }
  start[P] = at;
  answerStart[P] = answerCorrect.length;
  const nan = () => new Float64Array(n).fill(NaN);
  const model = extra.model ?? 'model';
  const budget = extra.budget ?? null;
  return {
    key: `${model}\u0000${budget ?? ''}`,
    model,
    budget,
    label: budget !== null ? `${model} @ ${budget}` : model,
    problemIds: Array.from({ length: P }, (_, i) => String(i)),
    start,
    correct: corr,
    answer,
    answerStart,
    answerCorrect: Uint8Array.from(answerCorrect),
    verifier: extra.verifier ?? nan(),
    promptTokens: extra.promptTokens ?? nan(),
    thinkingTokens: extra.thinkingTokens ?? nan(),
    answerTokens: extra.answerTokens ?? nan(),
    latency: extra.latency ?? nan(),
    sampleIndex: Int32Array.from({ length: n }, (_, j) => j - start[upperBound(start, j)]),
  };
}

/** Index i with start[i] ≤ j < start[i + 1]. */
function upperBound(start: Int32Array, j: number): number {
  let lo = 0;
  let hi = start.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (start[mid] <= j) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
