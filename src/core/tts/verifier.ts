import { bootstrapMean, type BootstrapOptions } from './bootstrap';
import { buildCurves } from './curves';
import type { CurveEstimate } from './parallel';
import type { ConfigTable } from './table';

/**
 * Imperfect verifiers ("Inference Scaling fLaws", Stroebl et al. 2024). A verifier accepts a
 * sample when its score reaches a threshold. Resampling until the verifier accepts does not
 * approach 100% accuracy: a wrong sample that slips through (a false positive) is as final as
 * a right one, so for a problem whose samples are accepted a_c times right and a_w times wrong
 * the limit is a_c / (a_c + a_w). The mean of that over problems is the accuracy ceiling.
 */

export interface VerifierQuality {
  threshold: number;
  /** Right samples accepted / right samples. */
  truePositiveRate: number;
  /** Wrong samples accepted / wrong samples. */
  falsePositiveRate: number;
  /** Right samples among accepted ones. */
  precision: number;
  /** Accuracy that resampling until acceptance reaches as k grows, with its interval. */
  ceiling: { value: number; lo: number; hi: number };
  /** Problems where the verifier never accepts anything (resampling finds no answer). */
  neverAccepted: number;
  samples: number;
}

export const DEFAULT_ACCEPT_THRESHOLD = 0.5;

interface Tally {
  right: number;
  wrong: number;
  rightAccepted: number;
  wrongAccepted: number;
}

function tally(t: ConfigTable, i: number, threshold: number): Tally {
  const out: Tally = { right: 0, wrong: 0, rightAccepted: 0, wrongAccepted: 0 };
  for (let j = t.start[i]; j < t.start[i + 1]; j++) {
    const c = t.correct[j];
    const s = t.verifier[j];
    if (c < 0 || Number.isNaN(s)) continue;
    const accepted = s >= threshold;
    if (c === 1) {
      out.right++;
      if (accepted) out.rightAccepted++;
    } else {
      out.wrong++;
      if (accepted) out.wrongAccepted++;
    }
  }
  return out;
}

export function verifierQuality(t: ConfigTable, problems: Int32Array, threshold = DEFAULT_ACCEPT_THRESHOLD, options: BootstrapOptions = {}): VerifierQuality {
  let right = 0;
  let wrong = 0;
  let ra = 0;
  let wa = 0;
  let never = 0;
  const ceiling: number[] = [];
  for (const i of problems) {
    const x = tally(t, i, threshold);
    if (x.right + x.wrong === 0) continue;
    right += x.right;
    wrong += x.wrong;
    ra += x.rightAccepted;
    wa += x.wrongAccepted;
    const accepted = x.rightAccepted + x.wrongAccepted;
    if (accepted === 0) never++;
    ceiling.push(accepted ? x.rightAccepted / accepted : 0);
  }
  const ci = bootstrapMean(Float64Array.from(ceiling), options);
  return {
    threshold,
    truePositiveRate: right ? ra / right : NaN,
    falsePositiveRate: wrong ? wa / wrong : NaN,
    precision: ra + wa ? ra / (ra + wa) : NaN,
    ceiling: ci,
    neverAccepted: never,
    samples: right + wrong,
  };
}

/**
 * Accuracy of "draw k, answer with the first the verifier accepts, else any drawn" for
 * k = 1..K, exact: with A accepted samples of which a_c right, some accepted one is drawn with
 * probability 1 − C(n−A, k)/C(n, k), and by symmetry it is right with probability a_c/A;
 * otherwise the answer is a random unaccepted sample, right with probability (c − a_c)/(n − A).
 */
export function acceptFirstEstimate(t: ConfigTable, K: number, problems: Int32Array, threshold = DEFAULT_ACCEPT_THRESHOLD): CurveEstimate {
  const tallies = Array.from(problems, (i) => tally(t, i, threshold));
  const curves = buildCurves(
    problems.length,
    K,
    (p) => {
      const x = tallies[p];
      return `${x.right},${x.wrong},${x.rightAccepted},${x.wrongAccepted}`;
    },
    (p, out) => {
      const x = tallies[p];
      const n = x.right + x.wrong;
      const A = x.rightAccepted + x.wrongAccepted;
      const pAccepted = A ? x.rightAccepted / A : 0;
      const pRest = n - A ? (x.right - x.rightAccepted) / (n - A) : 0;
      let none = 1;
      for (let k = 1; k <= K; k++) {
        none *= Math.max(0, n - A - k + 1) / (n - k + 1);
        out[k - 1] = (1 - none) * pAccepted + none * pRest;
      }
    },
  );
  return {
    metric: 'verify@k',
    curves,
    problems,
    rules: [`first sample the verifier accepts (score ≥ ${threshold}), else a random drawn one; exact`],
  };
}
