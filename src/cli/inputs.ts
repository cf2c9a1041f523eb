import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { analyzePath, type FileAnalysis } from '../core/analysis';
import { candidateFiles } from '../core/ingest/walk';
import type { AxisChoice } from '../core/report/runLogPanel';
import { UsageError } from './exit';

/** Files under the given paths that a reader might claim, with the names problems give them. */
export async function candidateFilesOf(paths: string[], includeJson = false): Promise<{ path: string; name: string }[]> {
  if (paths.length === 0) throw new UsageError('expected at least one file or folder');
  const files: string[] = [];
  for (const p of paths) {
    try {
      await stat(p);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`);
    }
    files.push(...(await candidateFiles(p, { json: includeJson })));
  }
  return files.map((f) => {
    const name = relative(process.cwd(), f) || f;
    return { path: f, name: name.startsWith('..') ? f : name };
  });
}

/** Every file under the given paths, analysed; unrecognised files stay in the list, marked. */
export async function analyzePaths(paths: string[], axes: AxisChoice): Promise<FileAnalysis[]> {
  const out: FileAnalysis[] = [];
  for (const { path, name } of await candidateFilesOf(paths)) out.push(await analyzePath(path, name, { axes }));
  return out;
}

export function hasErrors(analyses: FileAnalysis[]): boolean {
  return analyses.some((a) => a.problems.some((p) => p.severity === 'error'));
}
