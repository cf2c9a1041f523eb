import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CancelToken } from '../core/work';
import { CancelledError } from '../core/work';
import type { WorkerMessage, WorkerTask } from './worker';

/** The worker bundle sits beside the server bundle (dist/worker.js). */
const WORKER = join(__dirname, 'worker.js');

/**
 * Runs one task in a fresh worker thread. Cancelling terminates the thread at once, which is
 * the only way to stop a synchronous fit midway.
 */
export function runTask<T>(task: WorkerTask, cancel: CancelToken & { onCancellationRequested?: (cb: () => void) => unknown }, onProgress?: (fraction: number, message: string) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (cancel.isCancellationRequested) return reject(new CancelledError());
    const worker = new Worker(WORKER);
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    cancel.onCancellationRequested?.(() => finish(() => reject(new CancelledError())));
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.fraction, m.message);
      else if (m.type === 'result') finish(() => resolve(m.result as T));
      else finish(() => reject(Object.assign(new Error(m.message), { stack: m.stack })));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the analysis worker stopped (exit code ${code})`))));
    worker.postMessage(task);
  });
}
