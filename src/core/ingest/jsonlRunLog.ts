import { ProblemSink } from './problem';
import { readLines, type TextSource } from './source';
import type { WorkOptions } from '../work';
import type { RunRow, RunTable } from './runTable';

/**
 * JSON Lines run logs: one object per line, as `json.dumps(metrics)` loggers write them.
 * Nested objects are flattened with dots (`{"eval": {"loss": 2}}` gives `eval.loss`).
 */
export async function readJsonlRunLog(source: TextSource, work: WorkOptions = {}): Promise<RunTable> {
  const sink = new ProblemSink(source.name);
  const rows: RunRow[] = [];
  const columns = new Map<string, { numbers: number; texts: number }>();

  for await (const { line, text } of readLines(source, work)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = parseJsonLine(text);
    } catch (e) {
      const msg = (e as Error).message;
      const pos = /position (\d+)/.exec(msg);
      sink.add({
        line,
        column: pos ? Number(pos[1]) + 1 : 1,
        severity: 'error',
        code: 'run-log/bad-json',
        message: `Not valid JSON (${msg.replace(/^.*?JSON[^:]*:\s*/, '').replace(/ in JSON at position \d+.*$/, '')}); expected one JSON object per line. Line skipped.`,
      });
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      sink.add({ line, column: 1, severity: 'error', code: 'run-log/not-an-object', message: `Expected a JSON object on each line, found ${Array.isArray(value) ? 'an array' : typeof value}. Line skipped.` });
      continue;
    }
    const values: RunRow['values'] = {};
    flatten(value as Record<string, unknown>, '', values, (key, raw) => {
      sink.add({
        line,
        column: Math.max(1, text.indexOf(JSON.stringify(key.split('.').pop())) + 1),
        severity: 'error',
        code: 'run-log/non-finite',
        message: `'${key}' is ${raw}: expected a finite number; the value is left out.`,
      });
    });
    for (const [k, v] of Object.entries(values)) {
      let c = columns.get(k);
      if (!c) columns.set(k, (c = { numbers: 0, texts: 0 }));
      if (typeof v === 'number') c.numbers++;
      else if (typeof v === 'string') c.texts++;
    }
    rows.push({ line, values });
  }
  const names = [...columns.keys()];
  const numericColumns = names.filter((k) => {
    const c = columns.get(k)!;
    return c.numbers > 0 && c.numbers >= c.texts;
  });
  return { file: source.name, format: 'jsonl', columns: names, numericColumns, rows, problems: sink.finish() };
}

const BARE_NON_FINITE = /([:\[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;

/** Python's `json.dumps` writes NaN and Infinity bare; quote them so they are reported, not fatal. */
function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    return JSON.parse(text.replace(BARE_NON_FINITE, '$1"$2"'));
  }
}

function flatten(
  obj: Record<string, unknown>,
  prefix: string,
  out: RunRow['values'],
  nonFinite: (key: string, raw: string) => void,
): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    if (typeof v === 'number') out[key] = v;
    else if (typeof v === 'string') {
      // Python's json module writes NaN/Infinity bare (invalid JSON); some loggers quote them.
      if (/^[+-]?(nan|inf|infinity)$/i.test(v)) {
        nonFinite(key, v);
        out[key] = null;
      } else out[key] = v;
    } else if (typeof v === 'boolean') out[key] = v ? 1 : 0;
    else if (v === null) out[key] = null;
    else if (typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key + '.', out, nonFinite);
  }
}
