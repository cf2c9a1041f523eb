import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { analyzePath, type FileAnalysis } from '../core/analysis';
import { candidateFiles } from '../core/ingest/walk';
import type { AxisChoice } from '../core/report/runLogPanel';
import { UsageError } from './exit';

/** Every file under the given paths, analysed; unrecognised files stay in the list, marked. */
export async function analyzePaths(paths: string[], axes: AxisChoice): Promise<FileAnalysis[]> {
  if (paths.length === 0) throw new UsageError('expected at least one file or folder');
  const files: string[] = [];
  for (const p of paths) {
    try {
      await stat(p);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`);
    }
    files.push(...(await candidateFiles(p)));
  }
  const out: FileAnalysis[] = [];
  for (const f of files) {
    const name = relative(process.cwd(), f) || f;
    out.push(await analyzePath(f, name.startsWith('..') ? f : name, { axes }));
  }
  return out;
}

export function hasErrors(analyses: FileAnalysis[]): boolean {
  return analyses.some((a) => a.problems.some((p) => p.severity === 'error'));
}
