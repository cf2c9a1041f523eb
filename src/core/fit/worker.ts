import { parentPort } from 'node:worker_threads';
import { chinchilla } from '../laws/chinchilla';
import { fitLaw } from './fitLaw';
import { runPostedJob, type PostedJob } from './parallel';

/**
 * Worker-thread entry for parallel.ts: runs lanes of multi-start screens and bootstrap refits
 * as they are posted.
 *
 * It first fits a small made-up sweep, on this thread alone: a worker that joins a fit with
 * its code still interpreted runs its lane several times slower than the calling thread, which
 * then waits for it; ~50 ms of warming makes its first lane as fast as the rest.
 */
warmUp();

parentPort!.on('message', (job: PostedJob) => {
  try {
    runPostedJob(job);
  } catch {
    // Lanes this worker claimed are marked failed (see runPostedJob) and rerun by the caller.
  }
});

function warmUp(): void {
  const N: number[] = [];
  const D: number[] = [];
  const L: number[] = [];
  for (let i = 0; i < 48; i++) {
    const n = 1e7 * 10 ** ((i % 8) / 2);
    const d = 2e8 * 10 ** (Math.floor(i / 8) / 2);
    N.push(n);
    D.push(d);
    // A fixed wiggle stands in for noise, so that the fit has residuals in both Huber regimes.
    L.push((1.8 + 480 / n ** 0.34 + 2000 / d ** 0.37) * Math.exp(0.01 * Math.sin(7 * i)));
  }
  try {
    fitLaw(chinchilla, { N, D, L }, { resamples: 40, threads: 1 });
  } catch {
    // Warming is only an optimisation.
  }
}
