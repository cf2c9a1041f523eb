import { parentPort } from 'node:worker_threads';
import { runPostedJob, type PostedJob } from './parallel';

/** Worker-thread entry for parallel.ts: runs lanes of multi-start screens and bootstrap refits as they are posted. */
parentPort!.on('message', (job: PostedJob) => {
  try {
    runPostedJob(job);
  } catch {
    // Lanes this worker claimed are marked failed (see runPostedJob) and rerun by the caller.
  }
});
