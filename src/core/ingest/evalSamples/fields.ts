import { normalizeName } from '../columnRoles';
import type { ProblemSink } from '../problem';
import { answersMatch, DEFAULT_EXTRACTOR, extractAnswer } from './answers';
import type { ColumnMapping, EvalNote, EvalSample } from './types';

/**
 * Recognising eval-sample fields from the names harnesses and research repos give them, and
 * turning a flat or nested record into samples. Matching ignores case and punctuation, so
 * `problem_id`, `problemId` and `Problem ID` are one name; nested keys also answer to their
 * last segment (`usage.reasoning_tokens` is a thinking-token column).
 */

type MappedField = keyof ColumnMapping;

/** Names per field, most specific first; the first present wins. */
const NAMES: Record<MappedField, string[]> = {
  problemId: ['problemid', 'questionid', 'taskid', 'docid', 'promptid', 'instanceid', 'exampleid', 'itemid', 'qid', 'pid', 'uid', 'id', 'idx', 'index', 'problem', 'question', 'task', 'prompt', 'input'],
  sampleIndex: ['sampleindex', 'sampleidx', 'sampleid', 'samplenum', 'attempt', 'attemptid', 'generationindex', 'generationidx', 'completionindex', 'completionidx', 'responseindex', 'trial', 'epoch', 'seed', 'try', 'rollout', 'sample'],
  model: ['model', 'modelname', 'modelid', 'modelpath', 'policy', 'engine', 'checkpoint'],
  budget: ['thinkingbudget', 'budget', 'reasoningbudget', 'budgettokens', 'thinkingbudgettokens', 'maxthinkingtokens', 'tokenbudget', 'maxreasoningtokens', 'reasoningtokensbudget', 'maxtokens', 'maxnewtokens'],
  // `answer` comes last: in many files it is the reference, and a `pred` column then the model's.
  answer: ['extractedanswer', 'parsedanswer', 'predictedanswer', 'finalanswer', 'modelanswer', 'prediction', 'pred', 'predicted', 'extracted', 'parsed', 'answer'],
  response: ['response', 'completion', 'generation', 'output', 'modeloutput', 'text', 'modelsolution', 'rawresponse', 'content'],
  reference: ['reference', 'referenceanswer', 'refanswer', 'goldanswer', 'gold', 'groundtruth', 'gt', 'target', 'expected', 'expectedanswer', 'correctanswer', 'label', 'answerkey', 'answer'],
  correct: ['correct', 'iscorrect', 'correctness', 'passed', 'pass', 'ispass', 'success', 'solved', 'exactmatch', 'em', 'accuracy', 'acc', 'score', 'result', 'reward', 'grade', 'judgment'],
  verifierScore: ['verifierscore', 'verifier', 'rmscore', 'rewardmodelscore', 'ormscore', 'prmscore', 'rmreward', 'judgescore', 'verification', 'verifierprob', 'confidence'],
  promptTokens: ['prompttokens', 'inputtokens', 'numprompttokens', 'promptlen', 'promptlength', 'ninputtokens'],
  thinkingTokens: ['thinkingtokens', 'reasoningtokens', 'numthinkingtokens', 'numreasoningtokens', 'cottokens', 'thoughttokens', 'thinkinglength', 'reasoninglength', 'thinkinglen'],
  answerTokens: ['answertokens', 'numanswertokens', 'answerlength', 'responsetokens', 'generatedtokens', 'gentokens', 'numtokens', 'ntokens', 'length', 'tokens', 'len'],
  outputTokens: ['completiontokens', 'outputtokens', 'numcompletiontokens', 'numoutputtokens', 'totaloutputtokens'],
  latency: ['latency', 'latencys', 'latencysec', 'latencyseconds', 'duration', 'elapsed', 'elapsedtime', 'totaltime', 'workingtime', 'responsetime', 'time', 'wallclock', 'seconds', 'latencyms', 'durationms'],
};

const FIELDS = Object.keys(NAMES) as MappedField[];

