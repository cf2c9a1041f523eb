import type { ProblemSink } from '../problem';
import { sampleHead, type JsonItem } from './framing';
import { anthropicUsageOf, applyMeta, finishRecord, isObj, mergeMeta, metaOf, normalizeFinish, num, positioned, str, type Meta, type Obj } from './common';
import { notAnObject, readJsonRecords, unrecognized, type ValueHandler } from './jsonReader';
import { emptyRecord, type TraceReader, type TraceRecord } from './record';
import { splitThink } from './think';

/**
 * Anthropic Messages API outputs: message objects with `thinking`, `redacted_thinking` (counted as
 * present, content unknown), `text` and `tool_use` blocks; Message Batches results JSONL
 * (`{custom_id, result: {type: 'succeeded', message}}`); and streamed events, one per line or as
 * server-sent events (`message_start`, `content_block_delta` with `thinking_delta` / `text_delta`
 * / `input_json_delta`, `message_delta`, `message_stop`).
 *
 * Shapes: https://docs.anthropic.com/en/api/messages, .../api/messages-streaming,
 * .../api/retrieving-message-batch-results, .../docs/build-with-claude/extended-thinking.
 */

/** Claude 3.7 Sonnet returns its full thinking; Claude 4 and later return a summary of it. */
function thinkingKindFor(model: string | undefined): 'raw' | 'summary' {
  return model && /claude-3-7/.test(model) ? 'raw' : 'summary';
}

export function messageRecord(format: string, m: Obj, index: number): TraceRecord {
  const r = emptyRecord(format, index);
  r.model = str(m.model);
  if (typeof m.id === 'string') r.id = m.id;
  const thinking: string[] = [];
  const text: string[] = [];
  for (const b of Array.isArray(m.content) ? m.content : []) {
    if (!isObj(b)) continue;
    switch (b.type) {
      case 'thinking':
        if (typeof b.thinking === 'string' && b.thinking !== '') thinking.push(b.thinking);
        break;
      case 'redacted_thinking':
        r.redactedThinkingBlocks++;
        break;
      case 'text':
        if (typeof b.text === 'string') text.push(b.text);
        break;
      case 'tool_use':
      case 'server_tool_use':
        r.toolCalls.push({ name: str(b.name) ?? '?', input: typeof b.input === 'string' ? b.input : JSON.stringify(b.input ?? {}) });
        break;
    }
  }
  const split = splitThink(text.join(''));
  r.thinking = [...thinking, split.thinking].filter((t) => t !== '').join('\n\n');
  r.thinkingKind = thinking.length > 0 ? thinkingKindFor(r.model) : split.thinking !== '' ? 'raw' : 'none';
  r.answer = split.answer;
  r.templateTokens = split.templateTokens;
  r.unclosedThink = split.unclosed;
  r.finishReason = normalizeFinish(m.stop_reason);
  r.usage = anthropicUsageOf(m.usage);
  return finishRecord(r);
}

function isMessage(o: Obj): boolean {
  return o.type === 'message' && Array.isArray(o.content);
}

const STREAM_EVENTS = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping', 'error']);

/** Rebuilds a message from its stream events. */
class StreamAssembler {
  private message: Obj | undefined;
  private blocks: Obj[] = [];
  private partialJson = new Map<number, string>();
  private start: Pick<JsonItem, 'line' | 'byteStart'> | undefined;
  private last: Pick<JsonItem, 'endLine' | 'byteEnd'> | undefined;
  private deltaUsage: Obj | undefined;
  private stop: unknown;

  get open(): boolean {
    return this.message !== undefined;
  }

  event(e: Obj, item: JsonItem, meta: Meta, emit: (r: TraceRecord) => void, sink: ProblemSink): void {
    switch (e.type) {
      case 'message_start':
        if (this.message) this.flush(emit, sink, meta, 'a new message started before this one stopped');
        this.message = isObj(e.message) ? { ...e.message } : { type: 'message' };
        this.blocks = [];
        this.partialJson.clear();
        this.deltaUsage = undefined;
        this.stop = undefined;
        this.start = item;
        break;
      case 'content_block_start': {
        const i = num(e.index) ?? this.blocks.length;
        this.blocks[i] = isObj(e.content_block) ? { ...e.content_block } : { type: 'text', text: '' };
        break;
      }
      case 'content_block_delta': {
        const i = num(e.index) ?? this.blocks.length - 1;
        const b = this.blocks[i] ?? (this.blocks[i] = { type: 'text', text: '' });
        const d = isObj(e.delta) ? e.delta : {};
        if (d.type === 'thinking_delta') b.thinking = (str(b.thinking) ?? '') + (str(d.thinking) ?? '');
        else if (d.type === 'text_delta') b.text = (str(b.text) ?? '') + (str(d.text) ?? '');
        else if (d.type === 'input_json_delta') this.partialJson.set(i, (this.partialJson.get(i) ?? '') + (str(d.partial_json) ?? ''));
        break;
      }
      case 'message_delta':
        if (isObj(e.delta)) this.stop = e.delta.stop_reason;
        if (isObj(e.usage)) this.deltaUsage = e.usage;
        break;
      case 'message_stop':
        this.last = item;
        this.flush(emit, sink, meta);
        return;
      case 'error':
        sink.add({ line: item.line, column: 1, severity: 'warning', code: 'trace/stream-error', message: `The stream reported an error${isObj(e.error) && typeof e.error.message === 'string' ? `: ${e.error.message}` : ''}.` });
        break;
    }
    this.last = item;
  }

