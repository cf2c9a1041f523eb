import { ProblemSink } from '../problem';
import { readLines, type TextSource } from '../source';
import { answersMatch, DEFAULT_EXTRACTOR, extractAnswer } from './answers';
import { assignSampleIndices, coerceCorrect, coerceText, missingNotes } from './fields';
import { errorOffset, errorReason, parseJson } from './json';
import type { EvalNote, EvalReadOptions, EvalSample, EvalSampleReader, EvalSampleSet } from './types';

/**
 * EleutherAI lm-evaluation-harness `samples_<task>_<time>.jsonl`, written with `--log_samples`:
 * one line per (document, filter) with `doc_id`, `target`, `resps` (raw responses; several
 * with `repeats`), `filtered_resps` (answers after the task's filters), `metrics` (names) and
 * each metric's value for the document. Read line by line.
 */

/** Per-document metrics that mean "this answer is right", most telling first. */
const CORRECTNESS_METRICS = ['exact_match', 'acc', 'acc_norm', 'pass@1', 'pass_at_1', 'correct', 'em', 'accuracy', 'score', 'contains', 'bleu_acc'];

/** `google__gemma-2b/samples_x.jsonl` was written for model `google/gemma-2b`. */
export function modelFromPath(name: string): string | undefined {
  const parts = name.split(/[\\/]/);
  const dir = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return dir && dir.includes('__') ? dir.replace(/__/g, '/') : undefined;
}

/**
 * The task a samples file belongs to (`samples_<task>_<timestamp>.jsonl`). Document ids restart
 * at 0 in every task, so problem ids carry it: two tasks of one model never merge.
 */
export function taskFromPath(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? name;
  return /^samples_(.+?)(?:_\d{4}-\d{2}-\d{2}T[^/]*)?\.jsonl$/i.exec(base)?.[1];
}

function isGeneration(resps: unknown): resps is string[][] {
  return Array.isArray(resps) && Array.isArray(resps[0]) && typeof resps[0][0] === 'string';
}

/** Index of the largest log-likelihood among choices (`filtered_resps`: [[logprob, greedy], ...]). */
function argmaxChoice(filtered: unknown): number | undefined {
  if (!Array.isArray(filtered)) return undefined;
  let best = -Infinity;
  let at: number | undefined;
  filtered.forEach((r, i) => {
    const v = Array.isArray(r) ? r[0] : r;
    if (typeof v === 'number' && v > best) {
      best = v;
      at = i;
    }
  });
  return at;
}