/** Field labels for notes and the mapping table. */
export const FIELD_LABEL: Record<MappedField, string> = {
  problemId: 'problem id',
  sampleIndex: 'sample index',
  model: 'model',
  budget: 'thinking budget',
  answer: 'extracted answer',
  response: 'response text',
  reference: 'reference answer',
  correct: 'correctness',
  verifierScore: 'verifier score',
  promptTokens: 'prompt tokens',
  thinkingTokens: 'thinking tokens',
  answerTokens: 'answer tokens',
  outputTokens: 'output tokens (thinking + answer)',
  latency: 'latency',
};

/**
 * Columns for each field among `keys` (dotted paths for nested values). `given` wins; a column
 * is used for one field only, taken by the fields in declaration order.
 */
export function detectMapping(keys: readonly string[], given: ColumnMapping = {}): ColumnMapping {
  const out: ColumnMapping = {};
  const taken = new Set<string>();
  for (const f of FIELDS) {
    const g = given[f];
    if (g !== undefined) {
      out[f] = g;
      taken.add(g);
    }
  }
  const byName = new Map<string, string>();
  const byLast = new Map<string, string>();
  for (const k of keys) {
    const n = normalizeName(k);
    if (!byName.has(n)) byName.set(n, k);
    const last = normalizeName(k.split('.').pop() ?? k);
    if (!byLast.has(last)) byLast.set(last, k);
  }
  for (const f of FIELDS) {
    if (out[f] !== undefined) continue;
    for (const name of NAMES[f]) {
      const hit = byName.get(name) ?? byLast.get(name);
      if (hit !== undefined && !taken.has(hit)) {
        out[f] = hit;
        taken.add(hit);
        break;
      }
    }
  }
  // Beside a full response and no other reference, a bare `answer` is the reference (GSM8K's
  // layout): the model's answer is then extracted from the response.
  if (given.answer === undefined && out.answer !== undefined && out.response !== undefined && out.reference === undefined && normalizeName(out.answer.split('.').pop()!) === 'answer') {
    out.reference = out.answer;
    delete out.answer;
  }
  return out;
}

/** Fields whose values must read as numbers (or, for correctness, as right/wrong). */
const NUMERIC: readonly MappedField[] = ['sampleIndex', 'budget', 'verifierScore', 'promptTokens', 'thinkingTokens', 'answerTokens', 'outputTokens', 'latency'];

/**
 * Drops guessed columns whose values do not fit the field in the records seen (a `sample`
 * column holding text is not a sample index), so one bad guess does not flag every record.
 * Columns the user named are kept: their problems are worth reporting.
 */
export function validateMapping(mapping: ColumnMapping, records: readonly Record<string, unknown>[], given: ColumnMapping = {}): { mapping: ColumnMapping; dropped: string[] } {
  const out: ColumnMapping = { ...mapping };
  const dropped: string[] = [];
  for (const f of [...NUMERIC, 'correct'] as MappedField[]) {
    const key = out[f];
    if (key === undefined || given[f] !== undefined) continue;
    let seen = 0;
    let fit = 0;
    for (const r of records) {
      const raw = getPath(r, key);
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        if (v === undefined || v === null || v === '') continue;
        seen++;
        if ((f === 'correct' ? coerceCorrect(v) : coerceNumber(v)).ok) fit++;
      }
    }
    if (seen > 0 && fit < 0.5 * seen) {
      delete out[f];
      dropped.push(`'${key}' does not hold ${f === 'correct' ? 'right/wrong values' : 'numbers'}, so it is not read as the ${FIELD_LABEL[f]}`);
    }
  }
  return { mapping: out, dropped };
}

