import type { FileTraceSummary } from '../../traces/summary';
import type { EvalSample, EvalSampleSet } from './types';

/**
 * Trace files as eval samples, for test-time scaling: one sample per trace, grouped by its
 * problem, correct when its extracted final answer matches the reference (the trace analysis
 * states which extraction rule it used). Traces without a reference stay ungraded.
 */
export function samplesFromTraces(summary: FileTraceSummary): EvalSampleSet {
  const seen = new Map<string, number>();
  const samples: EvalSample[] = summary.rows.map((r) => {
    const problemId = r.problemId ?? r.id;
    const index = seen.get(problemId) ?? 0;
    seen.set(problemId, index + 1);
    return {
      problemId,
      sampleIndex: index,
      model: r.model,
      answer: r.finalAnswer,
      correct: r.correct,
      thinkingTokens: r.thinking,
      answerTokens: r.answer,
      line: r.line,
    };
  });
  const rules = [...new Set(summary.rows.map((r) => r.answerRule).filter((x): x is string => !!x))];
  const graded = samples.filter((s) => s.correct !== undefined).length;
  const notes = [
    { code: 'traces/as-samples', message: `Read as eval samples from ${summary.records} traces (${seen.size} problems): correctness compares each trace's extracted final answer with the reference${rules.length ? ` (extraction: ${rules.join('; ')})` : ''}.` },
  ];
  if (graded < samples.length) notes.push({ code: 'traces/ungraded', message: `${samples.length - graded} traces have no reference answer and are left ungraded.` });
  return { file: summary.file, format: `traces/${summary.format ?? 'unknown'}`, samples, problems: summary.fileProblems, notes, extractor: rules.join('; ') || undefined };
}
