import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker thread's entry: a bundle beside the running one, or a TypeScript source (tests, `tsx`). */
export interface WorkerScript {
  file: string;
  /** TypeScript sources are loaded through tsx's require hook inside the worker. */
  typescript: boolean;
}

/**
 * The worker entry for a module in `here` (its `__dirname`): `bundled` beside it when running
 * from dist/, else `source` beside it when running from the TypeScript sources; null if neither.
 */
export function findWorkerScript(here: string, bundled: string, source: string): WorkerScript | null {
  const built = join(here, bundled);
  if (existsSync(built)) return { file: built, typescript: false };
  const ts = join(here, source);
  if (existsSync(ts)) return { file: ts, typescript: true };
  return null;
}

export function startWorker(script: WorkerScript, options: WorkerOptions = {}): Worker {
  if (!script.typescript) return new Worker(script.file, options);
  // Worker execArgv cannot carry `--import tsx` on Node 20, so register tsx's hook in the worker itself.
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(script.file)});`;
  return new Worker(boot, { ...options, eval: true });
}
