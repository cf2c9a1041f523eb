/**
 * A located problem in an input file. Readers report these and keep reading; the server turns
 * them into diagnostics and the CLI prints them as `file:line:column: severity: message`.
 * Lines and columns are 1-based, as editors and compilers print them.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  file: string;
  line: number;
  column: number;
  /** 1-based column just past the offending text; defaults to the end of the line. */
  endColumn?: number;
  severity: Severity;
  /** A stable identifier such as `run-log/not-a-number`, for filtering and tests. */
  code: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message} [${p.code}]`;
}

/** Collects problems with a cap, so a file with a million bad lines stays cheap to report on. */
export class ProblemSink {
  readonly problems: Problem[] = [];
  dropped = 0;
  constructor(readonly file: string, readonly limit = 1000) {}

  add(p: Omit<Problem, 'file'>): void {
    if (this.problems.length < this.limit) this.problems.push({ file: this.file, ...p });
    else this.dropped++;
  }

  /** The final list in file order, ending with a note of how many more were found past the cap. */
  finish(): Problem[] {
    // Readers may report late (after deciding column types), so order by position here.
    this.problems.sort((a, b) => a.line - b.line || a.column - b.column);
    if (this.dropped > 0) {
      const last = this.problems[this.problems.length - 1];
      this.problems.push({
        file: this.file,
        line: last?.line ?? 1,
        column: 1,
        severity: 'info',
        code: 'problems/truncated',
        message: `${this.dropped} more problems not listed (only the first ${this.limit} are reported).`,
      });
      this.dropped = 0;
    }
    return this.problems;
  }
}
