import type { Citation, Law } from './law';
import { productGrid } from './law';
import { column, logColumn, meanLog, modelFromLogKernel } from './kernel';
import { loss, modelSize, scaleVariables, trainingTokens, type ScaleVariable } from './variables';

/**
 * Kaplan et al. (2020): L(X) = (X_c/X)^α_X for X = N, D or C (their eqs. 1.1–1.3), and
 *   L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D   (eq. 1.5).
 * Both are linear or log-sum-exp in log space with θ = (log X_c, α).
 */

const kaplanCitation: Citation = {
  authors: 'Kaplan, McCandlish, Henighan, Brown, Chess, Child, Gray, Radford, Wu, Amodei',
  year: 2020,
  title: 'Scaling Laws for Neural Language Models',
  url: 'https://arxiv.org/abs/2001.08361',
};

/** Their Table 2; C_c is converted from PF-days (3.1e8) to FLOPs (1 PF-day = 8.64e19 FLOPs). */
const published: Record<ScaleVariable, { Xc: number; alpha: number; source: string }> = {
  N: { Xc: 8.8e13, alpha: 0.076, source: 'Kaplan et al. 2020, eq. 1.1 (non-embedding parameters)' },
  D: { Xc: 5.4e13, alpha: 0.095, source: 'Kaplan et al. 2020, eq. 1.2' },
  C: { Xc: 3.1e8 * 8.64e19, alpha: 0.05, source: 'Kaplan et al. 2020, eq. 1.3 (C_min)' },
};

const exponentStarts = [0.03, 0.1, 0.3];

export function kaplanSingle(v: ScaleVariable): Law {
  const variable = scaleVariables[v];
  const xc = `${v}_c`;
  const alpha = `alpha_${v}`;
  return {
    id: `kaplan-${v}`,
    title: `Kaplan L(${v})`,
    citation: [kaplanCitation],
    formula: { text: `L = (${xc} / ${v})^${alpha}`, latex: `L = \\left(\\frac{${v}_c}{${v}}\\right)^{\\alpha_${v}}` },
    variables: [variable],
    response: loss,
    parameters: [
      { name: xc, latex: `${v}_c`, description: `critical ${variable.description}`, lower: 1e-30, upper: 1e100, scale: 'log', starts: [1e10, 1e14, 1e18] },
      { name: alpha, latex: `\\alpha_${v}`, description: `exponent of ${v}`, lower: 0, upper: 3, scale: 'linear', starts: exponentStarts },
    ],
    predict(x, p) {
      return Math.pow(p[0] / x[0], p[1]);
    },
    gradient(x, p, grad) {
      const f = Math.pow(p[0] / x[0], p[1]);
      grad[0] = (f * p[1]) / p[0];
      grad[1] = f * Math.log(p[0] / x[0]);
      return f;
    },
    compile(columns, space) {
      const lx = logColumn(columns[0]);
      const n = lx.length;
      return modelFromLogKernel(n, 2, space, (theta, out, jac) => {
        const logXc = theta[0];
        const a = theta[1];
        for (let i = 0; i < n; i++) {
          out[i] = a * (logXc - lx[i]);
          if (jac) {
            jac[2 * i] = a;
            jac[2 * i + 1] = logXc - lx[i];
          }
        }
        return Number.isFinite(logXc) && Number.isFinite(a);
      });
    },
    startGrid(data) {
      const mlx = meanLog(column(data, v));
      const mll = meanLog(column(data, 'L'));
      // X_c is placed so each start passes through the centroid of the data.
      return exponentStarts.map((a) => [Math.exp(mll / a + mlx), a]);
    },
    derived: [
      {
        id: `${v}_for_target`,
        title: `${v} to reach a target loss`,
        description: `The ${variable.description} at which the fitted curve reaches the target loss.`,
        unit: variable.unit,
        inputs: [{ name: 'target', description: 'target loss' }],
        compute(p, inputs) {
          return inputs.target > 0 ? p[xc] * Math.pow(inputs.target, -1 / p[alpha]) : NaN;
        },
      },
    ],
    published: { params: { [xc]: published[v].Xc, [alpha]: published[v].alpha }, source: published[v].source },
  };
}

export const kaplanN = kaplanSingle('N');
export const kaplanD = kaplanSingle('D');
export const kaplanC = kaplanSingle('C');

