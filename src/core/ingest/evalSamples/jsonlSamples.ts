import { readLines } from '../source';
import { errorOffset, errorReason, parseJson } from './json';
import { looksLikeSamples, RecordCollector } from './records';
import { recordKeys } from './fields';
import type { EvalSampleReader } from './types';

/**
 * Generic JSON Lines eval samples: one record per line, a sample each (or a problem with lists
 * of samples), columns recognised by name or given by a mapping. Read line by line.
 */
export const jsonlSamplesReader: EvalSampleReader = {
  id: 'jsonl-samples',
  title: 'JSON Lines eval samples',
  detect(name, head) {
    if (!/\.(jsonl|ndjson)$/i.test(name)) return 0;
    const lines = head.split('\n').slice(0, 5).filter((l) => l.trim() !== '');
    let votes = 0;
    for (const l of lines) {
      try {
        const o = parseJson(l);
        if (o && typeof o === 'object' && !Array.isArray(o) && looksLikeSamples(recordKeys(o as Record<string, unknown>))) votes++;
      } catch {
        // A line cut at 8 KiB: judged by the others.
      }
    }
    return lines.length > 0 && votes > 0 && votes >= lines.length / 2 ? 0.6 : 0;
  },
  async read(source, options = {}) {
    const out = new RecordCollector(source.name, 'jsonl-samples', options);
    for await (const { line, text } of readLines(source, options)) {
      if (text.trim() === '') continue;
      let v: unknown;
      try {
        v = parseJson(text);
      } catch (e) {
        const at = errorOffset(e);
        out.sink.add({ line, column: at !== undefined ? at + 1 : 1, severity: 'error', code: 'eval/bad-json', message: `Not valid JSON (${errorReason(e)}); line skipped.` });
        continue;
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        out.sink.add({ line, column: 1, severity: 'error', code: 'eval/not-an-object', message: `Expected a JSON object on each line, found ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}; line skipped.` });
        continue;
      }
      out.add(v as Record<string, unknown>, { line, text });
    }
    return out.finish();
  },
};
