import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeBounded } from '../../../src/core/fit/lbfgsb';
import { levenbergMarquardt } from '../../../src/core/fit/levenbergMarquardt';
import { defaultLineSearch, moreThuente } from '../../../src/core/fit/lineSearch';
import type { Objective, Residuals } from '../../../src/core/fit/optimizer';

const box = (n: number, lo: number, hi: number) => [new Float64Array(n).fill(lo), new Float64Array(n).fill(hi)] as const;

function rosenbrock(n: number): Objective {
  return {
    dim: n,
    evaluate(x, g) {
      g.fill(0);
      let f = 0;
      for (let i = 0; i < n - 1; i++) {
        const a = x[i + 1] - x[i] * x[i];
        const b = 1 - x[i];
        f += 100 * a * a + b * b;
        g[i] += -400 * a * x[i] - 2 * b;
        g[i + 1] += 200 * a;
      }
      return f;
    },
  };
}

test('L-BFGS-B finds the Rosenbrock minimum', () => {
  const [lo, hi] = box(10, -10, 10);
  const r = minimizeBounded(rosenbrock(10), new Float64Array(10).fill(-1.2), lo, hi);
  assert.equal(r.converged, true);
  for (const v of r.x) assert.ok(Math.abs(v - 1) < 1e-6, `${r.x}`);
  assert.ok(r.iterations < 200);
});

/** min (x − 2)² + (y + 1)² + x·y over [0, 1]²: the unconstrained optimum lies outside the box. */
const boundedQuadratic: Objective = {
  dim: 2,
  evaluate(x, g) {
    g[0] = 2 * (x[0] - 2) + x[1];
    g[1] = 2 * (x[1] + 1) + x[0];
    return (x[0] - 2) ** 2 + (x[1] + 1) ** 2 + x[0] * x[1];
  },
};

test('L-BFGS-B stops on an active bound with zero projected gradient', () => {
  const [lo, hi] = box(2, 0, 1);
  const r = minimizeBounded(boundedQuadratic, [0.5, 0.5], lo, hi);
  assert.deepEqual(Array.from(r.x), [1, 0]);
  assert.equal(r.projectedGradient, 0);
  assert.equal(r.converged, true);
});

test('L-BFGS-B steps back from where the objective is undefined', () => {
  // log barrier: undefined for x ≤ 0; the minimum of x − log x is at 1.
  const f: Objective = {
    dim: 1,
    evaluate(x, g) {
      g[0] = 1 - 1 / x[0];
      return x[0] > 0 ? x[0] - Math.log(x[0]) : NaN;
    },
  };
  const r = minimizeBounded(f, [30], new Float64Array([-100]), new Float64Array([100]));
  assert.ok(Math.abs(r.x[0] - 1) < 1e-6, `${r.x[0]}`);
});

test('an identity preconditioner leaves L-BFGS-B exactly as it was', () => {
  const [lo, hi] = box(6, -10, 10);
  const start = new Float64Array(6).fill(-1.2);
  const plain = minimizeBounded(rosenbrock(6), start, lo, hi);
  const identity = new Float64Array(36);
  for (let j = 0; j < 6; j++) identity[j * 6 + j] = 1;
  const same = minimizeBounded(rosenbrock(6), start, lo, hi, { preconditioner: identity });
  assert.deepEqual(Array.from(same.x), Array.from(plain.x));
  assert.equal(same.f, plain.f);
  assert.equal(same.evaluations, plain.evaluations);
});

test('a preconditioner that knows how two parameters trade off takes far fewer iterations', () => {
  // A robust (smoothed absolute) fit of y ≈ a − α·log N with log N in [18, 23]: a and α trade
  // off through log N's mean, and B = mean of (1, −log N)ᵀ(1, −log N) says so.
  const logN = Array.from({ length: 30 }, (_, i) => 18 + (5 * i) / 29);
  const y = logN.map((l) => 3 - 0.3 * l + 0.05 * Math.sin(7 * l));
  const objective: Objective = {
    dim: 2,
    evaluate(x, g) {
      let f = 0;
      g[0] = 0;
      g[1] = 0;
      for (let i = 0; i < logN.length; i++) {
        const r = x[0] - x[1] * logN[i] - y[i];
        const q = Math.sqrt(1e-4 + r * r);
        f += q;
        g[0] += r / q;
        g[1] -= (r / q) * logN[i];
      }
      return f;
    },
  };
  const mean = logN.reduce((s, v) => s + v, 0) / logN.length;
  const square = logN.reduce((s, v) => s + v * v, 0) / logN.length;
  const [lo, hi] = box(2, -1e6, 1e6);
  const opts = { gradientTolerance: 1e-8, objectiveTolerance: 0 };
  const plain = minimizeBounded(objective, [0, 0], lo, hi, opts);
  const shaped = minimizeBounded(objective, [0, 0], lo, hi, { ...opts, preconditioner: Float64Array.from([1, -mean, -mean, square]) });
  assert.equal(plain.converged && shaped.converged, true);
  assert.ok(Math.abs(shaped.f - plain.f) < 1e-12 * plain.f);
  assert.ok(2 * shaped.iterations <= plain.iterations, `${shaped.iterations} vs ${plain.iterations} iterations`);
});

