"""A careful scipy Chinchilla fit of any CSV, to hold `scaling-lens fit FILE --law chinchilla`
against: Besiroglu et al. (2024)'s objective (Huber, delta 1e-3, on log-space residuals of the
log-sum-exp form), their 4,500-start grid, scipy's L-BFGS-B with the analytic gradient run to
ftol 1e-15 / gtol 1e-10.

    python3 bench/python/fit_csv_scipy.py FILE.csv [N_COLUMN D_COLUMN LOSS_COLUMN]

Columns default to the first of `Model Size`/`params`/`N`, `Training Tokens`/`tokens`/`D`, and
`loss`/`Loss`/`L`. Prints the objective (the sum the CLI's --json reports as `objective`) and
the fitted E, A, B, alpha, beta.
"""
import csv
import itertools
import sys
import time

import numpy as np
from scipy.optimize import minimize

from fit_chinchilla_scipy import make_objective


def column(rows, names):
    for name in names:
        if name in rows[0]:
            return np.array([float(r[name]) for r in rows])
    raise SystemExit(f'none of the columns {names} in the file (has {list(rows[0])})')


def main():
    rows = list(csv.DictReader(open(sys.argv[1], newline='')))
    if len(sys.argv) >= 5:
        n, d, loss = column(rows, [sys.argv[2]]), column(rows, [sys.argv[3]]), column(rows, [sys.argv[4]])
    else:
        n = column(rows, ['Model Size', 'params', 'n_params', 'N'])
        d = column(rows, ['Training Tokens', 'tokens', 'D'])
        loss = column(rows, ['loss', 'Loss', 'L'])
    objective = make_objective(np.log(n), np.log(d), np.log(loss), 1e-3)
    grid = itertools.product(np.arange(-1, 1.5, 0.5), np.arange(0, 30, 5), np.arange(0, 30, 5), np.arange(0, 2.5, 0.5), np.arange(0, 2.5, 0.5))
    best, starts, t0 = None, 0, time.time()
    with np.errstate(all='ignore'):
        for x0 in grid:
            starts += 1
            r = minimize(objective, np.array(x0), jac=True, method='L-BFGS-B', options={'ftol': 1e-15, 'gtol': 1e-10, 'maxiter': 15000})
            if np.isfinite(r.fun) and (best is None or r.fun < best.fun):
                best = r
    e, a, b, alpha, beta = best.x
    print(f'objective {float(best.fun)!r} over {len(loss)} points, best of {starts} starts ({time.time() - t0:.1f} s)')
    print(f'E={float(np.exp(e))!r} A={float(np.exp(a))!r} B={float(np.exp(b))!r} alpha={float(alpha)!r} beta={float(beta)!r}')


if __name__ == '__main__':
    main()
