import type { Law, Response, Variable } from './law';
import { productGrid } from './law';
import { column, meanLog, minOf } from './kernel';

/**
 * ScaleRL's sigmoidal compute–performance curve for reinforcement-learning post-training
 * (Khatri, Madaan, Tiwari, Bansal, Duvvuri, Zaheer, Dhillon, Brandfonbrener, Agarwal 2025,
 * "The Art of Scaling Reinforcement Learning Compute for LLMs", arXiv:2510.13786):
 *   R(C) = R0 + (A − R0) / (1 + (C_mid / C)^B)
 * A is the asymptotic reward, B the scaling exponent (compute efficiency) and C_mid the compute
 * at which half of the gain A − R0 is reached. The roles of A, B and C_mid were checked against
 * summaries of the paper; the exact expression is the one the issue gives. The paper fits it
 * after the first, noisy ~1.5k GPU-hours; so should users.
 */

const rlCompute: Variable = {
  name: 'C',
  description: 'reinforcement-learning compute (GPU-hours or FLOPs)',
  domain: 'positive',
};

const reward: Response = {
  name: 'R',
  description: 'reward or pass rate on held-out problems',
  domain: 'positive',
};

const bStarts = [0.5, 1, 2];

export const scaleRlSigmoid: Law = {
  id: 'scalerl-sigmoid',
  title: 'ScaleRL sigmoid: reward in RL compute',
  citation: [
    {
      authors: 'Khatri, Madaan, Tiwari, Bansal, Duvvuri, Zaheer, Dhillon, Brandfonbrener, Agarwal',
      year: 2025,
      title: 'The Art of Scaling Reinforcement Learning Compute for LLMs',
      url: 'https://arxiv.org/abs/2510.13786',
    },
  ],
  formula: { text: 'R = R0 + (A - R0) / (1 + (C_mid / C)^B)', latex: 'R = R_0 + \\frac{A - R_0}{1 + \\left(C_{\\mathrm{mid}}/C\\right)^{B}}' },
  variables: [rlCompute],
  response: reward,
  parameters: [
    { name: 'R0', latex: 'R_0', description: 'reward before RL compute', lower: 0, upper: 1e6, scale: 'linear', starts: [0.01] },
    { name: 'A', latex: 'A', description: 'asymptotic reward', lower: 0, upper: 1e6, scale: 'linear', starts: [1] },
    { name: 'B', latex: 'B', description: 'scaling exponent (compute efficiency)', lower: 1e-3, upper: 20, scale: 'linear', starts: bStarts },
    { name: 'C_mid', latex: 'C_{\\mathrm{mid}}', description: 'compute at half of the gain', lower: 1e-30, upper: 1e60, scale: 'log', starts: [1e3] },
  ],
  predict(x, p) {
    return p[0] + (p[1] - p[0]) / (1 + Math.pow(p[3] / x[0], p[2]));
  },
  gradient(x, p, grad) {
    const lr = Math.log(p[3] / x[0]);
    const t = Math.exp(p[2] * lr);
    const s = 1 / (1 + t);
    const gain = p[1] - p[0];
    // ∂s/∂t = −s²; t = (C_mid/C)^B.
    grad[0] = 1 - s;
    grad[1] = s;
    grad[2] = -gain * s * s * t * lr;
    grad[3] = (-gain * s * s * t * p[2]) / p[3];
    return p[0] + gain * s;
  },
  startGrid(data) {
    const c = column(data, 'C');
    const r = column(data, 'R');
    let rMax = -Infinity;
    for (const v of r) rMax = Math.max(rMax, v);
    const rMin = minOf(r);
    const mlc = meanLog(c);
    // The asymptote a little above the best reward seen, the midpoint at the centroid or a decade later.
    return productGrid([[1.05 * rMax, 1.3 * rMax], bStarts, [0, Math.log(10)]]).map(([a, b, shift]) => [0.9 * rMin, a, b, Math.exp(mlc + shift)]);
  },
  derived: [
    {
      id: 'asymptote',
      title: 'Asymptotic reward',
      description: 'A: the reward the recipe approaches with unlimited RL compute.',
      inputs: [],
      compute: (p) => p.A,
    },
    {
      id: 'C_for_fraction',
      title: 'Compute to reach a fraction of the gain',
      description: 'C at which R = R0 + f·(A − R0): C_mid·(f/(1 − f))^(1/B).',
      inputs: [{ name: 'fraction', description: 'fraction f of the gain A − R0, in (0, 1)', default: 0.9 }],
      compute: (p, x) => (x.fraction > 0 && x.fraction < 1 ? p.C_mid * Math.pow(x.fraction / (1 - x.fraction), 1 / p.B) : NaN),
    },
    {
      id: 'C_for_target',
      title: 'Compute to reach a target reward',
      description: 'C at which the curve reaches the target; undefined beyond the asymptote.',
      inputs: [{ name: 'target', description: 'target reward' }],
      compute(p, x) {
        const f = (x.target - p.R0) / (p.A - p.R0);
        return f > 0 && f < 1 ? p.C_mid * Math.pow(f / (1 - f), 1 / p.B) : NaN;
      },
    },
    {
      id: 'R_at',
      title: 'Reward at a compute',
      description: 'The fitted curve at the compute supplied.',
      inputs: [{ name: 'at_C', description: 'RL compute' }],
      compute: (p, x) => p.R0 + (p.A - p.R0) / (1 + Math.pow(p.C_mid / x.at_C, p.B)),
    },
  ],
};
