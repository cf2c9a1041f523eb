import type { JsonItem } from './framing';
import { emptyRecord, type ReportedUsage, type TraceRecord } from './record';
import { splitThink } from './think';

/**
 * Pieces every trace reader shares: reading loosely typed JSON, the metadata people wrap around
 * API responses (ids, problem ids, gold answers, correctness), usage blocks, and the
 * OpenAI-compatible chat-completion shape that OpenAI, DeepSeek, vLLM, SGLang and most servers use.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function first(o: Obj, keys: readonly string[]): unknown {
  for (const k of keys) {
    const v = o[k];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/** Text from a string or a list of content parts (`[{type: 'text', text}]`, `[{type: 'output_text', ...}]`). */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const p of v) {
      if (typeof p === 'string') parts.push(p);
      else if (isObj(p)) {
        const t = str(p.text) ?? str(p.content) ?? (isObj(p.text) ? str(p.text.value) : undefined);
        if (t !== undefined && p.type !== 'reasoning' && p.type !== 'thinking') parts.push(t);
      }
    }
    return parts.join('');
  }
  return '';
}

const ID_KEYS = ['id', 'custom_id', 'uid', 'sample_id', 'request_id', 'key', '_id', 'uuid', 'idx'];
const PROBLEM_KEYS = ['problem_id', 'question_id', 'task_id', 'prompt_id', 'doc_id', 'problem_idx', 'unique_id', 'instance_id', 'qid'];
const MODEL_KEYS = ['model', 'model_name', 'model_id', 'generator'];
const REFERENCE_KEYS = ['reference', 'gold', 'gold_answer', 'ground_truth', 'expected_answer', 'target', 'reference_answer', 'correct_answer', 'label'];
const CORRECT_KEYS = ['correct', 'is_correct', 'correctness', 'passed', 'pass', 'exact_match', 'acc', 'accuracy', 'score', 'reward'];
export const PROMPT_KEYS = ['prompt', 'problem', 'question', 'input', 'instruction', 'query', 'origin_prompt', 'question_content'];

/** Record metadata from the object that wraps (or is) the model output. */
export interface Meta {
  id?: string;
  problemId?: string;
  model?: string;
  prompt?: string;
  reference?: string;
  correct?: boolean;
}

export function metaOf(o: Obj, options: { referenceKeys?: readonly string[] } = {}): Meta {
  const prompt = promptOf(o);
  const reference = first(o, options.referenceKeys ?? REFERENCE_KEYS);
  return {
    id: idString(first(o, ID_KEYS)),
    problemId: idString(first(o, PROBLEM_KEYS)),
    model: str(first(o, MODEL_KEYS)),
    prompt,
    reference: typeof reference === 'string' || typeof reference === 'number' ? String(reference) : Array.isArray(reference) && reference.length > 0 && typeof reference[0] === 'string' ? reference[0] : undefined,
    correct: correctness(first(o, CORRECT_KEYS)),
  };
}

export function promptOf(o: Obj): string | undefined {
  const p = first(o, PROMPT_KEYS);
  if (typeof p === 'string') return p;
  if (Array.isArray(p)) {
    // A chat prompt: the last user turn says what was asked.
    for (let i = p.length - 1; i >= 0; i--) {
      const m = p[i];
      // OpenCompass writes turns as {role: 'HUMAN', prompt}.
      if (isObj(m) && (m.role === undefined || /^(?:user|human)$/i.test(String(m.role)))) return textOf(m.content ?? m.prompt);
    }
  }
  return undefined;
}

export function correctness(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'correct', 'yes', 'pass', 'passed', '1', 'c'].includes(s)) return true;
    if (['false', 'incorrect', 'wrong', 'no', 'fail', 'failed', '0', 'i'].includes(s)) return false;
  }
  return undefined;
}

