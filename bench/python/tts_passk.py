"""The numpy code a notebook user would write for test-time scaling curves, as the baseline of
bench/tts-passk.ts: pass@k and exact majority@k for every k with 1,000-resample bootstrap
intervals over problems.

Reads a JSON job on stdin naming a raw file of answers (int16, problems x samples, -1 = no
answer, 0 = the correct answer) and a raw file of bootstrap draws (uint16, resamples x problems:
the same resamples the TypeScript side draws, so both intervals must agree exactly).
Prints one JSON object: wall times per stage and the curves.

- pass@k: 1 - C(n-c, k) / C(n, k) with scipy.special.comb, vectorised over problems, per k.
- majority@k: the same exact counting as the TypeScript side (a generating function over
  competitors, ties weighted by 1/(t+1) integrated with Gauss-Legendre), written directly:
  a Python loop over problems, numpy convolutions inside, no deduplication of problems.
- bootstrap: per resample, gather the resampled problems' curves and average them
  (`curves[idx].mean(axis=0)`), then numpy percentiles. A tuned variant (counts per problem
  by bincount, one matrix product) is timed too, for information.
"""
import json
import sys
import time

import numpy as np
from scipy.special import comb


def pass_at_k_curves(n, c, kmax):
    out = np.empty((len(n), kmax))
    for k in range(1, kmax + 1):
        out[:, k - 1] = 1.0 - comb(n - c, k) / comb(n, k)
    return out


def majority_exact(sizes, correct, abstain, kmax):
    n = int(sizes.sum()) + abstain
    wins = np.zeros(n + 1)
    for g in np.nonzero((correct > 0) & (sizes > 0))[0]:
        c = int(sizes[g])
        others = np.sort(np.delete(sizes, g))
        others = others[others > 0]
        rest = n - c
        crow = comb(c, np.arange(c + 1))
        rest_row = comb(rest, np.arange(rest + 1))
        max_other = int(others.max()) if len(others) else 0
        for x in range(max(1, max_other + 1), c + 1):
            wins[x:x + rest + 1] += crow[x] * rest_row
        for x in range(1, min(c, max_other) + 1):
            tied = others[others >= x]
            free = abstain + int(others[others < x].sum())
            q = (len(tied) + 2) // 2
            nodes, weights = np.polynomial.legendre.leggauss(q)
            d = None
            for u, w in zip((nodes + 1) / 2, weights / 2):
                poly = comb(free, np.arange(free + 1))
                for m in tied:
                    f = comb(int(m), np.arange(x + 1))
                    f[x] *= u
                    poly = np.convolve(poly, f)
                d = w * poly if d is None else d + w * poly
            wins[x:x + len(d)] += crow[x] * d[: n + 1 - x]
    total = comb(n, np.arange(n + 1))
    p = wins[1:kmax + 1] / total[1:kmax + 1]
    return np.where(p > 1 - 1e-13, 1.0, p)


def main():
    job = json.load(sys.stdin)
    P, N, B, K = job["problems"], job["samples"], job["resamples"], job["kmax"]
    answers = np.fromfile(job["answers"], dtype="<i2").reshape(P, N)
    draws = np.fromfile(job["draws"], dtype="<u2").reshape(B, P)
    level = job["level"]
    times = {}

    t0 = time.perf_counter()
    n = np.full(P, N)
    c = (answers == 0).sum(axis=1)
    pass_curves = pass_at_k_curves(n, c, K)
    times["pass_curves"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    maj_curves = np.empty((P, K))
    correct = np.zeros(job["answer_ids"], dtype=np.int64)
    correct[0] = 1
    for i in range(P):
        row = answers[i]
        sizes = np.bincount(row[row >= 0], minlength=job["answer_ids"])
        maj_curves[i] = majority_exact(sizes, correct, int((row < 0).sum()), K)
    times["majority_curves"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    boot = {}
    for name, curves in (("pass@k", pass_curves), ("maj@k", maj_curves)):
        means = np.empty((B, K))
        for b in range(B):
            means[b] = curves[draws[b]].mean(axis=0)
        lo, hi = np.percentile(means, [100 * (1 - level) / 2, 100 * (1 + level) / 2], axis=0)
        boot[name] = {"value": curves.mean(axis=0).tolist(), "lo": lo.tolist(), "hi": hi.tolist()}
    times["bootstrap"] = time.perf_counter() - t0
    times["total"] = times["pass_curves"] + times["majority_curves"] + times["bootstrap"]

    # Tuned variant of the bootstrap alone: resample counts per problem, one matrix product.
    t0 = time.perf_counter()
    counts = np.zeros((B, P))
    for b in range(B):
        counts[b] = np.bincount(draws[b], minlength=P)
    tuned = {}
    for name, curves in (("pass@k", pass_curves), ("maj@k", maj_curves)):
        means = counts @ curves / P
        lo, hi = np.percentile(means, [100 * (1 - level) / 2, 100 * (1 + level) / 2], axis=0)
        tuned[name] = {"lo": lo.tolist(), "hi": hi.tolist()}
    times["bootstrap_tuned"] = time.perf_counter() - t0

    print(json.dumps({"numpy": np.__version__, "times": times, "curves": boot, "tuned": tuned}))


if __name__ == "__main__":
    main()
