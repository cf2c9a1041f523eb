import { relative, sep } from 'node:path';
import { Checkpoint, CancelledError, type WorkOptions } from '../../work';
import { assembleSweep, type ReadRun } from './assemble';
import { discoverRuns, readCandidate, type Candidate } from './discover';
import { readSweepMapping, type SweepMapping } from './mapping';
import type { Sweep } from './types';

/**
 * A folder of runs, from any mix of trackers, read into one sweep.
 *
 *   const sweep = await readSweep('/path/to/runs', { workspace: '/path/to/workspace' });
 *   sweep.points  // one per run: N, D, C, final and best loss, each saying how it was derived
 *   sweep.runs    // every run found: a point, or skipped with the reason
 */
export interface ReadSweepOptions extends WorkOptions {
  /** Folder holding `.scaling-lens.json`; default: the sweep folder itself. */
  workspace?: string;
  /** Use this mapping instead of reading the file. */
  mapping?: SweepMapping;
  /** Runs read at once (files are small and many: overlapping their I/O pays). */
  concurrency?: number;
  maxDepth?: number;
}

export async function readSweep(root: string, options: ReadSweepOptions = {}): Promise<Sweep> {
  const workspace = options.workspace ?? root;
  const show = (p: string) => relative(workspace, p).split(sep).join('/') || p;
  const found = options.mapping ? { mapping: options.mapping, problems: [], file: undefined } : await readSweepMapping(workspace, show(`${workspace}/.scaling-lens.json`));
  const discovery = await discoverRuns(root, options);
  const reads: ReadRun[] = new Array(discovery.candidates.length);
  const checkpoint = new Checkpoint(options);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= discovery.candidates.length) return;
      const c = discovery.candidates[i];
      reads[i] = await readOne(c, show, options);
      done++;
      await checkpoint.tick(done / discovery.candidates.length, `Reading runs: ${done} of ${discovery.candidates.length}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return assembleSweep(reads, { root, mapping: found.mapping, ignored: discovery.ignored, problems: found.problems, mappingFile: found.file });
}

async function readOne(c: Candidate, show: (p: string) => string, work: WorkOptions): Promise<ReadRun> {
  const format = c.kind === 'table' ? c.format : c.reader.id;
  try {
    const log = await readCandidate(c, { ...work, displayName: show });
    return { key: c.key, path: c.path, format, log };
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    return { key: c.key, path: c.path, format, error: `could not be read: ${(e as Error).message}` };
  }
}

export { assembleSweep, splitRuns, sweepFitData, type ReadRun, type AssembleOptions } from './assemble';
export { discoverRuns, readCandidate, tableAsRunLog, type Candidate, type Discovery } from './discover';
export { MAPPING_FILE, mappingText, parseSweepMapping, readSweepMapping, emptyMapping, type SweepMapping, type RunOverride, type MappedRole } from './mapping';
export { countParameters, deriveModelSize, kaplanApproximation, sizeFromName, type SizeCount } from './modelSize';
export type { Derived, DerivationMethod, RunAccount, Sweep, SweepPoint } from './types';
