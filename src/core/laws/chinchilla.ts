import { flopsPerToken, trainingBudget } from './computeInputs';
import type { DerivedInput, DerivedQuantity, Law } from './law';
import { ChinchillaHuber, ChinchillaKernel } from './chinchillaKernel';
import { chinchillaLoss, computeOptimal, overtrainedPlan } from './chinchillaFrontier';
import { logColumn, modelFromLogKernel } from './kernel';
import { loss, modelSize, trainingTokens } from './variables';

export { chinchillaLoss, computeOptimal, overtrainedPlan } from './chinchillaFrontier';

/**
 * Chinchilla parametric loss (Hoffmann et al. 2022, approach 3):
 *   L(N, D) = E + A/N^α + B/D^β
 * fitted, as in the paper and in the replication by Besiroglu et al. (2024), in the
 * log-sum-exp form log L = LSE(a − α·log N, b − β·log D, e) with A = exp(a), B = exp(b),
 * E = exp(e) (the parameters' `log` scale gives exactly these coordinates).
 */

const budget = trainingBudget;

const inferenceTokens: DerivedInput = {
  name: 'D_inference',
  description: 'tokens the model will process at inference over its lifetime',
  unit: 'tokens',
};

const inferenceFlopsPerToken: DerivedInput = {
  name: 'k_inference',
  description: 'inference FLOPs per parameter per token',
  default: 2,
};

const optimumInputs = [budget, flopsPerToken];
const overtrainedInputs = [budget, flopsPerToken, inferenceTokens, inferenceFlopsPerToken];

const derived: DerivedQuantity[] = [
  {
    id: 'N_opt',
    title: 'Compute-optimal model size',
    description: 'N*(C): the model size that minimises the fitted loss for the compute budget C = k·N·D.',
    unit: 'parameters',
    inputs: optimumInputs,
    compute: (p, x) => computeOptimal(p, x.C, x.k).N,
  },
  {
    id: 'D_opt',
    title: 'Compute-optimal training tokens',
    description: 'D*(C) = C / (k·N*).',
    unit: 'tokens',
    inputs: optimumInputs,
    compute: (p, x) => computeOptimal(p, x.C, x.k).D,
  },
  {
    id: 'tokens_per_param',
    title: 'Compute-optimal tokens per parameter',
    description: 'D*/N* at the budget C (about 20 in Hoffmann et al. 2022).',
    inputs: optimumInputs,
    compute: (p, x) => {
      const o = computeOptimal(p, x.C, x.k);
      return o.D / o.N;
    },
  },
  {
    id: 'L_opt',
    title: 'Loss at the compute optimum',
    description: 'L(N*, D*) at the budget C.',
    unit: 'nats/token',
    inputs: optimumInputs,
    compute: (p, x) => {
      const o = computeOptimal(p, x.C, x.k);
      return chinchillaLoss(p, o.N, o.D);
    },
  },
  {
    id: 'N_overtrained',
    title: 'Inference-aware model size',
    description: 'The model size reaching L_opt with the fewest training plus inference FLOPs for D_inference inference tokens.',
    unit: 'parameters',
    inputs: overtrainedInputs,
    compute: (p, x) => overtrainedPlan(p, x).N,
  },
  {
    id: 'D_overtrained',
    title: 'Inference-aware training tokens',
    description: 'Training tokens of the inference-aware model.',
    unit: 'tokens',
    inputs: overtrainedInputs,
    compute: (p, x) => overtrainedPlan(p, x).D,
  },
  {
    id: 'tokens_per_param_overtrained',
    title: 'Inference-aware tokens per parameter',
    description: 'D/N of the inference-aware model: above the compute-optimal ratio when inference is counted.',
    inputs: overtrainedInputs,
    compute: (p, x) => {
      const o = overtrainedPlan(p, x);
      return o.D / o.N;
    },
  },
  {
    id: 'lifetime_flops_saving',
    title: 'Lifetime FLOPs saved by over-training',
    description: 'Fraction of training plus inference FLOPs saved by the inference-aware model over the compute-optimal one, at equal loss.',
    inputs: overtrainedInputs,
    compute: (p, x) => {
      const o = overtrainedPlan(p, x);
      return 1 - o.lifetime / o.lifetimeAtOptimum;
    },
  },
];

/** Hoffmann et al.'s grid (as used by Besiroglu et al. 2024), thinned to keep fits interactive. */
const logGrid = {
  e: [-1, 0, 1],
  a: [0, 5, 10, 15, 20],
  b: [0, 5, 10, 15, 20],
  alpha: [0, 0.5, 1],
  beta: [0, 0.5, 1],
};

export const chinchilla: Law = {
  id: 'chinchilla',
  title: 'Chinchilla: loss in model size and data',
  citation: [
    {
      authors: 'Hoffmann, Borgeaud, Mensch, Buchatskaya, Cai, Rutherford, et al.',
      year: 2022,
      title: 'Training Compute-Optimal Large Language Models',
      url: 'https://arxiv.org/abs/2203.15556',
    },
    {
      authors: 'Besiroglu, Erdil, Barnett, You',
      year: 2024,
      title: 'Chinchilla Scaling: A replication attempt',
      url: 'https://arxiv.org/abs/2404.10102',
    },
  ],
  formula: { text: 'L = E + A / N^alpha + B / D^beta', latex: 'L = E + \\frac{A}{N^{\\alpha}} + \\frac{B}{D^{\\beta}}' },
  variables: [modelSize, trainingTokens],
  response: loss,
  parameters: [
    { name: 'E', latex: 'E', description: 'irreducible loss', lower: Math.exp(-20), upper: Math.exp(10), scale: 'log', starts: logGrid.e.map(Math.exp) },
    { name: 'A', latex: 'A', description: 'model-size term scale', lower: Math.exp(-20), upper: Math.exp(60), scale: 'log', starts: logGrid.a.map(Math.exp) },
    { name: 'B', latex: 'B', description: 'data term scale', lower: Math.exp(-20), upper: Math.exp(60), scale: 'log', starts: logGrid.b.map(Math.exp) },
    { name: 'alpha', latex: '\\alpha', description: 'model-size exponent', lower: 0, upper: 3, scale: 'linear', starts: logGrid.alpha },
    { name: 'beta', latex: '\\beta', description: 'data exponent', lower: 0, upper: 3, scale: 'linear', starts: logGrid.beta },
  ],
  predict(x, p) {
    return p[0] + p[1] * Math.pow(x[0], -p[3]) + p[2] * Math.pow(x[1], -p[4]);
  },
  gradient(x, p, grad) {
    const tn = Math.pow(x[0], -p[3]);
    const td = Math.pow(x[1], -p[4]);
    grad[0] = 1;
    grad[1] = tn;
    grad[2] = td;
    grad[3] = -p[1] * tn * Math.log(x[0]);
    grad[4] = -p[2] * td * Math.log(x[1]);
    return p[0] + p[1] * tn + p[2] * td;
  },
  compile(columns, space) {
    const kernel = new ChinchillaKernel(logColumn(columns[0]), logColumn(columns[1]));
    const model = modelFromLogKernel(kernel.n, 5, space, (theta, out, jac) => kernel.evaluate(theta, out, jac));
    if (space !== 'log') return model;
    return { ...model, logHuber: (y, weights, delta) => new ChinchillaHuber(kernel, y, weights, delta) };
  },
  derived,
  published: {
    params: { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 },
    source: 'Hoffmann et al. 2022, approach 3',
  },
};