export const lmEvalHarnessReader: EvalSampleReader = {
  id: 'lm-eval-samples',
  title: 'lm-evaluation-harness samples (--log_samples)',
  detect(name, head) {
    const first = head.split('\n', 1)[0];
    const shaped = /"doc_id"\s*:/.test(first) && /"(filtered_)?resps"\s*:/.test(head);
    if (shaped) return 0.9;
    return /(^|[\\/])samples_[^\\/]*\.jsonl$/i.test(name) ? 0.4 : 0;
  },
  async read(source: TextSource, options: EvalReadOptions = {}): Promise<EvalSampleSet> {
    const sink = new ProblemSink(source.name);
    const samples: EvalSample[] = [];
    const notes: EvalNote[] = [];
    const model = options.model ?? modelFromPath(source.name);
    const task = taskFromPath(source.name);
    let filter = options.select;
    const otherFilters = new Map<string, number>();
    let corpusMetric: string | undefined;
    let chosenMetric: string | undefined;
    let compared = 0;
    let extracted = 0;
    let aggregatedFilter = false;

    for await (const { line, text } of readLines(source, options)) {
      if (text.trim() === '') continue;
      let rec: Record<string, unknown>;
      try {
        const v = parseJson(text);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
          sink.add({ line, column: 1, severity: 'error', code: 'eval/not-an-object', message: 'Expected one JSON object per line (an lm-evaluation-harness sample); line skipped.' });
          continue;
        }
        rec = v as Record<string, unknown>;
      } catch (e) {
        const at = errorOffset(e);
        sink.add({ line, column: at !== undefined ? at + 1 : 1, severity: 'error', code: 'eval/bad-json', message: `Not valid JSON (${errorReason(e)}); line skipped.` });
        continue;
      }
      const recFilter = typeof rec.filter === 'string' ? rec.filter : 'none';
      if (filter === undefined) filter = recFilter;
      if (recFilter !== filter) {
        otherFilters.set(recFilter, (otherFilters.get(recFilter) ?? 0) + 1);
        continue;
      }
      const docId = coerceText(rec.doc_id);
      const problemId = docId !== undefined && task !== undefined ? `${task}/${docId}` : docId;
      if (problemId === undefined) {
        sink.add({ line, column: 1, severity: 'error', code: 'eval/no-problem-id', message: "No 'doc_id' on this line; line skipped." });
        continue;
      }
      const reference = coerceText(rec.target);
      const metrics = Array.isArray(rec.metrics) ? (rec.metrics as unknown[]).filter((m): m is string => typeof m === 'string') : [];
      const names = [...CORRECTNESS_METRICS.filter((m) => metrics.includes(m)), ...metrics.filter((m) => !CORRECTNESS_METRICS.includes(m))];
      let docCorrect: boolean | number | undefined;
      let corpusOnly = false;
      for (const m of names) {
        const v = rec[m];
        if (typeof v === 'number' || typeof v === 'boolean') {
          const c = coerceCorrect(v);
          if (c.ok && c.value !== undefined) {
            docCorrect = c.value;
            chosenMetric ??= m;
            break;
          }
        } else if (v !== undefined) {
          corpusMetric ??= m;
          corpusOnly = true;
        }
      }
      // The task scores answers with a corpus metric (span F1, BLEU): exact comparison with the
      // target would be a different metric, so correctness stays unknown.
      const compare = docCorrect === undefined && !corpusOnly;
      const base: EvalSample = { problemId, line };
      if (model !== undefined) base.model = model;
      if (reference !== undefined) base.reference = reference;

      if (!isGeneration(rec.resps)) {
        // Multiple choice: one sample, the chosen option is the answer.
        const s: EvalSample = { ...base, sampleIndex: 0 };
        const choice = argmaxChoice(rec.filtered_resps);
        if (choice !== undefined) s.answer = String(choice);
        if (docCorrect !== undefined) s.correct = docCorrect;
        samples.push(s);
        continue;
      }
      const responses = rec.resps[0];
      const filtered = Array.isArray(rec.filtered_resps) ? (rec.filtered_resps as unknown[])[0] : undefined;
      if (responses.length <= 1) {
        const s: EvalSample = { ...base, sampleIndex: 0 };
        const answer = coerceText(Array.isArray(filtered) ? filtered[0] : filtered);
        if (answer !== undefined) s.answer = answer;
        if (docCorrect !== undefined) s.correct = docCorrect;
        else if (compare && answer !== undefined && reference !== undefined) {
          s.correct = answersMatch(answer, reference);
          compared++;
        }
        samples.push(s);
        continue;
      }
      // `repeats` > 1: the document's metric scores the filtered (often voted) answer, not each
      // sample, so each sample is judged by comparing its own answer with the target.
      const perSample = Array.isArray(filtered) && filtered.length === responses.length;
      if (!perSample) aggregatedFilter = true;
      responses.forEach((r, j) => {
        const s: EvalSample = { ...base, sampleIndex: j };
        let answer: string | undefined;
        if (perSample) answer = coerceText((filtered as unknown[])[j]);
        else {
          answer = extractAnswer(r);
          extracted++;
        }
        if (answer !== undefined) s.answer = answer;
        if (!corpusOnly && answer !== undefined && reference !== undefined) {
          s.correct = answersMatch(answer, reference);
          compared++;
        }
        samples.push(s);
      });
    }
    assignSampleIndices(samples);
    if (filter !== undefined) {
      for (const [f, n] of otherFilters) {
        notes.push({ code: 'eval/other-filter', message: `${n} lines for filter '${f}' were not read: this analysis uses filter '${filter}' (choose another with the select option).` });
      }
    }
    if (chosenMetric === undefined && corpusMetric !== undefined) {
      notes.push({
        code: 'eval/corpus-metric',
        message: `The task's metric '${corpusMetric}' is aggregated over the whole corpus: the harness logs its inputs per document, not a per-sample score, and comparing answers with the target exactly would be a different metric, so per-sample correctness is unknown.`,
      });
    } else if (chosenMetric !== undefined) {
      notes.push({ code: 'eval/metric', message: `Per-sample correctness is the harness's '${chosenMetric}' for filter '${filter}'.` });
    }
    if (aggregatedFilter) {
      notes.push({ code: 'eval/aggregated-filter', message: `Filter '${filter}' reduces the repeated responses to one answer, so each response's answer was re-extracted from its text (${DEFAULT_EXTRACTOR}).` });
    }
    notes.push(...missingNotes(samples, { extracted, compared }));
    return {
      file: source.name,
      format: 'lm-eval-samples',
      samples,
      problems: sink.finish(),
      notes,
      ...(extracted > 0 ? { extractor: DEFAULT_EXTRACTOR } : {}),
    };
  },
};
