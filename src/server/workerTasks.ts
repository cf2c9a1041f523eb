import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CancelToken } from '../core/work';
import { CancelledError } from '../core/work';
import type { WorkerMessage, WorkerTask } from './worker';

/** The worker bundle sits beside the server bundle (dist/worker.js). */
const WORKER = join(__dirname, 'worker.js');

/**
 * Idle analysis workers, kept for the next task: a fresh thread compiles the analysis code
 * again and starts the fit's own threads again, which cost more than a small fit itself.
 */
const idle: Worker[] = [];
const maxIdle = 2;

function newWorker(warm = false): Worker {
  const w = new Worker(WORKER, { workerData: { warm } });
  // A worker that dies while idle leaves the pool.
  w.on('exit', () => {
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
  });
  return w;
}

/**
 * Starts an idle worker that warms up the fitting code, so that the session's first fit does
 * not pay for compiling it (about half of a small fit panel's first opening).
 */
export function prestartWorker(): void {
  if (idle.length > 0) return;
  const w = newWorker(true);
  w.unref();
  idle.push(w);
}

/**
 * Runs one task in a worker thread (an idle one if there is one). Cancelling terminates the
 * thread at once, which is the only way to stop a synchronous fit midway. A worker goes back to
 * the idle pool after a fit or a test-time analysis; after a trace summary, which may have
 * held a large file's rows, it is let go.
 */
export function runTask<T>(task: WorkerTask, cancel: CancelToken & { onCancellationRequested?: (cb: () => void) => unknown }, onProgress?: (fraction: number, message: string) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (cancel.isCancellationRequested) return reject(new CancelledError());
    const worker = idle.pop() ?? newWorker();
    worker.ref();
    let settled = false;
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.fraction, m.message);
      else if (m.type === 'result') finish(true, () => resolve(m.result as T));
      else finish(true, () => reject(Object.assign(new Error(m.message), { stack: m.stack })));
    };
    const onError = (e: Error) => finish(false, () => reject(e));
    const onExit = (code: number) => finish(false, () => reject(new Error(`the analysis worker stopped (exit code ${code})`)));
    const finish = (healthy: boolean, f: () => void) => {
      if (settled) return;
      settled = true;
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      f();
      if (healthy && task.task !== 'traceSummary' && idle.length < maxIdle) {
        // Idle workers must not keep the server process alive after the client has gone.
        worker.unref();
        idle.push(worker);
      } else void worker.terminate();
    };
    cancel.onCancellationRequested?.(() => finish(false, () => reject(new CancelledError())));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task);
  });
}
