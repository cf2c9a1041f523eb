import type { DerivedInput, DerivedQuantity, Law, ParamValues, Variable } from './law';
import { productGrid } from './law';
import { annealingAreas, defaultAnnealingDecay, schedule, type AreaOptions, type ScheduleSpec } from './lrSchedule';
import { fastExp } from './fastExp';
import { column, logColumn, meanLog, meanOf, minOf } from './kernel';
import { loss } from './variables';

export { annealingAreas, areasAtSteps, schedule, warmupLength } from './lrSchedule';
export type { AreaOptions, Areas, ScheduleSpec } from './lrSchedule';

/**
 * The loss over a whole training curve under any learning-rate schedule (Tissue, Wang and Wang
 * 2024, "Scaling Law with Learning Rate Annealing", arXiv:2408.11029):
 *   L(s) = L0 + A·S1^(−α) − C·S2
 * with S1 the forward area and S2 the annealing area of the schedule up to step s (see
 * lrSchedule.ts). Every logged point of a curve is a data point, so one or two curves fit the
 * law, and the fitted law predicts the curve of any other schedule.
 */

const forwardArea: Variable = {
  name: 'S1',
  description: 'forward area: the sum of the learning rates up to this step',
  domain: 'positive',
};

const annealingArea: Variable = {
  name: 'S2',
  description: 'annealing area: the learning-rate decrease accumulated with momentum λ',
  // Re-warming the learning rate makes it negative, and the law still applies.
  domain: 'real',
};

const alphaStarts = [0.3, 0.6, 1];

/** L at every step of a schedule, from fitted parameters. */
export function predictLossCurve(p: ParamValues, lr: ArrayLike<number>, options: AreaOptions = {}): Float64Array {
  const { S1, S2 } = annealingAreas(lr, options);
  return Float64Array.from(S1, (s1, i) => p.L0 + p.A * Math.pow(s1, -p.alpha) - p.C * S2[i]);
}

const scheduleInputs: DerivedInput[] = [
  { name: 'steps', description: 'total optimizer steps of the planned run' },
  { name: 'peak_lr', description: 'peak learning rate of the planned run' },
  { name: 'warmup', description: 'linear warmup steps', default: 0 },
  { name: 'min_lr', description: 'final learning rate', default: 0 },
  { name: 'lambda', description: 'momentum λ of the annealing area', default: defaultAnnealingDecay },
];

/** The areas at the last step of a schedule; memoized, as the bootstrap asks once per resample. */
function finalAreas(): (spec: ScheduleSpec, decay: number) => { S1: number; S2: number } {
  let key = '';
  let value = { S1: NaN, S2: NaN };
  return (spec, decay) => {
    const k = JSON.stringify([spec, decay]);
    if (k !== key) {
      const lr = schedule(spec);
      const areas = annealingAreas(lr, { decay });
      const last = lr.length - 1;
      value = last >= 0 ? { S1: areas.S1[last], S2: areas.S2[last] } : { S1: NaN, S2: NaN };
      key = k;
    }
    return value;
  };
}

function finalLoss(id: string, title: string, description: string, extra: DerivedInput[], spec: (x: Readonly<Record<string, number>>) => ScheduleSpec): DerivedQuantity {
  const areas = finalAreas();
  return {
    id,
    title,
    description,
    unit: 'nats/token',
    inputs: [...scheduleInputs, ...extra],
    compute(p, x) {
      if (!(x.steps >= 1 && x.peak_lr > 0)) return NaN;
      const a = areas(spec(x), x.lambda);
      return p.L0 + p.A * Math.pow(a.S1, -p.alpha) - p.C * a.S2;
    },
  };
}

const common = (x: Readonly<Record<string, number>>) => ({ steps: x.steps, peakLr: x.peak_lr, warmup: x.warmup, minLr: x.min_lr });

