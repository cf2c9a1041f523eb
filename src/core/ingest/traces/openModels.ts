import { sampleHead, type JsonItem } from './framing';
import { applyMeta, finishRecord, idString, isObj, normalizeFinish, num, positioned, setOutputText, str, type Meta, type Obj } from './common';
import { readJsonRecords } from './jsonReader';
import { openAiCompatibleHandler, scoreOpenAiShapes } from './openai';
import { emptyRecord, type TraceReader, type TraceRecord } from './record';

/**
 * Outputs of DeepSeek, Qwen and other open reasoning models as their servers write them:
 * OpenAI-compatible chat completions with `reasoning_content` (DeepSeek API, vLLM and SGLang
 * with a reasoning parser) or `<think>` in the content (servers without one, raw generations
 * that keep the chat template such as `<｜Assistant｜>`), plus the native shapes: vLLM's offline
 * `RequestOutput` (`{prompt, outputs: [{text, token_ids, finish_reason}]}`), SGLang's `/generate`
 * (`{text, meta_info: {finish_reason: {type}, completion_tokens}}`) and TGI's
 * (`{generated_text, details: {finish_reason, generated_tokens}}`).
 *
 * Shapes: https://api-docs.deepseek.com/guides/reasoning_model,
 * https://docs.vllm.ai/en/latest/features/reasoning_outputs.html,
 * https://docs.sglang.ai/basic_usage/native_api.html (`/generate`),
 * https://huggingface.github.io/text-generation-inference/ (`/generate`).
 */

function nativeRecords(o: Obj, meta: Meta, item: JsonItem, emit: (r: TraceRecord) => void): boolean {
  // vLLM RequestOutput.
  if (Array.isArray(o.outputs) && o.outputs.some((x) => isObj(x) && typeof x.text === 'string')) {
    const outputs = o.outputs.filter(isObj);
    for (const [k, out] of outputs.entries()) {
      const r = emptyRecord('open-models', 0);
      setOutputText(r, str(out.text) ?? '');
      r.finishReason = normalizeFinish(out.finish_reason);
      const ids = Array.isArray(out.token_ids) ? out.token_ids.length : undefined;
      const promptIds = Array.isArray(o.prompt_token_ids) ? o.prompt_token_ids.length : undefined;
      if (ids !== undefined) r.usage = { output: ids, ...(promptIds !== undefined ? { input: promptIds } : {}) };
      const base = idString(o.request_id) ?? meta.id;
      applyMeta(positioned(finishRecord(r), item), { ...meta, prompt: meta.prompt ?? str(o.prompt) });
      if (base !== undefined) r.id = outputs.length > 1 ? `${base}#${num(out.index) ?? k}` : base;
      emit(r);
    }
    return true;
  }
  // SGLang /generate.
  if (typeof o.text === 'string' && isObj(o.meta_info)) {
    const r = emptyRecord('open-models', 0);
    setOutputText(r, o.text);
    const mi = o.meta_info;
    r.finishReason = normalizeFinish(mi.finish_reason);
    const output = num(mi.completion_tokens);
    const input = num(mi.prompt_tokens);
    const reasoning = num(mi.reasoning_tokens);
    if (output !== undefined || input !== undefined) r.usage = { output, input, cachedInput: num(mi.cached_tokens), reasoning };
    applyMeta(positioned(finishRecord(r), item), { ...meta, id: meta.id ?? idString(mi.id) });
    emit(r);
    return true;
  }
  // TGI /generate.
  if (typeof o.generated_text === 'string') {
    const r = emptyRecord('open-models', 0);
    setOutputText(r, o.generated_text);
    const d = isObj(o.details) ? o.details : {};
    r.finishReason = normalizeFinish(d.finish_reason === 'eos_token' ? 'stop' : d.finish_reason);
    const output = num(d.generated_tokens);
    if (output !== undefined) r.usage = { output };
    applyMeta(positioned(finishRecord(r), item), meta);
    emit(r);
    return true;
  }
  return false;
}

export const openModelsReader: TraceReader = {
  id: 'open-models',
  title: 'DeepSeek / Qwen / open-model outputs (reasoning_content, <think>, vLLM, SGLang, TGI)',
  lineIndependent: true,
  detect(name, head) {
    if (!/\.(jsonl|ndjson|json|txt|log)$/i.test(name)) return 0;
    const values = sampleHead(head);
    let native = 0;
    for (const v of values) {
      if (!isObj(v)) continue;
      const o = isObj(v.response) && !Array.isArray(v.choices) ? v.response : v;
      if ((Array.isArray(o.outputs) && o.outputs.some((x) => isObj(x) && typeof x.text === 'string')) || (typeof o.text === 'string' && isObj(o.meta_info)) || typeof o.generated_text === 'string') native++;
    }
    const compat = scoreOpenAiShapes(values, head).open;
    return Math.max(compat, values.length > 0 ? (native / values.length) * 0.9 : 0);
  },
  read(source, sink, work) {
    return readJsonRecords(source, sink, work, openAiCompatibleHandler('open-models', 'chat completion or generation output', nativeRecords));
  },
};
