import type { ProblemSink } from '../problem';
import { sampleHead, type JsonItem } from './framing';
import { finishRecord, isObj, normalizeFinish, num, positioned, setOutputText, str, type Obj } from './common';
import { notAnObject, readJsonRecords, unrecognized, type ValueHandler } from './jsonReader';
import { emptyRecord, type TraceReader, type TraceRecord } from './record';

/**
 * Ollama's native API outputs, as local reasoning models (deepseek-r1, qwen3, gpt-oss) write
 * them: `/api/chat` lines (`message.content`, and `message.thinking` when thinking is split off)
 * and `/api/generate` lines (`response`, `thinking`), with `done_reason` and the token counts
 * `prompt_eval_count` / `eval_count` (thinking included). Streamed output, one chunk per line
 * with `done: false` until a last line with `done: true` and the counts, is put back together
 * into one record.
 *
 * Shapes: https://github.com/ollama/ollama/blob/main/docs/api.md.
 */

function isOllama(o: Obj): boolean {
  return typeof o.model === 'string' && typeof o.done === 'boolean' && typeof o.created_at === 'string' && (isObj(o.message) || typeof o.response === 'string');
}

interface Pending {
  model?: string;
  content: string[];
  thinking: string[];
  toolCalls: { name: string; input: string }[];
  start: Pick<JsonItem, 'line' | 'byteStart'>;
}

function handler(): ValueHandler {
  let pending: Pending | undefined;
  let last: JsonItem | undefined;

  const take = (o: Obj, into: Pending): void => {
    const m = isObj(o.message) ? o.message : undefined;
    const content = m ? str(m.content) : str(o.response);
    const thinking = m ? str(m.thinking) : str(o.thinking);
    if (content) into.content.push(content);
    if (thinking) into.thinking.push(thinking);
    for (const t of m && Array.isArray(m.tool_calls) ? m.tool_calls : []) {
      const f = isObj(t) && isObj(t.function) ? t.function : undefined;
      if (f) into.toolCalls.push({ name: str(f.name) ?? '?', input: typeof f.arguments === 'string' ? f.arguments : JSON.stringify(f.arguments ?? {}) });
    }
  };

  const record = (p: Pending, end: JsonItem, final: Obj | undefined): TraceRecord => {
    const r = emptyRecord('ollama', 0);
    r.model = p.model;
    setOutputText(r, p.content.join(''), p.thinking.length > 0 ? p.thinking.join('') : undefined);
    r.toolCalls = p.toolCalls;
    if (final) {
      r.finishReason = normalizeFinish(final.done_reason);
      const input = num(final.prompt_eval_count);
      const output = num(final.eval_count);
      if (input !== undefined || output !== undefined) r.usage = { input, output, total: input !== undefined && output !== undefined ? input + output : undefined };
    }
    positioned(r, { line: p.start.line, byteStart: p.start.byteStart, endLine: end.endLine, byteEnd: end.byteEnd });
    return finishRecord(r);
  };

  return {
    value(v, item, emit, sink: ProblemSink) {
      if (!isObj(v)) {
        notAnObject(item, sink, v);
        return;
      }
      if (!isOllama(v)) {
        if (typeof v.error === 'string') sink.add({ line: item.line, column: 1, severity: 'info', code: 'trace/request-failed', message: `No output: ${v.error}` });
        else unrecognized(item, sink, 'Ollama response (model, message or response, done)');
        return;
      }
      if (pending && pending.model !== v.model) {
        // A stream that never finished, followed by another model's output.
        sink.add({ line: last!.line, column: 1, severity: 'warning', code: 'trace/stream-incomplete', message: 'This streamed response has no final line (done: true): the stream stopped early. Its text so far is read.' });
        emit(record(pending, last!, undefined));
        pending = undefined;
      }
      const p: Pending = pending ?? { model: str(v.model), content: [], thinking: [], toolCalls: [], start: item };
      take(v, p);
      last = item;
      if (v.done === true) {
        emit(record(p, item, v));
        pending = undefined;
      } else pending = p;
    },
    end(emit, sink) {
      if (!pending || !last) return;
      sink.add({ line: last.line, column: 1, severity: 'warning', code: 'trace/stream-incomplete', message: 'The file ends inside a streamed response (no line with done: true): the stream stopped early. Its text so far is read.' });
      emit(record(pending, last, undefined));
      pending = undefined;
    },
  };
}

export const ollamaReader: TraceReader = {
  id: 'ollama',
  title: 'Ollama outputs (/api/chat, /api/generate, streamed or not)',
  detect(name, head) {
    if (!/\.(jsonl|ndjson|json|txt|log)$/i.test(name)) return 0;
    const values = sampleHead(head);
    if (values.length === 0) return /"created_at"\s*:/.test(head) && /"done"\s*:\s*(true|false)/.test(head) ? 0.6 : 0;
    let hits = 0;
    for (const v of values) if (isObj(v) && isOllama(v)) hits++;
    return (hits / values.length) * 0.95;
  },
  read(source, sink, work) {
    return readJsonRecords(source, sink, work, handler());
  },
};
