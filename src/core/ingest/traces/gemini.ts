import type { ProblemSink } from '../problem';
import { sampleHead, type JsonItem } from './framing';
import { applyMeta, finishRecord, isObj, mergeMeta, metaOf, num, positioned, setOutputText, str, type Meta, type Obj } from './common';
import { notAnObject, readJsonRecords, unrecognized, type ValueHandler } from './jsonReader';
import { emptyRecord, type ReportedUsage, type TraceReader, type TraceRecord } from './record';

/**
 * Google Gemini API outputs (`generateContent` responses): `candidates[].content.parts`, where
 * parts marked `thought: true` are the thinking (summaries of it, returned with
 * `includeThoughts`), and `usageMetadata` with `thoughtsTokenCount`; one per line or in a JSON
 * array, wrapped as the Gemini API's batch output writes them (`{key, response}`) or as Vertex
 * AI batch prediction does (`{request, response, status}`, the prompt taken from the request),
 * and streamed (`streamGenerateContent`: a JSON array, or server-sent `data:` lines), whose
 * chunks are gathered back into one response.
 *
 * Shapes: https://ai.google.dev/api/generate-content, .../gemini-api/docs/thinking,
 * .../gemini-api/docs/batch-mode, and Vertex AI's batch prediction output.
 */

function usageOf(u: unknown): ReportedUsage | undefined {
  if (!isObj(u)) return undefined;
  const input = num(u.promptTokenCount);
  const visible = num(u.candidatesTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  if (input === undefined && visible === undefined && thoughts === undefined) return undefined;
  // candidatesTokenCount leaves the thinking out; ReportedUsage.output counts it in.
  const output = visible === undefined && thoughts === undefined ? undefined : (visible ?? 0) + (thoughts ?? 0);
  // promptTokenCount includes the cached content.
  return { input, cachedInput: num(u.cachedContentTokenCount), output, reasoning: thoughts, total: num(u.totalTokenCount) };
}

function isResponse(o: Obj): boolean {
  return Array.isArray(o.candidates) && (isObj(o.usageMetadata) || typeof o.modelVersion === 'string' || o.candidates.some((c) => isObj(c) && isObj(c.content)));
}

/** One record per candidate. */
function responseRecords(o: Obj, index: number): TraceRecord[] {
  const out: TraceRecord[] = [];
  const candidates = o.candidates as unknown[];
  for (let k = 0; k < candidates.length; k++) {
    const c = candidates[k];
    if (!isObj(c)) continue;
    const r = emptyRecord('gemini', index + out.length);
    r.model = str(o.modelVersion);
    const id = str(o.responseId);
    if (id) r.id = candidates.length > 1 ? `${id}#${num(c.index) ?? k}` : id;
    const thinking: string[] = [];
    const text: string[] = [];
    const parts = isObj(c.content) && Array.isArray(c.content.parts) ? c.content.parts : [];
    for (const p of parts) {
      if (!isObj(p)) continue;
      if (typeof p.text === 'string') (p.thought === true ? thinking : text).push(p.text);
      else if (isObj(p.functionCall)) r.toolCalls.push({ name: str(p.functionCall.name) ?? '?', input: JSON.stringify(p.functionCall.args ?? {}) });
      // A thought signature alone (thoughtSignature without text) is reasoning not returned.
      else if (typeof p.thoughtSignature === 'string') r.encryptedReasoning = true;
    }
    setOutputText(r, text.join(''), thinking.length > 0 ? thinking.join('\n\n') : undefined);
    // Gemini returns summaries of its thoughts, not the thoughts.
    if (thinking.length > 0) r.thinkingKind = 'summary';
    const finish = str(c.finishReason);
    r.finishReason = finish === 'MAX_TOKENS' ? 'length' : finish === 'STOP' ? 'stop' : finish?.toLowerCase();
    // Usage is per response: it goes on its first candidate.
    if (out.length === 0) r.usage = usageOf(o.usageMetadata);
    out.push(finishRecord(r));
  }
  return out;
}

/** The response inside a batch line, or the line itself; with the line's metadata. */
function unwrap(o: Obj): { response: Obj; meta: Meta } | undefined {
  let meta: Meta = {};
  for (let depth = 0; depth < 2; depth++) {
    if (isResponse(o)) return { response: o, meta };
    const inner = isObj(o.response) ? o.response : undefined;
    if (!inner) return undefined;
    const own = metaOf(o);
    meta = mergeMeta(meta, { ...own, id: str(o.key) ?? own.id, prompt: own.prompt ?? requestPrompt(o.request) });
    o = inner;
  }
  return isResponse(o) ? { response: o, meta } : undefined;
}

/** The last user turn of a batch request's `contents`. */
function requestPrompt(request: unknown): string | undefined {
  const contents = isObj(request) && Array.isArray(request.contents) ? request.contents : [];
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i];
    if (isObj(c) && (c.role === 'user' || c.role === undefined) && Array.isArray(c.parts)) {
      return c.parts.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join('');
    }
  }
  return undefined;
}

