import type { ProblemSink } from '../problem';
import { sampleHead, type JsonItem } from './framing';
import {
  applyMeta,
  chatCompletionRecords,
  ChunkAccumulator,
  finishRecord,
  isChatChunk,
  isChatCompletion,
  isObj,
  metaOf,
  mergeMeta,
  normalizeFinish,
  num,
  positioned,
  str,
  textOf,
  usageOf,
  type Meta,
  type Obj,
} from './common';
import { notAnObject, readJsonRecords, unrecognized, type ValueHandler } from './jsonReader';
import { emptyRecord, type TraceReader, type TraceRecord } from './record';
import { splitThink, THINK_TAG } from './think';

/**
 * OpenAI API outputs: Chat Completions objects (`usage.completion_tokens_details.reasoning_tokens`),
 * Responses objects (`output` items of type `reasoning` with `summary` and `encrypted_content`,
 * `message`, `function_call`), Batch API output lines (`{custom_id, response: {status_code,
 * body}}`), streamed `chat.completion.chunk` lines, and any of these wrapped in an object that adds
 * metadata (`{id, problem_id, prompt, reference, response: {...}}`).
 *
 * Shapes: https://platform.openai.com/docs/api-reference/chat/object,
 * https://platform.openai.com/docs/api-reference/responses/object,
 * https://platform.openai.com/docs/guides/batch (output file format).
 */

/** Keys under which people store an API response next to their own metadata. */
export const WRAPPER_KEYS = ['response', 'completion', 'result', 'api_response', 'raw_response', 'output'];

export function responsesRecord(format: string, o: Obj, index: number): TraceRecord {
  const r = emptyRecord(format, index);
  r.model = str(o.model);
  if (typeof o.id === 'string') r.id = o.id;
  const summaries: string[] = [];
  const rawReasoning: string[] = [];
  const answer: string[] = [];
  for (const item of Array.isArray(o.output) ? o.output : []) {
    if (!isObj(item)) continue;
    switch (item.type) {
      case 'reasoning':
        if (typeof item.encrypted_content === 'string' && item.encrypted_content !== '') r.encryptedReasoning = true;
        for (const s of Array.isArray(item.summary) ? item.summary : []) if (isObj(s) && typeof s.text === 'string') summaries.push(s.text);
        // gpt-oss and some compatible servers return the raw chain of thought as reasoning_text.
        for (const c of Array.isArray(item.content) ? item.content : []) if (isObj(c) && typeof c.text === 'string') rawReasoning.push(c.text);
        break;
      case 'message':
        answer.push(textOf(item.content));
        break;
      case 'function_call':
      case 'custom_tool_call':
        r.toolCalls.push({ name: str(item.name) ?? '?', input: str(item.arguments) ?? str(item.input) ?? '' });
        break;
    }
  }
  if (rawReasoning.length > 0) {
    r.thinking = rawReasoning.join('\n\n');
    r.thinkingKind = 'raw';
  } else if (summaries.length > 0) {
    r.thinking = summaries.join('\n\n');
    r.thinkingKind = 'summary';
  }
  const split = splitThink(answer.join('\n\n'));
  r.answer = split.answer;
  if (split.thinking !== '') {
    r.thinking = [r.thinking, split.thinking].filter((t) => t !== '').join('\n\n');
    r.thinkingKind = 'raw';
  }
  r.templateTokens = split.templateTokens;
  r.unclosedThink = split.unclosed;
  const incomplete = isObj(o.incomplete_details) ? str(o.incomplete_details.reason) : undefined;
  r.finishReason = o.status === 'incomplete' ? normalizeFinish(incomplete ?? 'length') : o.status === 'completed' ? (r.toolCalls.length > 0 ? 'tool_calls' : 'stop') : str(o.status);
  r.usage = usageOf(o.usage);
  return finishRecord(r);
}

export function isResponsesObject(o: Obj): boolean {
  return o.object === 'response' || (Array.isArray(o.output) && o.output.some((i) => isObj(i) && typeof i.type === 'string' && ['message', 'reasoning', 'function_call'].includes(i.type)));
}