export function mergeMeta(outer: Meta, inner: Meta): Meta {
  return {
    id: outer.id ?? inner.id,
    problemId: outer.problemId ?? inner.problemId,
    model: inner.model ?? outer.model,
    prompt: outer.prompt ?? inner.prompt,
    reference: outer.reference ?? inner.reference,
    correct: outer.correct ?? inner.correct,
  };
}

/** Usage in the shapes OpenAI (Chat Completions, Responses), DeepSeek, vLLM and SGLang write. */
export function usageOf(u: unknown): ReportedUsage | undefined {
  if (!isObj(u)) return undefined;
  const details = (k: string): Obj => (isObj(u[k]) ? (u[k] as Obj) : {});
  const input = num(u.prompt_tokens) ?? num(u.input_tokens);
  const output = num(u.completion_tokens) ?? num(u.output_tokens);
  const reasoning = num(details('completion_tokens_details').reasoning_tokens) ?? num(details('output_tokens_details').reasoning_tokens) ?? num(u.reasoning_tokens);
  const cachedInput = num(details('prompt_tokens_details').cached_tokens) ?? num(details('input_tokens_details').cached_tokens) ?? num(u.prompt_cache_hit_tokens) ?? num(u.cached_tokens);
  const total = num(u.total_tokens);
  if (input === undefined && output === undefined && total === undefined) return undefined;
  return clean({ input, cachedInput, output, reasoning, total });
}

/** Anthropic's usage: `input_tokens` excludes cache reads and writes, which are listed apart. */
export function anthropicUsageOf(u: unknown): ReportedUsage | undefined {
  if (!isObj(u)) return undefined;
  const uncached = num(u.input_tokens);
  const read = num(u.cache_read_input_tokens) ?? 0;
  const write = num(u.cache_creation_input_tokens) ?? 0;
  const output = num(u.output_tokens);
  const details = isObj(u.output_tokens_details) ? u.output_tokens_details : {};
  const reasoning = num(details.thinking_tokens) ?? num(details.reasoning_tokens);
  if (uncached === undefined && output === undefined) return undefined;
  const input = uncached === undefined ? undefined : uncached + read + write;
  return clean({ input, cachedInput: read > 0 ? read : uncached === undefined ? undefined : 0, output, reasoning, total: input !== undefined && output !== undefined ? input + output : undefined });
}

/** The fields that are set, in this order (a field by field copy: every record of a file pays for it). */
function clean(u: ReportedUsage): ReportedUsage {
  const out: ReportedUsage = {};
  if (u.input !== undefined) out.input = u.input;
  if (u.cachedInput !== undefined) out.cachedInput = u.cachedInput;
  if (u.output !== undefined) out.output = u.output;
  if (u.reasoning !== undefined) out.reasoning = u.reasoning;
  if (u.total !== undefined) out.total = u.total;
  return out;
}

/** A short stable id for a prompt, so traces of the same prompt group together (FNV-1a, two seeds). */
export function hashText(s: string): string {
  let a = 0x811c9dc5 | 0;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36);
}

export function normalizeFinish(reason: unknown): string | undefined {
  if (isObj(reason)) reason = reason.type; // SGLang: {type: 'length', length: 4096}
  const r = str(reason);
  if (r === undefined) return undefined;
  switch (r) {
    case 'length':
    case 'max_tokens':
    case 'max_output_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'stop':
    case 'end_turn':
    case 'stop_sequence':
    case 'eos':
    case 'completed':
      return 'stop';
    case 'tool_use':
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
    default:
      return r;
  }
}

/** Places a record at its JSON item's position. */
export function positioned(r: TraceRecord, item: Pick<JsonItem, 'line' | 'endLine' | 'byteStart' | 'byteEnd'>): TraceRecord {
  r.line = item.line;
  r.endLine = item.endLine;
  r.byteStart = item.byteStart;
  r.byteEnd = item.byteEnd;
  return r;
}