const jointExponentStarts = [0.05, 0.1, 0.3];

export const kaplanND: Law = {
  id: 'kaplan-ND',
  title: 'Kaplan L(N, D)',
  citation: [kaplanCitation],
  formula: {
    text: 'L = ((N_c / N)^(alpha_N / alpha_D) + D_c / D)^alpha_D',
    latex: 'L = \\left[\\left(\\frac{N_c}{N}\\right)^{\\alpha_N/\\alpha_D} + \\frac{D_c}{D}\\right]^{\\alpha_D}',
  },
  variables: [modelSize, trainingTokens],
  response: loss,
  parameters: [
    { name: 'N_c', latex: 'N_c', description: 'critical model size', lower: 1e-30, upper: 1e100, scale: 'log', starts: [1e12, 1e14, 1e16] },
    { name: 'D_c', latex: 'D_c', description: 'critical data size', lower: 1e-30, upper: 1e100, scale: 'log', starts: [1e11, 1e13, 1e15] },
    // α_D divides α_N, so it stays away from zero.
    { name: 'alpha_N', latex: '\\alpha_N', description: 'model-size exponent', lower: 1e-4, upper: 3, scale: 'linear', starts: jointExponentStarts },
    { name: 'alpha_D', latex: '\\alpha_D', description: 'data exponent', lower: 1e-4, upper: 3, scale: 'linear', starts: jointExponentStarts },
  ],
  predict(x, p) {
    return Math.pow(Math.pow(p[0] / x[0], p[2] / p[3]) + p[1] / x[1], p[3]);
  },
  gradient(x, p, grad) {
    const [Nc, Dc, aN, aD] = [p[0], p[1], p[2], p[3]];
    const r = aN / aD;
    const logRatio = Math.log(Nc / x[0]);
    const tn = Math.pow(Nc / x[0], r);
    const inner = tn + Dc / x[1];
    const f = Math.pow(inner, aD);
    // f = inner^αD, so ∂f = f·αD/inner·∂inner, plus ∂f/∂αD's direct log(inner) term.
    const k = (f * aD) / inner;
    grad[0] = (k * tn * r) / Nc;
    grad[1] = k / x[1];
    grad[2] = (k * tn * logRatio) / aD;
    grad[3] = f * Math.log(inner) - (k * tn * logRatio * r) / aD;
    return f;
  },
  compile(columns, space) {
    const ln = logColumn(columns[0]);
    const ld = logColumn(columns[1]);
    const n = ln.length;
    return modelFromLogKernel(n, 4, space, (theta, out, jac) => {
      const nc = theta[0];
      const dc = theta[1];
      const aN = theta[2];
      const aD = theta[3];
      const r = aN / aD;
      let check = 0;
      for (let i = 0; i < n; i++) {
        const gapN = nc - ln[i];
        const u1 = r * gapN;
        const u2 = dc - ld[i];
        const m = u1 > u2 ? u1 : u2;
        const w1 = Math.exp(u1 - m);
        const w2 = Math.exp(u2 - m);
        const s = w1 + w2;
        const lse = m + Math.log(s);
        out[i] = aD * lse;
        check += lse;
        if (jac) {
          const p1 = w1 / s;
          const p2 = w2 / s;
          const k = i * 4;
          jac[k] = aN * p1;
          jac[k + 1] = aD * p2;
          jac[k + 2] = p1 * gapN;
          jac[k + 3] = lse - p1 * r * gapN;
        }
      }
      return Number.isFinite(check) && Number.isFinite(aD);
    });
  },
  startGrid(data) {
    const mln = meanLog(column(data, 'N'));
    const mld = meanLog(column(data, 'D'));
    const mll = meanLog(column(data, 'L'));
    // Each start splits the centroid's loss evenly between the two terms.
    return productGrid([jointExponentStarts, jointExponentStarts]).map(([aN, aD]) => {
      const half = mll / aD - Math.LN2;
      return [Math.exp(mln + half / (aN / aD)), Math.exp(mld + half), aN, aD];
    });
  },
  derived: [],
  published: {
    params: { N_c: 6.4e13, D_c: 1.8e13, alpha_N: 0.076, alpha_D: 0.103 },
    source: 'Kaplan et al. 2020, eq. 1.5 and Table 2',
  },
};
