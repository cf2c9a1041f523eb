/** Trace analysis: per-trace token costs and thinking structure, per-problem comparison, file summaries, reports. */
export { TraceAnalyzer, type TokenizerUse, type TraceAnalysis, type TraceCost, type TraceDetail, type TraceOptions, type UsageCheck } from './analyze';
export { answersMatch, extractAnswer, normalizeAnswer, numericValue, referenceAnswer, type AnswerRule, type ExtractedAnswer } from './answer';
export { analyzeSource, fileRangeSource, summarizeTraceSource, type RangeResult, type SummaryOptions } from './fileSummary';
export { traceFindings } from './findings';
export { traceFormatReaders, type IngestedTraces } from './formats';
export { defaultMarkers, MarkerMatcher, type MarkerHit, type MarkerKind, type MarkerSpec } from './markers';
export { firstAnswerPoint, type AnswerPoint } from './overthinking';
export { countFileTokens, summarizeTraceFile, type ParallelOptions } from './parallel';
export { problemStats, summarizeProblems, type ProblemInput, type ProblemsOverview, type ProblemStats } from './problems';
export { analyzeWords, sketchSimilarity, ShingleSketch, type RepeatedSpan, type WordAnalysis } from './repetition';
export { fileSummaryPanel, histogram, hoverMarkdown, inlayText, tokensJson, tracePanel, tracesJson, type TokensJson } from './report';
export { countSteps, segmentSteps, type StepKind, type StepSpan } from './steps';
export { summarizeRows, toRow, TraceSummaryBuilder, type FileTraceSummary, type TraceRow } from './summary';