/** A value at a dotted path; a key that itself contains dots is tried whole first. */
export function getPath(record: unknown, path: string): unknown {
  if (record === null || typeof record !== 'object') return undefined;
  const r = record as Record<string, unknown>;
  if (path in r) return r[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  return getPath(r[path.slice(0, dot)], path.slice(dot + 1));
}

/** Keys of a record, nested objects as dotted paths (two levels), for detection. */
export function recordKeys(record: Record<string, unknown>, prefix = '', depth = 0, out: string[] = []): string[] {
  for (const [k, v] of Object.entries(record)) {
    const key = prefix + k;
    out.push(key);
    if (depth < 2 && v !== null && typeof v === 'object' && !Array.isArray(v)) recordKeys(v as Record<string, unknown>, key + '.', depth + 1, out);
  }
  return out;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'c', 'correct', 'pass', 'passed', 'right', 'success', 'solved', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'i', 'incorrect', 'fail', 'failed', 'wrong', 'failure', 'unsolved', 'f', 'none']);

export type Coerced<T> = { ok: true; value: T | undefined } | { ok: false; why: string };

/** Correctness as files write it: booleans, 0/1, graded scores, Inspect's C/I/P/N, pass/fail. */
export function coerceCorrect(v: unknown): Coerced<boolean | number> {
  if (v === undefined || v === null || v === '') return { ok: true, value: undefined };
  if (typeof v === 'boolean') return { ok: true, value: v };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { ok: false, why: `${v} is not a finite score` };
    if (v === 1) return { ok: true, value: true };
    if (v === 0) return { ok: true, value: false };
    return { ok: true, value: v };
  }
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (TRUE_WORDS.has(t)) return { ok: true, value: true };
    if (FALSE_WORDS.has(t)) return { ok: true, value: false };
    if (t === 'p' || t === 'partial') return { ok: true, value: 0.5 };
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return coerceCorrect(Number(t));
    return { ok: false, why: `'${v.length > 40 ? v.slice(0, 40) + '…' : v}' is not a correctness value (expected true/false, 0/1, a score, or C/I)` };
  }
  return { ok: false, why: `expected true/false or a score, found ${Array.isArray(v) ? 'a list' : typeof v}` };
}

export function coerceNumber(v: unknown): Coerced<number> {
  if (v === undefined || v === null || v === '') return { ok: true, value: undefined };
  if (typeof v === 'number') return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, why: `${v} is not finite` };
  if (typeof v === 'boolean') return { ok: true, value: v ? 1 : 0 };
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return { ok: true, value: Number(t) };
    if (/^(nan|none|null|na|n\/a)$/i.test(t)) return { ok: true, value: undefined };
    return { ok: false, why: `'${t.length > 40 ? t.slice(0, 40) + '…' : t}' is not a number` };
  }
  return { ok: false, why: `expected a number, found ${Array.isArray(v) ? 'a list' : typeof v}` };
}

/** Text of an answer or id: strings as they are, numbers and small structures canonically. */
export function coerceText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export interface RecordContext {
  sink: ProblemSink;
  line: number;
  column?: number;
  member?: string;
  /** Text of the record's line, to point at the offending key. */
  text?: string;
  model?: string;
  /** Set when answers had to be extracted from response text. */
  extracted: { count: number };
  /** Set when correctness had to be decided by comparing answers with references. */
  compared: { count: number };
}

/** The column of a key in the record's line, or 1. */
function columnOf(ctx: RecordContext, key: string): number {
  if (!ctx.text) return ctx.column ?? 1;
  const last = key.split('.').pop() ?? key;
  const i = ctx.text.indexOf(JSON.stringify(last));
  return i >= 0 ? i + 1 : ctx.column ?? 1;
}

function report(ctx: RecordContext, key: string, field: MappedField, why: string): void {
  ctx.sink.add({
    line: ctx.line,
    column: columnOf(ctx, key),
    severity: 'warning',
    code: 'eval/bad-value',
    message: `'${key}' (${FIELD_LABEL[field]}): ${why}; the value is left out.`,
  });
}

/**
 * The samples in one record. A record whose answer, response or correctness column holds a
 * list stands for that many samples of one problem (`{"task_id": 3, "passed": [true, false]}`).
 */