function handler(): ValueHandler {
  let stream: { response: Obj; meta: Meta; start: JsonItem; end: JsonItem } | undefined;
  const flush = (emit: (r: TraceRecord) => void): void => {
    if (!stream) return;
    const { response, meta, start, end } = stream;
    stream = undefined;
    const records = responseRecords(response, 0);
    const span = { line: start.line, byteStart: start.byteStart, endLine: end.endLine, byteEnd: end.byteEnd };
    records.forEach((r, k) => emit(applyMeta(positioned(r, span), { ...meta, id: meta.id !== undefined ? (records.length > 1 ? `${meta.id}#${k}` : meta.id) : undefined, model: meta.model ?? r.model })));
  };
  return {
    value(v, item, emit, sink: ProblemSink) {
      if (!isObj(v)) {
        notAnObject(item, sink, v);
        return;
      }
      if (typeof v.status === 'string' && v.status !== '' && !isObj(v.response)) {
        // Vertex batch line for a request that failed.
        sink.add({ line: item.line, column: 1, severity: 'info', code: 'trace/request-failed', message: `No output: ${v.status}` });
        return;
      }
      const found = unwrap(v);
      const blocked = isObj(v.response) && isObj(v.response.promptFeedback) ? str(v.response.promptFeedback.blockReason) : undefined;
      if (!found && blocked) {
        sink.add({ line: item.line, column: 1, severity: 'info', code: 'trace/request-failed', message: `No output: the prompt was blocked (${blocked}).` });
        return;
      }
      if (!found) {
        unrecognized(item, sink, 'Gemini response (candidates)');
        return;
      }
      // Chunks of one streamed response share its responseId: they are gathered into one record.
      const id = str(found.response.responseId);
      if (stream && id !== undefined && str(stream.response.responseId) === id) {
        mergeChunk(stream.response, found.response);
        stream.end = item;
        return;
      }
      flush(emit);
      stream = { response: found.response, meta: found.meta, start: item, end: item };
      if (id === undefined) flush(emit);
    },
    end(emit) {
      flush(emit);
    },
  };
}

/**
 * Appends a streamed chunk to the response gathered so far: each candidate's parts (a text part
 * continuing one of the same kind, thought or not, is joined to it), and the latest finish
 * reason and usage (the counts are cumulative).
 */
function mergeChunk(into: Obj, chunk: Obj): void {
  const targets = into.candidates as unknown[];
  (chunk.candidates as unknown[]).forEach((c, k) => {
    if (!isObj(c)) return;
    const index = num(c.index) ?? k;
    let t = targets.find((x, j) => isObj(x) && (num(x.index) ?? j) === index) as Obj | undefined;
    if (!t) {
      targets.push((t = { ...c, content: { parts: [] } }));
    }
    const parts = (isObj(t.content) && Array.isArray(t.content.parts) ? t.content.parts : ((t.content = { parts: [] }) as Obj).parts) as unknown[];
    for (const p of isObj(c.content) && Array.isArray(c.content.parts) ? c.content.parts : []) {
      const last = parts[parts.length - 1];
      if (isObj(p) && isObj(last) && typeof p.text === 'string' && typeof last.text === 'string' && (p.thought === true) === (last.thought === true)) last.text += p.text;
      else parts.push(isObj(p) ? { ...p } : p);
    }
    if (c.finishReason !== undefined) t.finishReason = c.finishReason;
  });
  if (isObj(chunk.usageMetadata)) into.usageMetadata = chunk.usageMetadata;
}

export const geminiReader: TraceReader = {
  id: 'gemini',
  title: 'Google Gemini outputs (generateContent responses, batch output)',
  lineIndependent: true,
  detect(name, head) {
    if (!/\.(jsonl|ndjson|json|txt|log|sse)$/i.test(name)) return 0;
    const values = sampleHead(head);
    if (values.length === 0) return /"candidates"\s*:\s*\[/.test(head) && /"(usageMetadata|modelVersion)"/.test(head) ? 0.6 : 0;
    let hits = 0;
    for (const v of values) if (isObj(v) && unwrap(v)) hits++;
    return (hits / values.length) * 0.95;
  },
  read(source, sink, work) {
    return readJsonRecords(source, sink, work, handler());
  },
};
