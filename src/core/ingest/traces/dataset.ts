import { sampleHead, type JsonItem } from './framing';
import { applyMeta, correctness, finishRecord, first, idString, isObj, metaOf, normalizeFinish, positioned, setOutputText, str, textOf, type Meta, type Obj } from './common';
import { notAnObject, readJsonRecords, unrecognized } from './jsonReader';
import { emptyRecord, type TraceReader, type TraceRecord } from './record';
import { THINK_TAG } from './think';

/**
 * Traces as people store them in datasets: chat rows (`messages` / ShareGPT `conversations` whose
 * last assistant turn is the output, with `reasoning_content` or `<think>`), field-style rows
 * (`problem`/`question` + `thinking`/`reasoning` + `response`/`solution`/`answer`), rows with
 * several generations per problem (`generations` + `correctness_*` lists, as in OpenR1-Math), and
 * lm-evaluation-harness `--log_samples` lines (`doc_id`, `resps`, `target`, metric fields), and
 * Inspect eval logs in JSON form (the `.eval` zip form is inspectEval.ts's, which reads its samples with inspectRecords).
 */

const THINK_KEYS = ['thinking', 'reasoning', 'reasoning_content', 'thought', 'thoughts', 'cot', 'chain_of_thought', 'deepseek_reasoning', 'thinking_trajectory', 'thinking_trajectories', 'rationale'];
const OUTPUT_KEYS = ['response', 'output', 'completion', 'generation', 'generated_text', 'model_output', 'prediction', 'attempt', 'model_answer', 'model_response'];
// `output_list` + `graded_list`: LiveCodeBench's evaluation output.
const MULTI_KEYS = ['generations', 'responses', 'outputs', 'samples', 'completions', 'output_list'];
/**
 * `code` holds the generations in the rows of the Qwen2.5-Math evaluation toolkit (and the many
 * reasoning repositories built on it: `idx`, `question`, `gt`, `code`, `pred`, `score`), but is
 * a common name for other things: only taken beside that toolkit's `pred` or `score` list.
 */
const TOOLKIT_KEY = 'code';
const MULTI_CORRECT = ['correctness_math_verify', 'correctness', 'correct', 'is_correct', 'correctness_llama', 'scores', 'score', 'rewards', 'graded_list'];
const GOLD_KEYS = ['reference', 'gold', 'gold_answer', 'ground_truth', 'expected_answer', 'target', 'reference_answer', 'correct_answer', 'final_answer', 'gt', 'gts', 'answer', 'refr', 'label', 'solution'];
const PAIRED_THINKING = /_thinking_trajector(?:y|ies)$/;
const SWITCH_VALUE = /^\s*(?:on|off|true|false|yes|no|enabled|disabled|none|auto|low|medium|high)\s*$/i;
const ASSISTANT = new Set(['assistant', 'gpt', 'model', 'bot', 'chatbot']);
const USER = new Set(['user', 'human']);

type Place = Pick<JsonItem, 'line' | 'endLine' | 'byteStart' | 'byteEnd'>;

function record(text: string, meta: Meta, item: Place, thinking?: string, finish?: unknown): TraceRecord {
  const r = emptyRecord('dataset', 0);
  setOutputText(r, text, thinking);
  r.finishReason = normalizeFinish(finish);
  return applyMeta(positioned(finishRecord(r), item), meta);
}

function goldMeta(o: Obj, used: readonly string[]): Meta {
  return metaOf(o, { referenceKeys: GOLD_KEYS.filter((k) => !used.includes(k)) });
}

/**
 * An Inspect eval log in its JSON form (`inspect eval --log-format json`): every sample's output
 * with `reasoning` content blocks, usage (`reasoning_tokens`) and scores ('C'/'I' or numbers).
 * The whole log is one JSON document, so every record points at the document's lines.
 */
