import { stat } from 'node:fs/promises';
import { formatProblem } from '../core/ingest/problem';
import { readSweep } from '../core/ingest/sweep';
import { formatValue } from '../core/report/formulas';
import { sweepPanel } from '../core/report/sweepPanel';
import { EXIT, UsageError } from './exit';
import { writeHtmlReport } from './report';

/** `scaling-lens sweep FOLDER`: every run found, as a point or skipped with the reason, and how each value was derived. */
export async function sweepCommand(paths: string[], options: { json: boolean; output?: string }): Promise<number> {
  if (paths.length !== 1) throw new UsageError('sweep takes one folder of runs');
  const root = paths[0];
  try {
    if (!(await stat(root)).isDirectory()) throw new UsageError(`${root} is a file: sweep takes a folder of runs (use analyze or fit for one file)`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`no such folder: ${root}`);
  }
  const sweep = await readSweep(root, { workspace: root });
  if (options.json) {
    process.stdout.write(JSON.stringify(sweep, null, 2) + '\n');
  } else {
    const w = (s = '') => process.stdout.write(s + '\n');
    const points = new Map(sweep.points.map((p) => [p.key, p]));
    w(`${root}: ${sweep.points.length} points from ${sweep.runs.length} runs; N counts ${sweep.size} parameters${sweep.mappingFile ? `; mapping from ${sweep.mappingFile}` : ''}`);
    for (const r of sweep.runs) {
      const p = points.get(r.key);
      if (!p) {
        w(`  ✗ ${r.key} (${r.format ?? 'unknown'}): skipped, ${r.reason}`);
        continue;
      }
      const v = (d: { value: number | null }) => (d.value === null ? '—' : formatValue(d.value));
      w(`  ✓ ${p.key} (${p.format}): N ${v(p.N)}, D ${v(p.D)}, C ${v(p.C)}, final loss ${v(p.finalLoss)}, best ${v(p.bestLoss)}`);
      w(`      N: ${p.N.how}`);
      w(`      D: ${p.D.how}`);
      w(`      C: ${p.C.how}`);
      for (const n of p.notes) w(`      note: ${n}`);
    }
    if (sweep.ignored.count) w(`  ${sweep.ignored.count} log-like files no reader claims, e.g. ${sweep.ignored.examples.slice(0, 5).join(', ')}`);
    for (const p of sweep.problems) process.stderr.write(formatProblem(p) + '\n');
  }
  if (options.output) await writeHtmlReport(options.output, sweepPanel(sweep, root));
  return sweep.problems.some((p) => p.severity === 'error') ? EXIT.problems : EXIT.ok;
}