/** Copies metadata onto a record, filling a problem id from the prompt when the file has none. */
export function applyMeta(r: TraceRecord, meta: Meta): TraceRecord {
  if (meta.id !== undefined) r.id = meta.id;
  r.problemId = meta.problemId ?? r.problemId ?? (meta.prompt ? `prompt:${hashText(meta.prompt)}` : undefined);
  r.model = meta.model ?? r.model;
  r.prompt = meta.prompt ?? r.prompt;
  r.reference = meta.reference ?? r.reference;
  r.correct = meta.correct ?? r.correct;
  return r;
}

/**
 * Fills thinking/answer from generated text that may carry `<think>` tags and template tokens,
 * adding to any reasoning the provider returned separately.
 */
export function setOutputText(r: TraceRecord, text: string, separateReasoning?: string): void {
  const split = splitThink(text);
  const reasoning = separateReasoning ? splitThink(separateReasoning) : undefined;
  const parts = [reasoning ? (reasoning.tagged ? reasoning.thinking : reasoning.answer) : '', split.thinking].filter((t) => t !== '');
  r.thinking = parts.join('\n\n');
  r.answer = split.answer;
  r.unclosedThink = split.unclosed;
  r.templateTokens = [...(reasoning?.templateTokens ?? []), ...split.templateTokens];
  if (r.thinking !== '' || separateReasoning !== undefined) r.thinkingKind = r.thinking !== '' ? 'raw' : r.thinkingKind;
  if (split.unclosed) r.truncated = true;
}

export function finishRecord(r: TraceRecord): TraceRecord {
  if (r.finishReason === 'length') r.truncated = true;
  if (r.thinking === '' && r.thinkingKind === 'raw') r.thinkingKind = 'none';
  return r;
}

/**
 * Records from an OpenAI-compatible chat completion (or text completion): one per choice.
 * Reasoning comes from `reasoning_content` (DeepSeek, vLLM, SGLang), `reasoning` (OpenRouter,
 * newer vLLM), or `<think>` tags in the content.
 */
export function chatCompletionRecords(format: string, o: Obj, index: number): TraceRecord[] {
  const choices = Array.isArray(o.choices) ? o.choices : [];
  const usage = usageOf(o.usage);
  const out: TraceRecord[] = [];
  for (let k = 0; k < choices.length; k++) {
    const c = choices[k];
    if (!isObj(c)) continue;
    const r = emptyRecord(format, index + out.length);
    r.model = str(o.model) ?? str(o.model_id);
    // FastChat answers name their question; API objects have no problem of their own.
    r.problemId = idString(first(o, PROBLEM_KEYS));
    const baseId = idString(o.id) ?? idString(o.answer_id);
    if (baseId) r.id = choices.length > 1 ? `${baseId}#${num(c.index) ?? k}` : baseId;
    const message = isObj(c.message) ? c.message : isObj(c.delta) ? c.delta : undefined;
    let text: string;
    let reasoning: string | undefined;
    if (message) {
      text = textOf(message.content);
      reasoning = str(message.reasoning_content) ?? str(message.reasoning) ?? (Array.isArray(message.reasoning_details) ? reasoningDetails(message.reasoning_details) : undefined);
      if (Array.isArray(message.tool_calls)) {
        for (const t of message.tool_calls) {
          if (!isObj(t)) continue;
          const f = isObj(t.function) ? t.function : t;
          r.toolCalls.push({ name: str(f.name) ?? '?', input: typeof f.arguments === 'string' ? f.arguments : JSON.stringify(f.arguments ?? {}) });
        }
      }
    } else if (Array.isArray(c.turns)) {
      // FastChat's model-answer files (MT-Bench, Arena-Hard, LiveBench): one string per turn;
      // the last turn is the output, the earlier ones answered earlier questions.
      const turns = c.turns.filter((t): t is string => typeof t === 'string');
      text = turns[turns.length - 1] ?? '';
    } else text = str(c.text) ?? '';
    setOutputText(r, text, reasoning);
    r.finishReason = normalizeFinish(c.finish_reason);
    // Usage covers all choices; attach it only when there is one, where it is that trace's.
    if (usage && choices.length === 1) r.usage = usage;
    out.push(finishRecord(r));
  }
  return out;
}

