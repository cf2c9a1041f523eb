import type { Citation, Law, ParamValues, Response } from './law';
import { column, logColumn, meanLog, modelFromLogKernel } from './kernel';
import { modelSize, trainingTokens } from './variables';

/**
 * Step Law (Li, Zheng, Hu, et al. 2025, "Predictable Scale: Part I — Optimal Hyperparameter
 * Scaling Law in Large Language Model Pretraining", arXiv:2503.04715): the optimal peak learning
 * rate and batch size as power laws of the non-embedding parameters N and training tokens D,
 *   η*(N, D) = 1.79·N^(−0.713)·D^(0.307)      B*(D) = 0.58·D^(0.571)   (B in tokens)
 * Coefficients checked against a stored summary of the paper that quotes both formulas. Each is
 * a law of its own (one response each), with the published values as defaults; refit them from
 * a sweep's optima, and hold the exponents at the published values (`FitOptions.fixed`) when
 * the sweep is too small to pin them down.
 */

const stepLawCitation: Citation = {
  authors: 'Li, Zheng, Hu, Wang, Zhang, Wang, Xuyang, Fan, Zhou, Zhang, Jiang',
  year: 2025,
  title: 'Predictable Scale: Part I — Optimal Hyperparameter Scaling Law in Large Language Model Pretraining',
  url: 'https://arxiv.org/abs/2503.04715',
};

const learningRate: Response = { name: 'lr', description: 'optimal peak learning rate', domain: 'positive' };
const batchSize: Response = { name: 'batch', description: 'optimal batch size in tokens', domain: 'positive' };

export const stepLawPublished = {
  lr: { c: 1.79, alpha: -0.713, beta: 0.307 },
  batch: { d: 0.58, gamma: 0.571 },
} as const;

/** The optimal learning rate and batch size (tokens) for N non-embedding parameters and D tokens; published values unless given. */
export function stepLawOptimum(N: number, D: number, lr: ParamValues = stepLawPublished.lr, batch: ParamValues = stepLawPublished.batch): { lr: number; batch: number } {
  return { lr: lr.c * Math.pow(N, lr.alpha) * Math.pow(D, lr.beta), batch: batch.d * Math.pow(D, batch.gamma) };
}

export const stepLawLr: Law = {
  id: 'step-law-lr',
  title: 'Step Law: optimal learning rate',
  citation: [stepLawCitation],
  formula: { text: 'lr = c * N^alpha * D^beta', latex: '\\eta^{*} = c\\,N^{\\alpha} D^{\\beta}' },
  variables: [{ ...modelSize, description: 'non-embedding model parameters' }, trainingTokens],
  response: learningRate,
  parameters: [
    { name: 'c', latex: 'c', description: 'scale', lower: 1e-30, upper: 1e30, scale: 'log', starts: [1.79] },
    { name: 'alpha', latex: '\\alpha', description: 'exponent of N (negative: larger models want smaller rates)', lower: -3, upper: 3, scale: 'linear', starts: [-0.713, -0.3] },
    { name: 'beta', latex: '\\beta', description: 'exponent of D', lower: -3, upper: 3, scale: 'linear', starts: [0.307, 0] },
  ],
  predict(x, p) {
    return p[0] * Math.pow(x[0], p[1]) * Math.pow(x[1], p[2]);
  },
  gradient(x, p, grad) {
    const f = p[0] * Math.pow(x[0], p[1]) * Math.pow(x[1], p[2]);
    grad[0] = f / p[0];
    grad[1] = f * Math.log(x[0]);
    grad[2] = f * Math.log(x[1]);
    return f;
  },
  compile(columns, space) {
    const ln = logColumn(columns[0]);
    const ld = logColumn(columns[1]);
    const n = ln.length;
    return modelFromLogKernel(n, 3, space, (theta, out, jac) => {
      for (let i = 0; i < n; i++) {
        out[i] = theta[0] + theta[1] * ln[i] + theta[2] * ld[i];
        if (jac) {
          jac[3 * i] = 1;
          jac[3 * i + 1] = ln[i];
          jac[3 * i + 2] = ld[i];
        }
      }
      return theta.every(Number.isFinite);
    });
  },
  startGrid(data) {
    const mln = meanLog(column(data, 'N'));
    const mld = meanLog(column(data, 'D'));
    const mly = meanLog(column(data, 'lr'));
    // Linear in log space: one start at the published exponents, with c through the centroid, is enough.
    const { alpha, beta } = stepLawPublished.lr;
    return [[Math.exp(mly - alpha * mln - beta * mld), alpha, beta]];
  },
  derived: [
    {
      id: 'lr_opt',
      title: 'Optimal learning rate',
      description: 'η*(N, D) for the model size and tokens supplied.',
      inputs: [
        { name: 'N', description: 'non-embedding parameters', unit: 'parameters' },
        { name: 'D', description: 'training tokens', unit: 'tokens' },
      ],
      compute: (p, x) => p.c * Math.pow(x.N, p.alpha) * Math.pow(x.D, p.beta),
    },
  ],
  published: { params: stepLawPublished.lr, source: 'Li et al. 2025 (Step Law), η(N, D) = 1.79·N^(−0.713)·D^(0.307)' },
};

export const stepLawBatch: Law = {
  id: 'step-law-batch',
  title: 'Step Law: optimal batch size',
  citation: [stepLawCitation],
  formula: { text: 'batch = d * D^gamma', latex: 'B^{*} = d\\,D^{\\gamma}' },
  variables: [trainingTokens],
  response: batchSize,
  parameters: [
    { name: 'd', latex: 'd', description: 'scale', lower: 1e-30, upper: 1e30, scale: 'log', starts: [0.58] },
    { name: 'gamma', latex: '\\gamma', description: 'exponent of D', lower: -3, upper: 3, scale: 'linear', starts: [0.571, 0.3] },
  ],
  predict(x, p) {
    return p[0] * Math.pow(x[0], p[1]);
  },
  gradient(x, p, grad) {
    const f = p[0] * Math.pow(x[0], p[1]);
    grad[0] = f / p[0];
    grad[1] = f * Math.log(x[0]);
    return f;
  },
  compile(columns, space) {
    const ld = logColumn(columns[0]);
    const n = ld.length;
    return modelFromLogKernel(n, 2, space, (theta, out, jac) => {
      for (let i = 0; i < n; i++) {
        out[i] = theta[0] + theta[1] * ld[i];
        if (jac) {
          jac[2 * i] = 1;
          jac[2 * i + 1] = ld[i];
        }
      }
      return Number.isFinite(theta[0]) && Number.isFinite(theta[1]);
    });
  },
  startGrid(data) {
    const mld = meanLog(column(data, 'D'));
    const mly = meanLog(column(data, 'batch'));
    const { gamma } = stepLawPublished.batch;
    return [[Math.exp(mly - gamma * mld), gamma]];
  },
  derived: [
    {
      id: 'batch_opt',
      title: 'Optimal batch size',
      description: 'B*(D) in tokens for the training tokens supplied.',
      unit: 'tokens',
      inputs: [{ name: 'D', description: 'training tokens', unit: 'tokens' }],
      compute: (p, x) => p.d * Math.pow(x.D, p.gamma),
    },
  ],
  published: { params: stepLawPublished.batch, source: 'Li et al. 2025 (Step Law), B(D) = 0.58·D^(0.571)' },
};
