import { parentPort } from 'node:worker_threads';
import { runPostedJob, type PostedJob } from './parallel';
import { warmUpFit } from './warmUp';

/**
 * Worker-thread entry for parallel.ts: runs lanes of multi-start screens and bootstrap refits
 * as they are posted. It warms up first, on this thread alone: a worker that joins a fit with
 * its code still interpreted runs its lane several times slower than the calling thread,
 * which then waits for it.
 */
warmUpFit(1);

parentPort!.on('message', (job: PostedJob) => {
  try {
    runPostedJob(job);
  } catch {
    // Lanes this worker claimed are marked failed (see runPostedJob) and rerun by the caller.
  }
});