  flush(emit: (r: TraceRecord) => void, sink: ProblemSink, meta: Meta, why?: string): void {
    const m = this.message;
    if (!m || !this.start || !this.last) return;
    for (const [i, json] of this.partialJson) if (this.blocks[i]) this.blocks[i].input = json;
    m.content = this.blocks.filter((b) => b !== undefined);
    if (this.stop !== undefined) m.stop_reason = this.stop;
    const startUsage = isObj(m.usage) ? m.usage : {};
    m.usage = { ...startUsage, ...(this.deltaUsage ?? {}) };
    const r = messageRecord('anthropic', m, 0);
    emit(applyMeta(positioned(r, { line: this.start.line, byteStart: this.start.byteStart, endLine: this.last.endLine, byteEnd: this.last.byteEnd }), meta));
    if (why) sink.add({ line: this.start.line, column: 1, severity: 'warning', code: 'trace/stream-incomplete', message: `This streamed message has no message_stop (${why}); read as far as it goes.` });
    this.message = undefined;
  }
}

function handler(): ValueHandler {
  const stream = new StreamAssembler();
  let meta: Meta = {};
  return {
    value(v, item, emit, sink) {
      if (!isObj(v)) {
        notAnObject(item, sink, v);
        return;
      }
      if (typeof v.type === 'string' && STREAM_EVENTS.has(v.type)) {
        stream.event(v, item, meta, emit, sink);
        return;
      }
      if (stream.open) stream.flush(emit, sink, meta, 'other records follow it');
      let o: Obj = v;
      let outer: Meta = {};
      // Message Batches result line.
      if (isObj(o.result) && typeof o.result.type === 'string') {
        outer = { ...metaOf(o), id: o.custom_id !== undefined ? String(o.custom_id) : undefined };
        if (o.result.type !== 'succeeded' || !isObj(o.result.message)) {
          const err = isObj(o.result.error) ? (isObj(o.result.error.error) ? o.result.error.error : o.result.error) : undefined;
          const detail = err && typeof err.message === 'string' ? `: ${err.message}` : '';
          sink.add({ line: item.line, column: 1, severity: 'info', code: 'trace/request-failed', message: `No output: request ${outer.id ?? ''} ${o.result.type}${detail}.`.replace('  ', ' ') });
          return;
        }
        o = o.result.message;
      }
      for (let depth = 0; depth < 2 && !isMessage(o); depth++) {
        const key = ['response', 'message', 'output', 'completion', 'result'].find((k) => isObj(o[k]));
        if (!key) break;
        outer = mergeMeta(outer, metaOf(o));
        o = o[key] as Obj;
      }
      if (!isMessage(o)) {
        unrecognized(item, sink, 'Anthropic message');
        return;
      }
      meta = outer;
      emit(applyMeta(positioned(messageRecord('anthropic', o, 0), item), outer));
    },
    end(emit, sink) {
      if (stream.open) stream.flush(emit, sink, meta, 'the file ends first');
    },
  };
}

export const anthropicReader: TraceReader = {
  id: 'anthropic',
  title: 'Anthropic Messages outputs (messages, batch results, streams)',
  detect(name, head) {
    if (!/\.(jsonl|ndjson|json|txt|log|sse)$/i.test(name)) return 0;
    const values = sampleHead(head);
    let hits = 0;
    for (const v of values) {
      if (!isObj(v)) continue;
      if (typeof v.type === 'string' && STREAM_EVENTS.has(v.type)) hits++;
      else if (isObj(v.result) && (isObj(v.result.message) || typeof v.result.type === 'string') && v.custom_id !== undefined) hits++;
      else if (isMessage(v)) hits++;
      else if (['response', 'message', 'output'].some((k) => isObj(v[k]) && isMessage(v[k] as Obj))) hits++;
    }
    if (values.length === 0) return /^event: message_start/m.test(head) || /"type"\s*:\s*"message_start"/.test(head) ? 0.8 : 0;
    return (hits / values.length) * 0.95;
  },
  read(source, sink, work) {
    return readJsonRecords(source, sink, work, handler());
  },
};
