import { createRandom } from '../../../src/core/fit/random';
import type { Law } from '../../../src/core/laws/law';
import { evaluateLaw } from '../../../src/core/laws/law';

/**
 * Synthetic sweeps with known parameters, for tests that check a fit recovers them. Each case
 * names a law, the parameters behind the data, and the range of every variable (log-uniform).
 */
export interface SyntheticCase {
  truth: Record<string, number>;
  ranges: Record<string, [number, number]>;
  points: number;
  /** Standard deviation of the log-normal noise on the response. */
  noise: number;
}

export const cases: Record<string, SyntheticCase> = {
  chinchilla: {
    truth: { E: 1.8172, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658 },
    ranges: { N: [3e7, 3e9], D: [1e9, 2e11] },
    points: 40,
    noise: 0.01,
  },
  'kaplan-ND': {
    truth: { N_c: 6.4e13, D_c: 1.8e13, alpha_N: 0.076, alpha_D: 0.103 },
    ranges: { N: [1e6, 1e10], D: [1e7, 1e11] },
    points: 40,
    noise: 0.01,
  },
  'power-law-N': { truth: { E: 1.7, A: 400, alpha: 0.3 }, ranges: { N: [1e6, 1e10] }, points: 25, noise: 0.01 },
  'power-law-D': { truth: { E: 1.7, A: 2000, alpha: 0.3 }, ranges: { D: [1e8, 1e12] }, points: 25, noise: 0.01 },
  'power-law-C': { truth: { E: 1.7, A: 1500, alpha: 0.15 }, ranges: { C: [1e17, 1e23] }, points: 25, noise: 0.01 },
  'pure-power-law-N': { truth: { A: 12, alpha: 0.07 }, ranges: { N: [1e6, 1e10] }, points: 20, noise: 0.01 },
  'pure-power-law-D': { truth: { A: 15, alpha: 0.08 }, ranges: { D: [1e8, 1e12] }, points: 20, noise: 0.01 },
  'pure-power-law-C': { truth: { A: 40, alpha: 0.05 }, ranges: { C: [1e17, 1e23] }, points: 20, noise: 0.01 },
  'kaplan-N': { truth: { N_c: 8.8e13, alpha_N: 0.076 }, ranges: { N: [1e6, 1e10] }, points: 20, noise: 0.01 },
  'kaplan-D': { truth: { D_c: 5.4e13, alpha_D: 0.095 }, ranges: { D: [1e8, 1e12] }, points: 20, noise: 0.01 },
  'kaplan-C': { truth: { C_c: 2.6784e28, alpha_C: 0.05 }, ranges: { C: [1e17, 1e23] }, points: 20, noise: 0.01 },
};

export function synthesize(law: Law, c: SyntheticCase, seed: number, points = c.points): Record<string, number[]> {
  const random = createRandom(seed);
  const data: Record<string, number[]> = {};
  for (const v of law.variables) data[v.name] = [];
  data[law.response.name] = [];
  for (let i = 0; i < points; i++) {
    const point: Record<string, number> = {};
    for (const v of law.variables) {
      const [lo, hi] = c.ranges[v.name];
      point[v.name] = Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * random.next());
      data[v.name].push(point[v.name]);
    }
    data[law.response.name].push(evaluateLaw(law, point, c.truth) * Math.exp(c.noise * random.normal()));
  }
  return data;
}