export function inspectRecords(o: Obj, item: Place): TraceRecord[] {
  const ev = isObj(o.eval) ? o.eval : {};
  const out: TraceRecord[] = [];
  for (const sample of Array.isArray(o.samples) ? o.samples : []) {
    if (!isObj(sample) || !isObj(sample.output)) continue;
    const output = sample.output;
    const choice = Array.isArray(output.choices) && isObj(output.choices[0]) ? output.choices[0] : undefined;
    const message = choice && isObj(choice.message) ? choice.message : undefined;
    if (!message) continue;
    const thinking: string[] = [];
    const text: string[] = [];
    let redacted = 0;
    if (typeof message.content === 'string') text.push(message.content);
    else if (Array.isArray(message.content)) {
      for (const c of message.content) {
        if (!isObj(c)) continue;
        if (c.type === 'reasoning') {
          if (c.redacted === true) redacted++;
          else if (typeof c.reasoning === 'string') thinking.push(c.reasoning);
        } else if (c.type === 'text' && typeof c.text === 'string') text.push(c.text);
      }
    }
    const scores = isObj(sample.scores) ? Object.values(sample.scores).filter(isObj) : [];
    const value = scores[0]?.value;
    const epoch = typeof sample.epoch === 'number' ? sample.epoch : 1;
    const id = idString(sample.id);
    const target = Array.isArray(sample.target) ? sample.target.filter((t) => typeof t === 'string').join(' | ') : str(sample.target);
    const prompt = typeof sample.input === 'string' ? sample.input : Array.isArray(sample.input) ? textOf((sample.input.filter(isObj).reverse().find((m) => m.role === 'user') ?? {}).content) : undefined;
    const r = record(text.join(''), { id: id !== undefined ? `${id}#${epoch}` : undefined, problemId: id, model: str(output.model) ?? str(ev.model), prompt, reference: target, correct: value === 'C' ? true : value === 'I' ? false : correctness(value) }, item, thinking.length > 0 ? thinking.join('\n\n') : undefined, choice?.stop_reason);
    r.redactedThinkingBlocks = redacted;
    const u = isObj(output.usage) ? output.usage : undefined;
    if (u) {
      const n = (k: string): number | undefined => (typeof u[k] === 'number' ? (u[k] as number) : undefined);
      const input = n('input_tokens');
      const cached = n('input_tokens_cache_read');
      r.usage = { input: input !== undefined && cached !== undefined ? input + cached : input, cachedInput: cached, output: n('output_tokens'), reasoning: n('reasoning_tokens'), total: n('total_tokens') };
    }
    out.push(r);
  }
  return out;
}

/** One row → its records (empty when the row holds no model output). */
export function datasetRecords(o: Obj, item: Place): TraceRecord[] {
  // Records keyed by their index in one object, as OpenCompass writes predictions
  // ({"0": {"origin_prompt": …, "prediction": …, "gold": …}, "1": …}).
  if (isIndexMap(o)) {
    return Object.entries(o).flatMap(([k, v]) => datasetRecords(v as Obj, item).map((r) => (r.id.startsWith('#') ? { ...r, id: k, problemId: r.problemId ?? k } : r)));
  }
  if (Array.isArray(o.samples) && isObj(o.eval)) return inspectRecords(o, item);
  // lm-evaluation-harness sample.
  if (Array.isArray(o.resps) && ('doc_id' in o || 'doc' in o)) {
    const outputs = o.resps.flatMap((r) => (Array.isArray(r) ? r : [r])).filter((t): t is string => typeof t === 'string');
    const args = isObj(o.arguments) ? o.arguments : {};
    const firstArg = Object.values(args).find(isObj);
    const meta: Meta = {
      id: idString(o.doc_id),
      problemId: idString(o.doc_id),
      prompt: firstArg ? str(firstArg.arg_0) : undefined,
      reference: typeof o.target === 'string' || typeof o.target === 'number' ? String(o.target) : undefined,
    };
    // Metric fields apply to the (filtered) response; with repeats they are aggregates.
    const metrics = Array.isArray(o.metrics) ? o.metrics.filter((m): m is string => typeof m === 'string') : [];
    const metricValue = metrics.map((m) => o[m]).find((v) => v === 0 || v === 1 || typeof v === 'boolean');
    return outputs.map((t, k) => record(t, { ...meta, id: outputs.length > 1 ? `${meta.id}#${k}` : meta.id, correct: outputs.length === 1 ? correctness(metricValue) : undefined }, item));
  }
  // Several generations per problem. Before chat rows: OpenR1-Math rows also carry `messages`,
  // whose assistant turn is just one of the generations.
  const stringList = (k: string): boolean => Array.isArray(o[k]) && (o[k] as unknown[]).some((x) => typeof x === 'string');
  const toolkitRow = stringList(TOOLKIT_KEY) && [o.pred, o.score].some((v) => Array.isArray(v) && v.length === (o[TOOLKIT_KEY] as unknown[]).length);
  const multiKey = MULTI_KEYS.find(stringList) ?? (toolkitRow ? TOOLKIT_KEY : undefined);
  if (multiKey) {
    const gens = o[multiKey] as unknown[];
    const correctKey = MULTI_CORRECT.find((k) => Array.isArray(o[k]) && (o[k] as unknown[]).length === gens.length);
    const flags = correctKey ? (o[correctKey] as unknown[]) : [];
    // Per-generation finish reasons (`finish_reasons`: 'stop' / 'length'), where the row has them.
    const finishes = Array.isArray(o.finish_reasons) && o.finish_reasons.length === gens.length ? (o.finish_reasons as unknown[]) : [];
    const meta = goldMeta(o, []);
    const problemId = meta.problemId ?? meta.id;
    // Without an id of their own, generations are named after their problem (LiveCodeBench).
    const base = meta.id ?? problemId;
    const out: TraceRecord[] = [];
    gens.forEach((g, k) => {
      if (typeof g !== 'string') return;
      const r = record(g, { ...meta, problemId, id: base !== undefined ? `${base}#${k}` : undefined, correct: correctness(flags[k]) }, item, undefined, finishes[k]);
      out.push(r);
    });
    return out;
  }
  // Chat rows.
  const chat = first(o, ['messages', 'conversations', 'conversation']);
  if (Array.isArray(chat)) {
    let last = -1;
    for (let i = chat.length - 1; i >= 0; i--) {
      const m = chat[i];
      if (isObj(m) && ASSISTANT.has(String(m.role ?? m.from ?? '').toLowerCase())) {
        last = i;
        break;
      }
    }
    if (last < 0) return [];
    const m = chat[last] as Obj;
    let prompt: string | undefined;
    for (let i = last - 1; i >= 0; i--) {
      const u = chat[i];
      if (isObj(u) && USER.has(String(u.role ?? u.from ?? '').toLowerCase())) {
        prompt = textOf(u.content ?? u.value);
        break;
      }
    }
    const meta = goldMeta(o, []);
    const thinking = str(first(m, ['reasoning_content', 'reasoning', 'thinking']));
    return [record(textOf(m.content ?? m.value ?? m.text), { ...meta, prompt: meta.prompt ?? prompt }, item, thinking)];
  }
  // Per-model pairs in one row (s1K-1.1: `deepseek_thinking_trajectory` + `deepseek_attempt`
  // graded by `deepseek_grade`, and the same for `gemini_`): one record per model.
  const paired = Object.keys(o).filter((k) => PAIRED_THINKING.test(k) && textValue(o[k]) !== undefined);
  if (paired.length > 0) {
    const meta = goldMeta(o, []);
    return paired.map((k) => {
      const prefix = k.replace(PAIRED_THINKING, '');
      const attempt = textValue(o[`${prefix}_attempt`] ?? o[`${prefix}_response`] ?? o[`${prefix}_answer`]) ?? '';
      const correct = correctness(o[`${prefix}_grade`] ?? o[`${prefix}_correct`]);
      return record(attempt, { ...meta, model: prefix, problemId: meta.problemId ?? meta.id, id: meta.id !== undefined ? `${meta.id}#${prefix}` : undefined, correct: correct ?? meta.correct }, item, textValue(o[k]));
    });
  }
  // Field-style rows. A reasoning switch (Llama-Nemotron's `reasoning: "on"`) is not reasoning text.
  const thinkKey = THINK_KEYS.find((k) => {
    const t = textValue(o[k]);
    return t !== undefined && !SWITCH_VALUE.test(t);
  });
  const thinking = thinkKey ? textValue(o[thinkKey]) : undefined;
  let outKey = OUTPUT_KEYS.find((k) => typeof o[k] === 'string');
  if (!outKey && thinking !== undefined) outKey = ['solution', 'answer'].find((k) => typeof o[k] === 'string');
  if (!outKey && typeof o.solution === 'string' && THINK_TAG.test(o.solution)) outKey = 'solution';
  if (!outKey && thinking === undefined) return [];
  const meta = goldMeta(o, outKey ? [outKey] : []);
  return [record(outKey ? String(o[outKey]) : '', meta, item, thinking, first(o, ['finish_reason', 'stop_reason']))];
}

