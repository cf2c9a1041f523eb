import { parentPort } from 'node:worker_threads';
import { screenPostedJob, type PostedJob } from './parallelStarts';

/** Worker-thread entry for parallelStarts.ts: screens lanes of multi-start jobs as they are posted. */
parentPort!.on('message', (job: PostedJob) => {
  try {
    screenPostedJob(job);
  } catch {
    // Lanes this worker claimed are marked failed (see screenPostedJob) and rerun by the caller.
  }
});
