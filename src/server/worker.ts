/**
 * Runs heavy analyses (fits with 1,000-resample bootstraps) off the server's event loop, so
 * diagnostics and hovers stay responsive and a cancelled request just terminates the thread.
 * A worker serves task after task while it is kept (see workerTasks.ts): its compiled code, and
 * the fit's own worker threads, stay warm.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { warmUpFit } from '../core/fit/warmUp';
import type { RunTable } from '../core/ingest/runTable';
import type { EvalSampleSet } from '../core/ingest/evalSamples';
import { fitTrainingSweep, type TrainingFitOptions } from '../core/report/trainingFit';
import { textSource } from '../core/ingest/source';
import { summarizeTraceFile, summarizeTraceSource, type TraceOptions } from '../core/traces';
import { analyzeTestTime, type TestTimeOptions } from '../core/tts';

export type WorkerTask =
  | { task: 'trainingFit'; table: RunTable; options: Omit<TrainingFitOptions, 'onLaw'> }
  | { task: 'testTime'; sets: EvalSampleSet[]; options: Omit<TestTimeOptions, 'cancel' | 'progress'> }
  /** `text` for an open buffer; otherwise `path`, read by byte ranges on every core. */
  | { task: 'traceSummary'; name: string; text?: string; path?: string; workers?: number; options: TraceOptions & { reader?: string } };

export type WorkerMessage =
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string; stack?: string };

// A worker started ahead of the first request (see prestartWorker) compiles the fitting code,
// and starts the fit's own threads, before anyone waits for it.
if ((workerData as { warm?: boolean } | undefined)?.warm) warmUpFit();

// Tasks come one at a time (workerTasks.ts hands a worker its next task only after the last result).
parentPort?.on('message', async (t: WorkerTask) => {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  try {
    switch (t.task) {
      case 'trainingFit': {
        const result = fitTrainingSweep(t.table, {
          ...t.options,
          onLaw: (i, n, law) => post({ type: 'progress', fraction: i / n, message: `Fitting ${law}` }),
        });
        post({ type: 'result', result });
        break;
      }
      case 'traceSummary': {
        const progress = (fraction: number, message: string) => post({ type: 'progress', fraction, message });
        const summary = t.text !== undefined
          ? await summarizeTraceSource(textSource(t.name, t.text), { ...t.options, progress })
          : await summarizeTraceFile(t.path!, { workers: t.workers, ...t.options, progress }, t.name);
        // Similarity sketches served the per-problem statistics, already computed; the editor
        // thread would only pay to copy them.
        for (const r of summary.rows) delete r.sketch;
        post({ type: 'result', result: summary });
        break;
      }
      case 'testTime': {
        const analysis = await analyzeTestTime(t.sets, { ...t.options, progress: (fraction, message) => post({ type: 'progress', fraction, message }) });
        post({ type: 'result', result: analysis });
        break;
      }
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
  }
});
