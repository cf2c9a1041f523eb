import type { Problem } from '../ingest/problem';
import type { TraceAnalysis } from './analyze';
import type { TraceRow } from './summary';

/**
 * What a trace's analysis says that deserves a diagnostic: a trace cut off at its length limit
 * (a finding about the run, not a parse error), and counted tokens that disagree with the usage
 * the file reports beyond chat-template overhead. Located at the record's first line.
 */
export function traceFindings(file: string, a: TraceAnalysis | TraceRow): Problem[] {
  const out: Problem[] = [];
  if (a.truncated) {
    out.push({
      file,
      line: a.line,
      column: 1,
      severity: 'warning',
      code: a.unclosedThink ? 'trace/cut-off-mid-thought' : 'trace/cut-off',
      message: a.unclosedThink
        ? `Trace ${a.id} stops inside its thinking (<think> never closed): it hit the length budget.`
        : `Trace ${a.id} stopped at the length limit (finish reason ${a.finishReason ?? 'length'}).`,
    });
  }
  if (a.check?.flagged) {
    out.push({
      file,
      line: a.line,
      column: 1,
      severity: 'info',
      code: 'trace/usage-differs',
      message: `Trace ${a.id}: ${a.check.counted.toLocaleString('en-US')} ${a.check.field} tokens counted, ${a.check.reported.toLocaleString('en-US')} reported (${a.check.difference > 0 ? '+' : ''}${a.check.difference.toLocaleString('en-US')}), more than chat-template overhead explains.`,
    });
  }
  return out;
}
