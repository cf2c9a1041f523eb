import type { DataColumns, Law, Response, Variable } from '../../laws/law';
import { column } from '../../laws/kernel';
import { firstBelow } from './saturation';

/**
 * Accuracy against a test-time budget x (thinking tokens, samples, FLOPs), two shapes:
 *  - power law plus ceiling: acc = A − B·x^(−α), approaching the ceiling A (the saturating
 *    power laws of test-time scaling, e.g. Snell et al. 2024; Wu et al. 2024);
 *  - sigmoid in log compute: acc = A / (1 + (x_mid/x)^β), an S-curve in log x with ceiling A
 *    and midpoint x_mid (the form ScaleRL, Khatri et al. 2025, fits to RL compute, used here
 *    for test-time compute).
 * Both are fitted on accuracy itself (linear residuals): accuracies near 0 are common.
 */

export const budgetVariable: Variable = { name: 'x', description: 'test-time budget (tokens, samples or FLOPs)', domain: 'positive' };
export const accuracyResponse: Response = { name: 'accuracy', description: 'accuracy', domain: 'nonnegative' };

function range(data: DataColumns): { min: number; max: number; top: number } {
  const x = column(data, 'x');
  const y = column(data, 'accuracy');
  let min = Infinity;
  let max = -Infinity;
  let top = 0;
  for (let i = 0; i < x.length; i++) {
    min = Math.min(min, x[i]);
    max = Math.max(max, x[i]);
    top = Math.max(top, y[i]);
  }
  return { min, max, top };
}

export const powerLawCeiling: Law = {
  id: 'tts-power-ceiling',
  title: 'Accuracy vs budget: power law with a ceiling',
  citation: [
    { authors: 'Snell, Lee, Xu, Kumar', year: 2024, title: 'Scaling LLM Test-Time Compute Optimally can be More Effective than Scaling Model Parameters', url: 'https://arxiv.org/abs/2408.03314' },
  ],
  formula: { text: 'accuracy = A - B * x^(-alpha)', latex: '\\mathrm{acc} = A - B\\,x^{-\\alpha}' },
  variables: [budgetVariable],
  response: accuracyResponse,
  parameters: [
    { name: 'A', latex: 'A', description: 'accuracy ceiling', lower: 0, upper: 1, scale: 'linear', starts: [0.6, 0.9, 1] },
    { name: 'B', latex: 'B', description: 'scale of the shortfall', lower: 1e-12, upper: 1e12, scale: 'log', starts: [0.1, 1, 10] },
    { name: 'alpha', latex: '\\alpha', description: 'exponent of x', lower: 1e-4, upper: 5, scale: 'linear', starts: [0.1, 0.3, 1] },
  ],
  predict(x, p) {
    return p[0] - p[1] * Math.pow(x[0], -p[2]);
  },
  gradient(x, p, grad) {
    const t = Math.pow(x[0], -p[2]);
    grad[0] = 1;
    grad[1] = -t;
    grad[2] = p[1] * t * Math.log(x[0]);
    return p[0] - p[1] * t;
  },
  startGrid(data) {
    const { min, top } = range(data);
    const y = column(data, 'accuracy');
    const x = column(data, 'x');
    let yAtMin = top;
    for (let i = 0; i < x.length; i++) if (x[i] === min) yAtMin = y[i];
    const grid: number[][] = [];
    for (const A of [Math.min(1, top + 0.02), Math.min(1, top + 0.1), 1]) {
      for (const alpha of [0.1, 0.3, 1]) {
        // B places the curve through the cheapest point.
        const B = Math.max(1e-12, (A - yAtMin) * Math.pow(min, alpha));
        grid.push([A, B, alpha]);
      }
    }
    return grid;
  },
  derived: [
    {
      id: 'x_for_target',
      title: 'Budget to reach a target accuracy',
      description: 'x at which the fitted curve reaches the target: (B / (A − target))^(1/α); undefined at or above the ceiling.',
      inputs: [{ name: 'target', description: 'target accuracy' }],
      compute(p, inputs) {
        const gap = p.A - inputs.target;
        return gap > 0 ? Math.pow(p.B / gap, 1 / p.alpha) : NaN;
      },
    },
    {
      id: 'x_saturation',
      title: 'Saturation: budget past which a unit more adds less than ε accuracy',
      description: 'x where dacc/dx = B·α·x^(−α−1) falls to ε: (B·α/ε)^(1/(α+1)).',
      inputs: [{ name: 'epsilon', description: 'smallest worthwhile accuracy gain per unit of x' }],
      compute(p, inputs) {
        return inputs.epsilon > 0 ? Math.pow((p.B * p.alpha) / inputs.epsilon, 1 / (p.alpha + 1)) : NaN;
      },
    },
  ],
};

