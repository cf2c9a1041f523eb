/**
 * Learning-rate schedules and the two areas the LR-annealing law is written in (Tissue et al.
 * 2024, "Scaling Law with Learning Rate Annealing", arXiv:2408.11029):
 *   S1(s) = Σ_{i=1..s} η_i                                (forward area)
 *   S2(s) = Σ_{i=1..s} m_i,  m_i = λ·m_{i−1} + (η_{i−1} − η_i)   (annealing area, with momentum)
 * λ is the paper's decay factor (0.999 by default there). The paper's abstract and law were
 * checked against the arXiv text; the momentum form of S2 and the 0.999 default are as we read
 * them in the paper's section 3 and could not be re-checked against a stored copy of that
 * section. Warmup: rising learning rates would make S2 negative, so the steps up to the peak
 * of the initial warmup contribute to S1 only — our choice, not checked against the paper.
 *
 * A schedule here is the learning rate of every optimizer step, `lr[i]` being η_{i+1}.
 */

export const defaultAnnealingDecay = 0.999;

export interface ScheduleCommon {
  /** Total optimizer steps. */
  steps: number;
  peakLr: number;
  /** Linear warmup from 0 over this many steps. Default 0. */
  warmup?: number;
}

export type ScheduleSpec =
  | ({ kind: 'constant' } & ScheduleCommon)
  | ({ kind: 'cosine'; minLr?: number } & ScheduleCommon)
  | ({ kind: 'linear'; minLr?: number } & ScheduleCommon)
  /** Warmup–stable–decay: constant at the peak, then a cooldown over the last `cooldownFraction` of steps. */
  | ({ kind: 'wsd'; cooldownFraction: number; minLr?: number; cooldownShape?: 'linear' | 'cosine' } & ScheduleCommon);

/** The learning rate of every step of a schedule. */
export function schedule(spec: ScheduleSpec): Float64Array {
  const steps = Math.max(0, Math.floor(spec.steps));
  const warmup = Math.min(steps, Math.max(0, Math.floor(spec.warmup ?? 0)));
  const out = new Float64Array(steps);
  const minLr = spec.kind === 'constant' ? spec.peakLr : (spec.minLr ?? 0);
  const decaySteps = steps - warmup;
  const cooldown = spec.kind === 'wsd' ? Math.min(decaySteps, Math.round(spec.cooldownFraction * decaySteps)) : decaySteps;
  for (let i = 0; i < steps; i++) {
    const s = i + 1;
    if (s <= warmup) {
      out[i] = (spec.peakLr * s) / warmup;
      continue;
    }
    const t = s - warmup;
    switch (spec.kind) {
      case 'constant':
        out[i] = spec.peakLr;
        break;
      case 'cosine':
        out[i] = minLr + 0.5 * (spec.peakLr - minLr) * (1 + Math.cos((Math.PI * t) / decaySteps));
        break;
      case 'linear':
        out[i] = spec.peakLr - ((spec.peakLr - minLr) * t) / decaySteps;
        break;
      case 'wsd': {
        const into = t - (decaySteps - cooldown);
        if (into <= 0) out[i] = spec.peakLr;
        else {
          const x = into / cooldown;
          const shape = spec.cooldownShape === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * x)) : 1 - x;
          out[i] = minLr + (spec.peakLr - minLr) * shape;
        }
        break;
      }
    }
  }
  return out;
}

/** Steps of the initial warmup: the rising run from the first step up to its peak. */
export function warmupLength(lr: ArrayLike<number>): number {
  let k = 0;
  while (k + 1 < lr.length && lr[k + 1] > lr[k]) k++;
  return k > 0 ? k + 1 : 0;
}

export interface AreaOptions {
  /** λ, the momentum of the annealing area. Default 0.999. */
  decay?: number;
  /** Steps whose LR changes are left out of S2; default: the detected warmup. */
  warmup?: number;
}

export interface Areas {
  /** S1 and S2 after each step s = 1..T (index s − 1). */
  S1: Float64Array;
  S2: Float64Array;
}

/** S1 and S2 after every step of a schedule, in one pass. */
export function annealingAreas(lr: ArrayLike<number>, options: AreaOptions = {}): Areas {
  const n = lr.length;
  const decay = options.decay ?? defaultAnnealingDecay;
  const warmup = options.warmup ?? warmupLength(lr);
  const S1 = new Float64Array(n);
  const S2 = new Float64Array(n);
  let s1 = 0;
  let s2 = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    s1 += lr[i];
    const drop = i > 0 && i >= warmup ? lr[i - 1] - lr[i] : 0;
    m = decay * m + drop;
    s2 += m;
    S1[i] = s1;
    S2[i] = s2;
  }
  return { S1, S2 };
}

/** S1 and S2 at the given steps (1-based, as trainers log them; clamped into the schedule). */
export function areasAtSteps(lr: ArrayLike<number>, steps: ArrayLike<number>, options: AreaOptions = {}): Areas {
  const all = annealingAreas(lr, options);
  const S1 = new Float64Array(steps.length);
  const S2 = new Float64Array(steps.length);
  for (let k = 0; k < steps.length; k++) {
    const i = Math.min(lr.length, Math.max(1, Math.round(steps[k]))) - 1;
    S1[k] = all.S1[i];
    S2[k] = all.S2[i];
  }
  return { S1, S2 };
}
