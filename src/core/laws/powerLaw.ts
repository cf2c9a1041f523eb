import type { Citation, DataColumns, Law } from './law';
import { productGrid } from './law';
import { column, logColumn, meanLog, meanOf, minOf, modelFromLogKernel } from './kernel';
import { loss, scaleVariables, type ScaleVariable } from './variables';

/**
 * Power law in one scale variable, with and without an irreducible term:
 *   L = E + A·x^(−α)   (Hestness et al. 2017; Henighan et al. 2020)
 *   L = A·x^(−α)
 * for x = N, D or C.
 */

const hestness: Citation = {
  authors: 'Hestness, Narang, Ardalani, Diamos, Jun, Kianinejad, Patwary, Yang, Zhou',
  year: 2017,
  title: 'Deep Learning Scaling is Predictable, Empirically',
  url: 'https://arxiv.org/abs/1712.00409',
};

const henighan: Citation = {
  authors: 'Henighan, Kaplan, Katz, Chen, Hesse, Jackson, Jun, Brown, Dhariwal, Gray, et al.',
  year: 2020,
  title: 'Scaling Laws for Autoregressive Generative Modeling',
  url: 'https://arxiv.org/abs/2010.14701',
};

const exponentStarts = [0.1, 0.3, 1];

export function powerLawPlusConstant(v: ScaleVariable): Law {
  const variable = scaleVariables[v];
  return {
    id: `power-law-${v}`,
    title: `Power law plus constant in ${v}`,
    citation: [hestness, henighan],
    formula: { text: `L = E + A * ${v}^(-alpha)`, latex: `L = E + A\\,${v}^{-\\alpha}` },
    variables: [variable],
    response: loss,
    parameters: [
      { name: 'E', latex: 'E', description: 'irreducible loss', lower: 1e-9, upper: 1e6, scale: 'log', starts: [0.5, 1, 2] },
      { name: 'A', latex: 'A', description: 'scale of the reducible term', lower: 1e-30, upper: 1e100, scale: 'log', starts: [1e1, 1e3, 1e5] },
      { name: 'alpha', latex: '\\alpha', description: `exponent of ${v}`, lower: 0, upper: 3, scale: 'linear', starts: exponentStarts },
    ],
    predict(x, p) {
      return p[0] + p[1] * Math.pow(x[0], -p[2]);
    },
    gradient(x, p, grad) {
      const t = Math.pow(x[0], -p[2]);
      grad[0] = 1;
      grad[1] = t;
      grad[2] = -p[1] * t * Math.log(x[0]);
      return p[0] + p[1] * t;
    },
    compile(columns, space) {
      const lx = logColumn(columns[0]);
      const n = lx.length;
      // log L = LSE(e, a − α·log x): the irreducible and reducible terms as weights of a softmax.
      return modelFromLogKernel(n, 3, space, (theta, out, jac) => {
        const e = theta[0];
        const a = theta[1];
        const alpha = theta[2];
        let check = 0;
        for (let i = 0; i < n; i++) {
          const t = a - alpha * lx[i];
          const m = t > e ? t : e;
          const we = Math.exp(e - m);
          const wt = Math.exp(t - m);
          const s = we + wt;
          const lse = m + Math.log(s);
          out[i] = lse;
          check += lse;
          if (jac) {
            const inv = 1 / s;
            const k = i * 3;
            jac[k] = we * inv;
            jac[k + 1] = wt * inv;
            jac[k + 2] = -wt * inv * lx[i];
          }
        }
        return Number.isFinite(check);
      });
    },
    startGrid(data) {
      const x = column(data, v);
      const l = column(data, 'L');
      const lMin = minOf(l);
      const lMean = meanOf(l);
      const mlx = meanLog(x);
      // A is placed so each start passes through the centroid of the data: only E and α are searched.
      return productGrid([[0.3 * lMin, 0.6 * lMin, 0.9 * lMin], exponentStarts]).map(([e, alpha]) => [
        e,
        Math.exp(Math.log(lMean - e) + alpha * mlx),
        alpha,
      ]);
    },
    derived: [
      {
        id: `${v}_for_target`,
        title: `${v} to reach a target loss`,
        description: `The ${variable.description} at which the fitted curve reaches the target loss; undefined at or below E.`,
        unit: variable.unit,
        inputs: [{ name: 'target', description: 'target loss' }],
        compute(p, inputs) {
          const gap = inputs.target - p.E;
          return gap > 0 ? Math.pow(p.A / gap, 1 / p.alpha) : NaN;
        },
      },
    ],
  };
}

export function purePowerLaw(v: ScaleVariable): Law {
  const variable = scaleVariables[v];
  return {
    id: `pure-power-law-${v}`,
    title: `Pure power law in ${v}`,
    citation: [hestness],
    formula: { text: `L = A * ${v}^(-alpha)`, latex: `L = A\\,${v}^{-\\alpha}` },
    variables: [variable],
    response: loss,
    parameters: [
      { name: 'A', latex: 'A', description: 'scale', lower: 1e-30, upper: 1e100, scale: 'log', starts: [1, 1e2, 1e4] },
      { name: 'alpha', latex: '\\alpha', description: `exponent of ${v}`, lower: 0, upper: 3, scale: 'linear', starts: exponentStarts },
    ],
    predict(x, p) {
      return p[0] * Math.pow(x[0], -p[1]);
    },
    gradient(x, p, grad) {
      const t = Math.pow(x[0], -p[1]);
      grad[0] = t;
      grad[1] = -p[0] * t * Math.log(x[0]);
      return p[0] * t;
    },
    compile(columns, space) {
      const lx = logColumn(columns[0]);
      const n = lx.length;
      return modelFromLogKernel(n, 2, space, (theta, out, jac) => {
        const a = theta[0];
        const alpha = theta[1];
        for (let i = 0; i < n; i++) {
          out[i] = a - alpha * lx[i];
          if (jac) {
            jac[2 * i] = 1;
            jac[2 * i + 1] = -lx[i];
          }
        }
        return Number.isFinite(a) && Number.isFinite(alpha);
      });
    },
    startGrid(data: DataColumns) {
      const mlx = meanLog(column(data, v));
      const mll = meanLog(column(data, 'L'));
      return exponentStarts.map((alpha) => [Math.exp(mll + alpha * mlx), alpha]);
    },
    derived: [
      {
        id: `${v}_for_target`,
        title: `${v} to reach a target loss`,
        description: `The ${variable.description} at which the fitted curve reaches the target loss.`,
        unit: variable.unit,
        inputs: [{ name: 'target', description: 'target loss' }],
        compute(p, inputs) {
          return inputs.target > 0 ? Math.pow(p.A / inputs.target, 1 / p.alpha) : NaN;
        },
      },
    ],
  };
}

export const powerLawN = powerLawPlusConstant('N');
export const powerLawD = powerLawPlusConstant('D');
export const powerLawC = powerLawPlusConstant('C');
export const purePowerLawN = purePowerLaw('N');
export const purePowerLawD = purePowerLaw('D');
export const purePowerLawC = purePowerLaw('C');
