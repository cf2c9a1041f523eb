import { geometryOf } from '../laws/kernel';
import type { CompiledModel, HuberKernel } from '../laws/law';
import type { Objective, Residuals } from './optimizer';

/**
 * The two fitting criteria over a compiled model's residuals r_i = prediction_i − y_i (both in
 * the fit's space, usually log), each point weighted by how often a bootstrap resample drew it.
 */

/** Huber_δ(r): ½r² for |r| ≤ δ, δ·(|r| − ½δ) beyond; scipy.special.huber's definition. */
export function huber(delta: number, r: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** Σ w_i·Huber_δ(r_i), for L-BFGS-B (Hoffmann et al. 2022 approach 3); the law's fused kernel when it has one. */
export function huberObjective(model: CompiledModel, dim: number, y: Float64Array, weights: Float64Array | null, delta: number): Objective {
  return model.logHuber ? new FusedHuber(dim, model.logHuber(y, weights, delta)) : new HuberSum(model, dim, y, weights, delta);
}

/*
 * Classes rather than closures: the optimizer's call site then always meets the same few
 * functions, and V8 keeps it optimised across the thousands of fits of a bootstrap.
 */
class FusedHuber implements Objective {
  readonly geometry: Float64Array | null;

  constructor(
    readonly dim: number,
    private readonly kernel: HuberKernel,
  ) {
    this.geometry = geometryOf(kernel);
  }

  evaluate(theta: Float64Array, grad: Float64Array): number {
    return this.kernel.evaluate(theta, grad);
  }
}

class HuberSum implements Objective {
  private readonly pred: Float64Array;
  private readonly jac: Float64Array;

  constructor(
    private readonly model: CompiledModel,
    readonly dim: number,
    private readonly y: Float64Array,
    private readonly weights: Float64Array | null,
    private readonly delta: number,
  ) {
    this.pred = new Float64Array(model.n);
    this.jac = new Float64Array(model.n * dim);
  }

  evaluate(theta: Float64Array, grad: Float64Array): number {
    const { pred, jac, y, weights, delta, dim } = this;
    grad.fill(0);
    if (!this.model.evaluate(theta, pred, jac)) return Infinity;
    let f = 0;
    for (let i = 0; i < pred.length; i++) {
      const w = weights ? weights[i] : 1;
      const r = pred[i] - y[i];
      const c = Math.max(-delta, Math.min(delta, r));
      f += w * c * (r - 0.5 * c);
      const psi = w * c;
      for (let j = 0, row = i * dim; j < dim; j++) grad[j] += psi * jac[row + j];
    }
    return f;
  }
}

/** r_i·√w_i, for Levenberg–Marquardt on ½·Σ w_i·r_i². */
export function leastSquaresResiduals(model: CompiledModel, dim: number, y: Float64Array, weights: Float64Array | null): Residuals {
  const n = model.n;
  const root = weights ? Float64Array.from(weights, Math.sqrt) : null;
  return {
    m: n,
    dim,
    evaluate(theta, r, jac) {
      if (!model.evaluate(theta, r, jac)) return false;
      for (let i = 0; i < n; i++) {
        r[i] -= y[i];
        if (root) {
          const s = root[i];
          r[i] *= s;
          if (jac) for (let j = i * dim, end = j + dim; j < end; j++) jac[j] *= s;
        }
      }
      return true;
    },
  };
}
