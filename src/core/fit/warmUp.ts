import { chinchilla } from '../laws/chinchilla';
import { fitLaw } from './fitLaw';

/**
 * Fits a small made-up Chinchilla sweep, so that a thread's first real fit runs compiled code:
 * interpreted, the first multi-start is several times slower. ~50–100 ms.
 */
export function warmUpFit(threads?: number): void {
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
    fitLaw(chinchilla, { N, D, L }, { resamples: 40, threads });
  } catch {
    // Warming is only an optimisation.
  }
}