function reasoningDetails(details: unknown[]): string | undefined {
  const texts = details.filter(isObj).map((d) => str(d.text) ?? str(d.summary) ?? '').filter((t) => t !== '');
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

export function isChatCompletion(o: Obj): boolean {
  return (o.object === 'chat.completion' || o.object === 'text_completion' || Array.isArray(o.choices)) && Array.isArray(o.choices);
}

export function isChatChunk(o: Obj): boolean {
  return o.object === 'chat.completion.chunk';
}

/**
 * Joins streamed `chat.completion.chunk` lines into whole completions: deltas append per choice;
 * a completion ends when its id changes or the input ends.
 */
export class ChunkAccumulator {
  private id: string | undefined;
  private choices = new Map<number, { content: string; reasoning: string; finish?: unknown; tools: Map<number, { name: string; args: string }> }>();
  private usage: unknown;
  private model: string | undefined;
  private start: Pick<JsonItem, 'line' | 'byteStart'> | undefined;
  private end: Pick<JsonItem, 'endLine' | 'byteEnd'> | undefined;

  /** Adds a chunk; returns the previous completion's object when this chunk starts a new one. */
  add(o: Obj, item: JsonItem): { completion: Obj; item: Pick<JsonItem, 'line' | 'endLine' | 'byteStart' | 'byteEnd'> } | undefined {
    const id = idString(o.id);
    let done: ReturnType<ChunkAccumulator['add']>;
    if (this.start && id !== this.id) done = this.flush();
    if (!this.start) this.start = item;
    this.end = item;
    this.id = id;
    this.model = str(o.model) ?? this.model;
    if (o.usage) this.usage = o.usage;
    for (const c of Array.isArray(o.choices) ? o.choices : []) {
      if (!isObj(c)) continue;
      const k = num(c.index) ?? 0;
      let acc = this.choices.get(k);
      if (!acc) this.choices.set(k, (acc = { content: '', reasoning: '', tools: new Map() }));
      const d = isObj(c.delta) ? c.delta : {};
      acc.content += str(d.content) ?? '';
      acc.reasoning += str(d.reasoning_content) ?? str(d.reasoning) ?? '';
      if (c.finish_reason) acc.finish = c.finish_reason;
      if (Array.isArray(d.tool_calls)) {
        for (const t of d.tool_calls) {
          if (!isObj(t)) continue;
          const ti = num(t.index) ?? 0;
          let tool = acc.tools.get(ti);
          if (!tool) acc.tools.set(ti, (tool = { name: '', args: '' }));
          const f = isObj(t.function) ? t.function : {};
          tool.name += str(f.name) ?? '';
          tool.args += str(f.arguments) ?? '';
        }
      }
    }
    return done;
  }

  flush(): ReturnType<ChunkAccumulator['add']> {
    if (!this.start || !this.end) return undefined;
    const completion: Obj = {
      id: this.id,
      object: 'chat.completion',
      model: this.model,
      usage: this.usage,
      choices: [...this.choices.entries()].map(([index, c]) => ({
        index,
        finish_reason: c.finish ?? null,
        message: {
          role: 'assistant',
          content: c.content,
          reasoning_content: c.reasoning === '' ? undefined : c.reasoning,
          tool_calls: [...c.tools.values()].map((t) => ({ type: 'function', function: { name: t.name, arguments: t.args } })),
        },
      })),
    };
    const item = { line: this.start.line, byteStart: this.start.byteStart, endLine: this.end.endLine, byteEnd: this.end.byteEnd };
    this.start = undefined;
    this.end = undefined;
    this.choices = new Map();
    this.usage = undefined;
    return { completion, item };
  }
}