export const datasetReader: TraceReader = {
  id: 'dataset',
  title: 'Trace datasets (messages, problem/thinking/solution fields, generations, lm-eval samples, Inspect JSON logs)',
  lineIndependent: true,
  detect(name, head) {
    if (!/\.(jsonl|ndjson|json)$/i.test(name)) return 0;
    const values = sampleHead(head);
    // A big Inspect log does not fit in the head: recognise its opening keys instead.
    if (values.length === 0) {
      if (/^\s*\{\s*"version"\s*:\s*\d+,\s*"status"\s*:\s*"\w+",\s*"eval"\s*:\s*\{/.test(head)) return 0.6;
      // OpenCompass predictions whose first record is longer than the head.
      if (/^\s*\{\s*"0"\s*:\s*\{/.test(head) && /"(?:prediction|origin_prompt)"\s*:/.test(head)) return 0.6;
      return 0;
    }
    let hits = 0;
    for (const v of values) {
      if (!isObj(v)) continue;
      const rows = datasetRecords(v, { line: 1, endLine: 1, byteStart: 0, byteEnd: 0 });
      if (rows.length > 0) hits++;
    }
    return (hits / values.length) * 0.7;
  },
  read(source, sink, work) {
    return readJsonRecords(source, sink, work, {
      value(v, item, emit, s) {
        if (!isObj(v)) {
          notAnObject(item, s, v);
          return;
        }
        const rows = datasetRecords(v, item);
        if (rows.length === 0) unrecognized(item, s, 'model output (messages, response, thinking, generations or resps)');
        for (const r of rows) emit(r);
      },
    });
  },
};

/** A string, or the first string of a list (s1K keeps trajectories in one-element lists). */
function textValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** An object whose keys are all indices ("0", "1", …) and whose values are all objects. */
function isIndexMap(o: Obj): boolean {
  let n = 0;
  for (const k in o) {
    if (!/^\d+$/.test(k) || !isObj(o[k])) return false;
    n++;
  }
  return n > 0;
}
