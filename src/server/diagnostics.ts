import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Problem } from '../core/ingest/problem';

/**
 * A character past any line's end: clients clamp it to the line's end. LSP positions are
 * uintegers (at most 2^31 − 1); larger values make clients reject the whole result.
 */
export const END_OF_LINE = 2147483647;

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(p: Problem): Diagnostic {
  const line = Math.max(0, p.line - 1);
  const start = Math.max(0, p.column - 1);
  return {
    range: { start: { line, character: start }, end: { line, character: p.endColumn !== undefined ? Math.max(start, p.endColumn - 1) : END_OF_LINE } },
    severity: SEVERITY[p.severity],
    source: 'Scaling Lens',
    code: p.code,
    message: p.message,
  };
}
