import { createRandom, type Random } from '../../../src/core/fit/random';
import type { Law } from '../../../src/core/laws/law';
import { evaluateLaw } from '../../../src/core/laws/law';
import { areasAtSteps, schedule, type ScheduleSpec } from '../../../src/core/laws/lrSchedule';

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
  /** Variables of the points when they are not independent log-uniform draws (loss curves, P ∈ {1, 2, 4, 8}). */
  sample?: (random: Random, points: number) => Record<string, number[]>;
}

const logUniform = (random: Random, lo: number, hi: number) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * random.next());

/** Two logged loss curves, cosine and WSD, every 500 steps after warmup: what the LR-annealing law is fitted to. */
function lossCurves(): Record<string, number[]> {
  const specs: ScheduleSpec[] = [
    { kind: 'cosine', steps: 20000, peakLr: 1e-3, warmup: 500 },
    { kind: 'wsd', steps: 20000, peakLr: 1e-3, warmup: 500, cooldownFraction: 0.2 },
  ];
  const out: Record<string, number[]> = { S1: [], S2: [] };
  for (const spec of specs) {
    const steps = Array.from({ length: 39 }, (_, i) => 1000 + 500 * i);
    const { S1, S2 } = areasAtSteps(schedule(spec), steps);
    out.S1.push(...S1);
    out.S2.push(...S2);
  }
  return out;
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
  farseer: {
    truth: { a1: 0.165, b1: -1.438, alpha: 0.25, a2: 1.3, b2: 4.73, beta: 0.2, a3: 0.162, b3: 0.589, gamma: -0.25 },
    ranges: { N: [1e7, 1e11], D: [1e9, 1e12] },
    points: 60,
    noise: 0.003,
  },
  // Chinchilla's published surface with α = β = 0.34 rewritten in C and M: η = α/2, a = A·6^η, b = B·6^η.
  'gadre-overtraining': { truth: { E: 1.69, a: 551, b: 556, eta: 0.17 }, ranges: { C: [1e17, 1e22], M: [5, 640] }, points: 40, noise: 0.01 },
  'gadre-downstream': { truth: { epsilon: 0.85, k: 2.5, gamma: 0.8 }, ranges: { L: [2.2, 4.5] }, points: 30, noise: 0.01 },
  'lr-annealing': { truth: { L0: 2.5, A: 0.5, alpha: 0.5, C: 0.2 }, ranges: {}, points: 78, noise: 0.003, sample: lossCurves },
  parscale: {
    truth: { A: 1.35e8, k: 0.345, alpha: 0.224, E: 1.377 },
    ranges: { N: [1e7, 1e10] },
    points: 40,
    noise: 0.005,
    sample: (random, points) => {
      const N: number[] = [];
      const P: number[] = [];
      for (let i = 0; i < points; i++) {
        N.push(logUniform(random, 1e7, 1e10));
        P.push(2 ** (i % 4));
      }
      return { N, P };
    },
  },
  'scalerl-sigmoid': { truth: { R0: 0.05, A: 0.62, B: 1.5, C_mid: 2000 }, ranges: { C: [50, 1e5] }, points: 30, noise: 0.01 },
  'step-law-lr': { truth: { c: 1.79, alpha: -0.713, beta: 0.307 }, ranges: { N: [1e8, 1e10], D: [1e10, 1e12] }, points: 30, noise: 0.05 },
  'step-law-batch': { truth: { d: 0.58, gamma: 0.571 }, ranges: { D: [1e10, 1e12] }, points: 20, noise: 0.05 },
};

export function synthesize(law: Law, c: SyntheticCase, seed: number, points = c.points): Record<string, number[]> {
  const random = createRandom(seed);
  const drawn = c.sample?.(random, points);
  const data: Record<string, number[]> = {};
  for (const v of law.variables) data[v.name] = [];
  data[law.response.name] = [];
  const n = drawn ? drawn[law.variables[0].name].length : points;
  for (let i = 0; i < n; i++) {
    const point: Record<string, number> = {};
    for (const v of law.variables) {
      point[v.name] = drawn ? drawn[v.name][i] : logUniform(random, ...c.ranges[v.name]);
      data[v.name].push(point[v.name]);
    }
    data[law.response.name].push(evaluateLaw(law, point, c.truth) * Math.exp(c.noise * random.normal()));
  }
  return data;
}