export function recordToSamples(record: Record<string, unknown>, mapping: ColumnMapping, ctx: RecordContext): EvalSample[] {
  const idKey = mapping.problemId;
  const rawId = idKey ? getPath(record, idKey) : undefined;
  const problemId = coerceText(rawId);
  if (problemId === undefined || problemId === '') {
    ctx.sink.add({
      line: ctx.line,
      column: ctx.column ?? 1,
      severity: 'error',
      code: 'eval/no-problem-id',
      message: idKey ? `No problem id in '${idKey}'; record skipped.` : 'No problem id column was recognised; record skipped. Name one with the mapping option (problemId).',
    });
    return [];
  }
  const listFields = (['correct', 'answer', 'response', 'verifierScore', 'thinkingTokens', 'answerTokens', 'outputTokens', 'latency'] as const).filter((f) => {
    const k = mapping[f];
    return k !== undefined && Array.isArray(getPath(record, k));
  });
  const count = listFields.length ? Math.max(...listFields.map((f) => (getPath(record, mapping[f]!) as unknown[]).length)) : 1;
  const out: EvalSample[] = [];
  for (let j = 0; j < count; j++) {
    const at = (f: MappedField): unknown => {
      const k = mapping[f];
      if (k === undefined) return undefined;
      const v = getPath(record, k);
      return listFields.includes(f as (typeof listFields)[number]) ? (v as unknown[])[j] : v;
    };
    const s: EvalSample = { problemId, line: ctx.line };
    if (ctx.column !== undefined) s.column = ctx.column;
    if (ctx.member !== undefined) s.member = ctx.member;
    const num = (f: 'sampleIndex' | 'budget' | 'verifierScore' | 'promptTokens' | 'thinkingTokens' | 'answerTokens' | 'outputTokens' | 'latency'): number | undefined => {
      const c = coerceNumber(at(f));
      if (!c.ok) {
        report(ctx, mapping[f]!, f, c.why);
        return undefined;
      }
      return c.value;
    };
    const index = num('sampleIndex');
    if (index !== undefined) s.sampleIndex = count > 1 ? index * count + j : index;
    else if (count > 1) s.sampleIndex = j;
    const model = coerceText(at('model')) ?? ctx.model;
    if (model !== undefined) s.model = model;
    const budget = num('budget');
    if (budget !== undefined) s.budget = budget;
    const answer = coerceText(at('answer'));
    if (answer !== undefined) s.answer = answer;
    else {
      const response = coerceText(at('response'));
      if (response !== undefined) {
        const extracted = extractAnswer(response);
        if (extracted !== undefined) s.answer = extracted;
        ctx.extracted.count++;
      }
    }
    const reference = coerceText(at('reference'));
    if (reference !== undefined) s.reference = reference;
    const correct = coerceCorrect(at('correct'));
    if (!correct.ok) report(ctx, mapping.correct!, 'correct', correct.why);
    else if (correct.value !== undefined) s.correct = correct.value;
    if (s.correct === undefined && s.answer !== undefined && s.reference !== undefined) {
      s.correct = answersMatch(s.answer, s.reference);
      ctx.compared.count++;
    }
    const score = num('verifierScore');
    if (score !== undefined) s.verifierScore = score;
    const prompt = num('promptTokens');
    if (prompt !== undefined) s.promptTokens = prompt;
    const thinking = num('thinkingTokens');
    if (thinking !== undefined) s.thinkingTokens = thinking;
    const answerTokens = num('answerTokens');
    const output = num('outputTokens');
    // Providers count reasoning inside output tokens (OpenAI, Anthropic, Inspect's usage).
    if (answerTokens !== undefined) s.answerTokens = answerTokens;
    else if (output !== undefined) s.answerTokens = thinking !== undefined && output >= thinking ? output - thinking : output;
    let latency = num('latency');
    if (latency !== undefined && mapping.latency && /ms$/i.test(normalizeName(mapping.latency))) latency /= 1000;
    if (latency !== undefined) s.latency = latency;
    out.push(s);
  }
  return out;
}

