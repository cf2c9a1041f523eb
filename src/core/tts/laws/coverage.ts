import type { DataColumns, Law, Response, Variable } from '../../laws/law';
import { column, modelFromLogKernel } from '../../laws/kernel';
import { firstBelow } from './saturation';

/**
 * Coverage (pass@k) against samples as an exponentiated power law (Brown et al. 2024, "Large
 * Language Monkeys: Scaling Inference Compute with Repeated Sampling"):
 *   coverage(k) = exp(a · k^b),  a < 0, b < 0,
 * so log coverage = a·k^b climbs to 0 (coverage 1) as k grows. Fitted on log coverage, where
 * the law is a power law.
 */

export const samplesVariable: Variable = { name: 'k', description: 'samples per problem', unit: 'samples', domain: 'positive' };
export const coverageResponse: Response = { name: 'coverage', description: 'coverage (pass@k)', domain: 'positive' };

export const coverageLaw: Law = {
  id: 'tts-coverage',
  title: 'Coverage vs samples (exponentiated power law)',
  citation: [
    {
      authors: 'Brown, Juravsky, Ehrlich, Clark, Le, Ré, Mirhoseini',
      year: 2024,
      title: 'Large Language Monkeys: Scaling Inference Compute with Repeated Sampling',
      url: 'https://arxiv.org/abs/2407.21787',
    },
  ],
  formula: { text: 'coverage = exp(a * k^b)', latex: '\\mathrm{coverage} = \\exp(a\\,k^{b})' },
  variables: [samplesVariable],
  response: coverageResponse,
  parameters: [
    { name: 'a', latex: 'a', description: 'log coverage at k = 1', lower: -50, upper: -1e-9, scale: 'linear', starts: [-3, -1, -0.3] },
    { name: 'b', latex: 'b', description: 'exponent of k', lower: -5, upper: -1e-6, scale: 'linear', starts: [-1, -0.5, -0.2] },
  ],
  predict(x, p) {
    return Math.exp(p[0] * Math.pow(x[0], p[1]));
  },
  gradient(x, p, grad) {
    const kb = Math.pow(x[0], p[1]);
    const f = Math.exp(p[0] * kb);
    grad[0] = f * kb;
    grad[1] = f * p[0] * kb * Math.log(x[0]);
    return f;
  },
  compile(columns, space) {
    const lk = Float64Array.from(columns[0], Math.log);
    const n = lk.length;
    return modelFromLogKernel(n, 2, space, (theta, out, jac) => {
      const a = theta[0];
      const b = theta[1];
      for (let i = 0; i < n; i++) {
        const kb = Math.exp(b * lk[i]);
        out[i] = a * kb;
        if (jac) {
          jac[2 * i] = kb;
          jac[2 * i + 1] = a * kb * lk[i];
        }
      }
      return Number.isFinite(a) && Number.isFinite(b);
    });
  },
  startGrid(data: DataColumns) {
    // log(−log C) = log(−a) + b·log k: a straight line through the points with 0 < C < 1.
    const k = column(data, 'k');
    const c = column(data, 'coverage');
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let m = 0;
    for (let i = 0; i < k.length; i++) {
      if (!(c[i] > 0 && c[i] < 1)) continue;
      const x = Math.log(k[i]);
      const y = Math.log(-Math.log(c[i]));
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      m++;
    }
    const grid = [
      [-1, -0.5],
      [-3, -0.3],
      [-0.3, -1],
    ];
    if (m >= 2 && sxx * m - sx * sx > 0) {
      const b = (m * sxy - sx * sy) / (m * sxx - sx * sx);
      const a = -Math.exp((sy - b * sx) / m);
      if (b < 0 && Number.isFinite(a)) grid.unshift([Math.max(-50, a), Math.max(-5, b)]);
    }
    return grid;
  },
  derived: [
    {
      id: 'k_for_target',
      title: 'Samples to reach a target coverage',
      description: 'k at which the fitted coverage reaches the target: (ln target / a)^(1/b).',
      unit: 'samples',
      inputs: [{ name: 'target', description: 'target coverage (0..1)' }],
      compute(p, inputs) {
        const t = inputs.target;
        if (!(t > 0 && t < 1)) return NaN;
        return Math.pow(Math.log(t) / p.a, 1 / p.b);
      },
    },
    {
      id: 'k_saturation',
      title: 'Saturation: samples past which one more adds less than ε coverage',
      description: 'Smallest k ≥ 1 with d coverage / dk < ε (coverage gained per extra sample).',
      unit: 'samples',
      inputs: [{ name: 'epsilon', description: 'smallest worthwhile coverage gain per extra sample', default: 0.001 }],
      compute(p, inputs) {
        const slope = (k: number) => {
          const kb = Math.pow(k, p.b);
          return Math.exp(p.a * kb) * p.a * p.b * kb / k;
        };
        return firstBelow(slope, inputs.epsilon, 1, 1e12);
      },
    },
  ],
};
