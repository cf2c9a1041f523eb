import { version } from '../../package.json';
import { formatProblem } from '../core/ingest/problem';
import type { AxisChoice } from '../core/report/runLogPanel';
import { EXIT } from './exit';
import { analyzePaths, hasErrors } from './inputs';

export async function analyzeCommand(paths: string[], options: { json: boolean; axes: AxisChoice }): Promise<number> {
  const analyses = await analyzePaths(paths, options.axes);
  if (options.json) {
    const files = analyses.map((a) => ({
      file: a.file,
      format: a.format,
      kind: a.kind,
      summary: a.summary,
      rows: a.table?.rows.length ?? 0,
      columns: a.table?.columns ?? [],
      numericColumns: a.table?.numericColumns ?? [],
      problems: a.problems,
      panel: a.panel,
    }));
    process.stdout.write(JSON.stringify({ tool: 'scaling-lens', version, files, problems: analyses.flatMap((a) => a.problems) }, null, 2) + '\n');
  } else {
    for (const a of analyses) {
      process.stdout.write(`${a.file}: ${a.summary}\n`);
      for (const v of a.panel.views) {
        if (v.kind === 'chart') {
          const n = v.series.reduce((s, x) => s + x.points.length, 0);
          process.stdout.write(`  chart: ${v.title} (${n} points, ${v.x.scale} x, ${v.y.scale} y)\n`);
        }
      }
      for (const m of a.panel.messages ?? []) if (m.severity !== 'info' || a.kind !== 'unknown') process.stdout.write(`  ${m.severity}: ${m.text}\n`);
    }
    const problems = analyses.flatMap((a) => a.problems);
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
    const unknown = analyses.filter((a) => a.kind === 'unknown').length;
    process.stdout.write(`${analyses.length} file${analyses.length === 1 ? '' : 's'}, ${analyses.length - unknown} read, ${unknown} not recognised, ${problems.length} problem${problems.length === 1 ? '' : 's'}.\n`);
  }
  return hasErrors(analyses) ? EXIT.problems : EXIT.ok;
}
