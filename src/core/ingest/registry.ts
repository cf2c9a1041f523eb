import { dirname } from 'node:path';
import { readCsvRunLog } from './csvRunLog';
import { evalSampleReaders, type EvalSampleSet } from './evalSamples';
import { textLogReaders } from './logs';
import { traceFormatReaders, type IngestedTraces } from '../traces/formats';
import { readJsonlRunLog } from './jsonlRunLog';
import type { RunTable } from './runTable';
import { readHead, type TextSource } from './source';
import type { WorkOptions } from '../work';

/**
 * The input formats Scaling Lens reads. Each reader has a detector that scores how sure it is
 * that a file is its format (0 = no); the best score wins. Adding a format is adding a reader
 * module and a line here.
 */
export type Ingested = { kind: 'run-log'; table: RunTable } | { kind: 'eval-samples'; samples: EvalSampleSet } | IngestedTraces;

export interface FormatReader {
  id: string;
  title: string;
  /** 0 when the file is not this format, up to 1 when sure. `head` is the file's first 8 KiB. */
  detect(name: string, head: string): number;
  read(source: TextSource, work?: WorkOptions): Promise<Ingested>;
}

const METRIC_KEY = /loss|step|ppl|perplexity|flops|epoch|learning_rate|^lr$/i;

export const readers: FormatReader[] = [
  {
    id: 'csv',
    title: 'CSV / TSV run log',
    detect: (name) => (/\.(csv|tsv)$/i.test(name) ? 0.5 : 0),
    read: async (source, work) => ({ kind: 'run-log', table: await readCsvRunLog(source, work) }),
  },
  {
    id: 'jsonl',
    title: 'JSON Lines run log',
    detect(name, head) {
      if (!/\.(jsonl|ndjson)$/i.test(name)) return 0;
      // A run log has flat numeric metrics on each line; eval samples and traces carry text.
      const lines = head.split('\n').slice(0, 5).filter((l) => l.trim() !== '');
      let votes = 0;
      for (const l of lines) {
        try {
          const o = JSON.parse(l) as Record<string, unknown>;
          const keys = Object.keys(o);
          const nums = keys.filter((k) => typeof o[k] === 'number').length;
          const longText = keys.some((k) => typeof o[k] === 'string' && (o[k] as string).length > 200);
          if (nums >= 2 && !longText && keys.some((k) => METRIC_KEY.test(k))) votes++;
        } catch {
          // A line cut at 8 KiB or malformed: the reader will report it.
        }
      }
      return lines.length > 0 && votes / lines.length >= 0.5 ? 0.5 : 0;
    },
    read: async (source, work) => ({ kind: 'run-log', table: await readJsonlRunLog(source, work) }),
  },
];

// Trainer and tracker formats (Lightning, W&B exports, HF trainer_state.json) score above the
// generic readers when they recognise a file, and read companion files beside it.
for (const log of textLogReaders) {
  readers.push({
    id: log.id,
    title: log.title,
    detect: (name, head) => log.detect(name, head),
    read: async (source, work) => ({ kind: 'run-log', table: await log.read(source, { ...work, dir: source.path ? dirname(source.path) : undefined }) }),
  });
}

// Eval samples (lm-evaluation-harness, Inspect, generic per-sample files) for test-time scaling.
for (const r of evalSampleReaders) {
  readers.push({
    id: r.id,
    title: r.title,
    detect: (name, head) => r.detect(name, head),
    read: async (source, work) => ({ kind: 'eval-samples', samples: await r.read(source, work) }),
  });
}

// Model outputs with reasoning (OpenAI, Anthropic, DeepSeek/Qwen/vLLM, datasets, <think> text).
readers.push(...traceFormatReaders());

export async function detectFormat(source: TextSource): Promise<FormatReader | undefined> {
  const head = await readHead(source);
  let best: FormatReader | undefined;
  let bestScore = 0;
  for (const r of readers) {
    const s = r.detect(source.name, head);
    if (s > bestScore) {
      best = r;
      bestScore = s;
    }
  }
  return best;
}