test('with a preconditioner, L-BFGS-B still holds variables at their bounds', () => {
  // The bounded problem above, with a B that couples the two variables.
  const [lo, hi] = box(2, 0, 1);
  const r = minimizeBounded(boundedQuadratic, [0.5, 0.5], lo, hi, { preconditioner: Float64Array.from([1, -0.9, -0.9, 1]) });
  assert.deepEqual(Array.from(r.x), [1, 0]);
  assert.equal(r.converged, true);
});

test('a monitor that answers true stops L-BFGS-B after that iteration', () => {
  const [lo, hi] = box(4, -10, 10);
  const seen: number[] = [];
  const r = minimizeBounded(rosenbrock(4), new Float64Array(4).fill(-1.2), lo, hi, {
    monitor: (x, f, g, iteration) => {
      seen.push(iteration);
      return iteration === 3;
    },
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(r.reason, 'monitor');
  assert.equal(r.iterations, 3);
  assert.equal(r.converged, false);
});

test('L-BFGS-B reports an undefined start instead of iterating', () => {
  const f: Objective = { dim: 1, evaluate: () => NaN };
  const r = minimizeBounded(f, [0], new Float64Array([-1]), new Float64Array([1]));
  assert.equal(r.converged, false);
  assert.equal(r.reason, 'undefined-start');
});

test('the line search extrapolates a step that is too short, to one meeting the Wolfe conditions', () => {
  // φ(t) = (t − 30)² − 900 from t = 0: slope −60, and at t = 1 still −58 (too steep to stop).
  const line = {
    slope: 0,
    value(t: number) {
      this.slope = 2 * (t - 30);
      return (t - 30) ** 2 - 900;
    },
  };
  const r = moreThuente(line, 0, -60, 1, 1000);
  const c = defaultLineSearch;
  assert.equal(r.status, 'wolfe');
  assert.ok(r.stp > 1);
  assert.ok((r.stp - 30) ** 2 - 900 <= c.c1 * r.stp * -60, 'sufficient decrease');
  assert.ok(2 * (r.stp - 30) >= c.c2 * -60, 'curvature');
});

test('the line search stops at the largest allowed step while the function still falls', () => {
  const line = {
    slope: 0,
    value(t: number) {
      this.slope = -1;
      return -t;
    },
  };
  const r = moreThuente(line, 0, -1, 1, 5);
  assert.equal(r.status, 'bound');
  assert.equal(r.stp, 5);
});

test('Levenberg–Marquardt recovers an exponential decay exactly from clean data', () => {
  const t = Float64Array.from({ length: 20 }, (_, i) => i / 4);
  const y = Float64Array.from(t, (v) => 3 * Math.exp(-0.7 * v) + 0.5);
  const res: Residuals = {
    m: t.length,
    dim: 3,
    evaluate(p, r, jac) {
      for (let i = 0; i < t.length; i++) {
        const e = Math.exp(-p[1] * t[i]);
        r[i] = p[0] * e + p[2] - y[i];
        if (jac) {
          jac[i * 3] = e;
          jac[i * 3 + 1] = -p[0] * t[i] * e;
          jac[i * 3 + 2] = 1;
        }
      }
      return true;
    },
  };
  const r = levenbergMarquardt(res, [1, 0.1, 0], new Float64Array([-10, 0, -10]), new Float64Array([10, 5, 10]));
  assert.equal(r.converged, true);
  assert.ok(Math.abs(r.x[0] - 3) < 1e-8 && Math.abs(r.x[1] - 0.7) < 1e-8 && Math.abs(r.x[2] - 0.5) < 1e-8, `${r.x}`);
  assert.ok(r.f < 1e-20);
});

test('Levenberg–Marquardt respects bounds', () => {
  // Fit y = a with data at 5, but a ≤ 2.
  const res: Residuals = {
    m: 3,
    dim: 1,
    evaluate(p, r, jac) {
      for (let i = 0; i < 3; i++) {
        r[i] = p[0] - 5;
        if (jac) jac[i] = 1;
      }
      return true;
    },
  };
  const r = levenbergMarquardt(res, [0], new Float64Array([-2]), new Float64Array([2]));
  assert.equal(r.x[0], 2);
  assert.equal(r.converged, true);
});