/** Unwraps batch lines and metadata wrappers down to the API object; undefined when the request failed. */
export function unwrap(o: Obj, item: JsonItem, sink: ProblemSink): { api: Obj; meta: Meta } | undefined {
  let meta: Meta = {};
  let api = o;
  for (let depth = 0; depth < 3; depth++) {
    // Batch API output line.
    if (isObj(api.response) && (api.custom_id !== undefined || 'status_code' in api.response) && ('body' in api.response || 'status_code' in api.response)) {
      meta = mergeMeta(meta, metaOf(api));
      if (api.custom_id !== undefined) meta.id = String(api.custom_id);
      const status = num(api.response.status_code);
      if (status !== undefined && status !== 200) {
        failed(item, sink, `request ${meta.id ?? ''} failed with HTTP ${status}`.replace('  ', ' '));
        return undefined;
      }
      if (!isObj(api.response.body)) {
        failed(item, sink, 'the batch line has no response body');
        return undefined;
      }
      api = api.response.body;
      continue;
    }
    if (api.error && !api.choices && !api.output && api.response === undefined) {
      failed(item, sink, `the request failed${isObj(api.error) && typeof api.error.message === 'string' ? `: ${api.error.message}` : ''}`);
      return undefined;
    }
    // Responses streaming: the final event carries the whole response.
    if ((api.type === 'response.completed' || api.type === 'response.incomplete') && isObj(api.response)) {
      api = api.response;
      continue;
    }
    if (isChatCompletion(api) || isChatChunk(api) || isResponsesObject(api)) break;
    const key = WRAPPER_KEYS.find((k) => isObj(api[k]));
    if (!key) break;
    meta = mergeMeta(meta, metaOf(api));
    api = api[key] as Obj;
  }
  return { api, meta };
}

function failed(item: JsonItem, sink: ProblemSink, what: string): void {
  sink.add({ line: item.line, column: 1, severity: 'info', code: 'trace/request-failed', message: `No output: ${what}.` });
}

/** The value handler shared with the open-model reader (same shapes, different defaults). */
export function openAiCompatibleHandler(format: string, what: string, extra?: (o: Obj, meta: Meta, item: JsonItem, emit: (r: TraceRecord) => void) => boolean): ValueHandler {
  const chunks = new ChunkAccumulator();
  let pendingMeta: Meta = {};
  const emitChunks = (done: ReturnType<ChunkAccumulator['add']>, emit: (r: TraceRecord) => void): void => {
    if (!done) return;
    for (const r of chatCompletionRecords(format, done.completion, 0)) emit(applyMeta(positioned(r, done.item), pendingMeta));
  };
  return {
    value(v, item, emit, sink) {
      if (!isObj(v)) {
        notAnObject(item, sink, v);
        return;
      }
      const u = unwrap(v, item, sink);
      if (!u) return;
      const { api, meta } = u;
      if (isChatChunk(api)) {
        emitChunks(chunks.add(api, item), emit);
        pendingMeta = meta;
        return;
      }
      emitChunks(chunks.flush(), emit);
      let records: TraceRecord[] = [];
      if (isChatCompletion(api)) records = chatCompletionRecords(format, api, 0);
      else if (isResponsesObject(api)) records = [responsesRecord(format, api, 0)];
      else if (extra && extra(api, mergeMeta(meta, metaOf(api)), item, emit)) return;
      else {
        unrecognized(item, sink, what);
        return;
      }
      for (const r of records) emit(applyMeta(positioned(r, item), meta));
    },
    end(emit) {
      emitChunks(chunks.flush(), emit);
    },
  };
}

/** How strongly a sample of values looks like OpenAI output (0..1), and whether it looks like an open model's. */
export function scoreOpenAiShapes(values: unknown[], head: string): { openai: number; open: number } {
  let chat = 0;
  let responses = 0;
  let batch = 0;
  let open = 0;
  for (const v of values) {
    if (!isObj(v)) continue;
    let o: Obj = v;
    if (isObj(o.response) && isObj(o.response.body)) {
      batch++;
      o = o.response.body;
    } else {
      const key = WRAPPER_KEYS.find((k) => isObj(o[k]));
      if (key && !isChatCompletion(o) && !isResponsesObject(o)) o = o[key] as Obj;
    }
    if (isChatCompletion(o) || isChatChunk(o)) {
      chat++;
      const text = JSON.stringify(o.choices).slice(0, 20000);
      if (/"reasoning_content"|"reasoning"\s*:/.test(text) || THINK_TAG.test(text) || /deepseek|qwen|qwq|llama|mistral|gemma|phi-|glm|kimi|minimax|hermes|nemotron|r1/i.test(String(o.model ?? ''))) open++;
    } else if (isResponsesObject(o) || o.type === 'response.completed') responses++;
  }
  const n = values.length;
  if (n === 0) {
    if (/"object"\s*:\s*"(chat\.completion|response)"/.test(head)) return { openai: 0.6, open: /"reasoning_content"/.test(head) ? 0.7 : 0.2 };
    return { openai: 0, open: 0 };
  }
  const hits = chat + responses + batch;
  const share = Math.min(1, hits / n);
  return { openai: share * (open > 0 ? 0.6 : 0.9), open: chat > 0 ? (open / Math.max(1, chat)) * 0.95 * share : 0 };
}

export const openAiReader: TraceReader = {
  id: 'openai',
  title: 'OpenAI API outputs (Chat Completions, Responses, Batch)',
  lineIndependent: true,
  detect(name, head) {
    if (!/\.(jsonl|ndjson|json|txt|log)$/i.test(name)) return 0;
    return scoreOpenAiShapes(sampleHead(head), head).openai;
  },
  read(source, sink, work) {
    return readJsonRecords(source, sink, work, openAiCompatibleHandler('openai', 'OpenAI chat completion or response'));
  },
};