/** Fills in missing sample indices by order of appearance within each problem and model. */
export function assignSampleIndices(samples: EvalSample[]): void {
  const next = new Map<string, number>();
  for (const s of samples) {
    const key = `${s.model ?? ''}\u0000${s.budget ?? ''}\u0000${s.problemId}`;
    const n = next.get(key) ?? 0;
    if (s.sampleIndex === undefined) s.sampleIndex = n;
    next.set(key, Math.max(n, s.sampleIndex) + 1);
  }
}

/** Notes for what the estimators will not be able to compute from these samples, and why. */
export function missingNotes(samples: readonly EvalSample[], ctx?: { extracted: number; compared: number }): EvalNote[] {
  const notes: EvalNote[] = [];
  if (samples.length === 0) {
    notes.push({ code: 'eval/no-samples', message: 'No samples were read, so nothing can be computed.' });
    return notes;
  }
  let correct = 0;
  let answers = 0;
  let scores = 0;
  let tokens = 0;
  let latency = 0;
  let graded = 0;
  for (const s of samples) {
    if (s.correct !== undefined) correct++;
    if (typeof s.correct === 'number') graded++;
    if (s.answer !== undefined) answers++;
    if (s.verifierScore !== undefined) scores++;
    if (s.thinkingTokens !== undefined || s.answerTokens !== undefined) tokens++;
    if (s.latency !== undefined) latency++;
  }
  const n = samples.length;
  const part = (k: number) => (k === n ? '' : ` (${k} of ${n} samples have it)`);
  if (correct === 0) notes.push({ code: 'eval/no-correctness', message: 'No sample says whether it is correct, and it could not be decided by comparing an answer with a reference: pass@k, pass^k, majority@k accuracy and every accuracy curve cannot be computed.' });
  else if (correct < n) notes.push({ code: 'eval/partial-correctness', message: `Correctness is known for ${correct} of ${n} samples; the others are left out of accuracy estimates.` });
  if (graded > 0) notes.push({ code: 'eval/graded', message: `${graded} samples carry a graded score rather than right/wrong; accuracy thresholds it (a stated, settable threshold).` });
  if (answers === 0) notes.push({ code: 'eval/no-answers', message: 'No extracted answers: majority@k, weighted majority, Best-of-Majority, agreement and early stopping cannot be computed (they vote on answers).' });
  else if (answers < n) notes.push({ code: 'eval/partial-answers', message: `${n - answers} samples have no extracted answer; they abstain from votes.` });
  if (scores === 0) notes.push({ code: 'eval/no-verifier', message: 'No verifier or reward scores: best-of-N, weighted majority, Best-of-Majority and verifier false-positive rates cannot be computed.' });
  else if (scores < n) notes.push({ code: 'eval/partial-verifier', message: `Verifier scores are missing for ${n - scores} samples${part(scores)}; those rank last.` });
  if (tokens === 0) notes.push({ code: 'eval/no-tokens', message: 'No token counts: the token, FLOPs, effective-cost and dollar axes are unavailable (samples is the only cost axis), and shortest-of-k cannot be computed.' });
  else if (tokens < n) notes.push({ code: 'eval/partial-tokens', message: `Token counts are missing for ${n - tokens} samples; token-based costs use the others' mean.` });
  if (latency === 0) notes.push({ code: 'eval/no-latency', message: 'No latencies: the latency axis is estimated from tokens and a decode speed, and first-finish by latency cannot be computed.' });
  if (ctx && ctx.extracted > 0) notes.push({ code: 'eval/answers-extracted', message: `Answers were extracted from ${ctx.extracted} responses with the built-in extractor (${DEFAULT_EXTRACTOR}); map an answer column to use your own.` });
  if (ctx && ctx.compared > 0) notes.push({ code: 'eval/correctness-compared', message: `Correctness of ${ctx.compared} samples was decided by comparing the extracted answer with the reference (normalized text, numbers to 1e-9).` });
  return notes;
}