export const sigmoidLogCompute: Law = {
  id: 'tts-sigmoid',
  title: 'Accuracy vs budget: sigmoid in log compute',
  citation: [
    { authors: 'Khatri, Madaan, Tiwari, et al.', year: 2025, title: 'The Art of Scaling Reinforcement Learning Compute for LLMs', url: 'https://arxiv.org/abs/2510.13786' },
  ],
  formula: { text: 'accuracy = A / (1 + (x_mid / x)^beta)', latex: '\\mathrm{acc} = \\frac{A}{1 + (x_{\\mathrm{mid}}/x)^{\\beta}}' },
  variables: [budgetVariable],
  response: accuracyResponse,
  parameters: [
    { name: 'A', latex: 'A', description: 'accuracy ceiling', lower: 1e-6, upper: 1, scale: 'linear', starts: [0.6, 0.9, 1] },
    { name: 'x_mid', latex: 'x_{\\mathrm{mid}}', description: 'budget at half the ceiling', lower: 1e-9, upper: 1e30, scale: 'log', starts: [1e2, 1e4, 1e6] },
    { name: 'beta', latex: '\\beta', description: 'steepness in log x', lower: 1e-3, upper: 20, scale: 'linear', starts: [0.5, 1, 2] },
  ],
  predict(x, p) {
    return p[0] / (1 + Math.pow(p[1] / x[0], p[2]));
  },
  gradient(x, p, grad) {
    const r = Math.pow(p[1] / x[0], p[2]);
    const d = 1 + r;
    grad[0] = 1 / d;
    grad[1] = (-p[0] * r * p[2]) / (p[1] * d * d);
    grad[2] = (-p[0] * r * Math.log(p[1] / x[0])) / (d * d);
    return p[0] / d;
  },
  startGrid(data) {
    const { min, max, top } = range(data);
    const mids = [min, Math.sqrt(min * max), max].map((m) => Math.max(1e-9, m));
    const grid: number[][] = [];
    for (const A of [Math.min(1, top + 0.02), Math.min(1, top + 0.15)]) for (const m of mids) for (const beta of [0.5, 1, 2]) grid.push([A, m, beta]);
    return grid;
  },
  derived: [
    {
      id: 'x_for_target',
      title: 'Budget to reach a target accuracy',
      description: 'x at which the fitted curve reaches the target: x_mid·(A/target − 1)^(−1/β); undefined at or above the ceiling.',
      inputs: [{ name: 'target', description: 'target accuracy' }],
      compute(p, inputs) {
        const t = inputs.target;
        return t > 0 && t < p.A ? p.x_mid * Math.pow(p.A / t - 1, -1 / p.beta) : NaN;
      },
    },
    {
      id: 'x_saturation',
      title: 'Saturation: budget past which a unit more adds less than ε accuracy',
      description: 'Smallest x past the steepest point where dacc/dx < ε.',
      inputs: [{ name: 'epsilon', description: 'smallest worthwhile accuracy gain per unit of x' }],
      compute(p, inputs) {
        const slope = (x: number) => {
          const r = Math.pow(p.x_mid / x, p.beta);
          return (p.A * p.beta * r) / (x * (1 + r) * (1 + r));
        };
        return firstBelow(slope, inputs.epsilon, p.x_mid * 1e-6, p.x_mid * 1e12);
      },
    },
  ],
};