export const lrAnnealing: Law = {
  id: 'lr-annealing',
  title: 'LR-annealing law: loss over a training curve',
  citation: [
    {
      authors: 'Tissue, Wang, Wang',
      year: 2024,
      title: 'Scaling Law with Learning Rate Annealing',
      url: 'https://arxiv.org/abs/2408.11029',
    },
  ],
  formula: { text: 'L = L0 + A * S1^(-alpha) - C * S2', latex: 'L = L_0 + A\\,S_1^{-\\alpha} - C\\,S_2' },
  variables: [forwardArea, annealingArea],
  response: loss,
  parameters: [
    { name: 'L0', latex: 'L_0', description: 'loss with unlimited forward area', lower: 1e-6, upper: 1e3, scale: 'log', starts: [0.5, 1, 2] },
    { name: 'A', latex: 'A', description: 'scale of the forward (power-law) term', lower: 1e-12, upper: 1e12, scale: 'log', starts: [0.1, 1, 10] },
    { name: 'alpha', latex: '\\alpha', description: 'exponent of the forward area', lower: 0, upper: 5, scale: 'linear', starts: alphaStarts },
    { name: 'C', latex: 'C', description: 'loss drop per unit of annealing area', lower: 0, upper: 1e6, scale: 'linear', starts: [0, 1] },
  ],
  predict(x, p) {
    return p[0] + p[1] * Math.pow(x[0], -p[2]) - p[3] * x[1];
  },
  gradient(x, p, grad) {
    const t = Math.pow(x[0], -p[2]);
    grad[0] = 1;
    grad[1] = t;
    grad[2] = -p[1] * t * Math.log(x[0]);
    grad[3] = -x[1];
    return p[0] + p[1] * t - p[3] * x[1];
  },
  compile(columns, space) {
    const ls1 = logColumn(columns[0]);
    const s2 = columns[1];
    const n = ls1.length;
    if (space === 'linear') {
      return {
        n,
        evaluate(theta, out, jac) {
          const l0 = Math.exp(theta[0]);
          const a = Math.exp(theta[1]);
          const alpha = theta[2];
          const c = theta[3];
          for (let i = 0; i < n; i++) {
            const t = a * fastExp(-alpha * ls1[i]);
            out[i] = l0 + t - c * s2[i];
            if (jac) {
              const k = 4 * i;
              jac[k] = l0;
              jac[k + 1] = t;
              jac[k + 2] = -t * ls1[i];
              jac[k + 3] = -s2[i];
            }
          }
          return Number.isFinite(l0 + a + alpha + c);
        },
      };
    }
    return {
      n,
      evaluate(theta, out, jac) {
        const l0 = Math.exp(theta[0]);
        const a = Math.exp(theta[1]);
        const alpha = theta[2];
        const c = theta[3];
        for (let i = 0; i < n; i++) {
          const t = a * fastExp(-alpha * ls1[i]);
          const f = l0 + t - c * s2[i];
          if (!(f > 0)) return false;
          out[i] = Math.log(f);
          if (jac) {
            const inv = 1 / f;
            const k = 4 * i;
            jac[k] = l0 * inv;
            jac[k + 1] = t * inv;
            jac[k + 2] = -t * ls1[i] * inv;
            jac[k + 3] = -s2[i] * inv;
          }
        }
        return Number.isFinite(l0 + a + alpha + c);
      },
    };
  },
  startGrid(data) {
    const s1 = column(data, 'S1');
    const s2 = column(data, 'S2');
    const l = column(data, 'L');
    const lMin = minOf(l);
    const lMean = meanOf(l);
    const mls1 = meanLog(s1);
    return productGrid([[0.3 * lMin, 0.6 * lMin, 0.9 * lMin], alphaStarts]).map(([l0, alpha]) => {
      // A passes the curve through the centroid; C is then the least-squares slope of what is left on S2.
      const a = (lMean - l0) * Math.exp(alpha * mls1);
      let num = 0;
      let den = 0;
      for (let i = 0; i < l.length; i++) {
        num += (l0 + a * Math.pow(s1[i], -alpha) - l[i]) * s2[i];
        den += s2[i] * s2[i];
      }
      return [l0, a, alpha, den > 0 ? Math.max(0, num / den) : 0];
    });
  },
  derived: [
    finalLoss('L_final_constant', 'Final loss, constant schedule', 'Predicted loss at the last step of a run at the constant peak learning rate (after warmup).', [], (x) => ({
      kind: 'constant',
      ...common(x),
    })),
    finalLoss('L_final_cosine', 'Final loss, cosine schedule', 'Predicted loss at the last step of a cosine schedule from the peak down to min_lr.', [], (x) => ({
      kind: 'cosine',
      ...common(x),
    })),
    finalLoss(
      'L_final_wsd',
      'Final loss, WSD schedule',
      'Predicted loss at the last step of a warmup–stable–decay schedule with a linear cooldown over the last cooldown_fraction of steps.',
      [{ name: 'cooldown_fraction', description: 'fraction of the post-warmup steps spent cooling down', default: 0.2 }],
      (x) => ({ kind: 'wsd', ...common(x), cooldownFraction: x.cooldown_fraction }),
    ),
  ],
};
