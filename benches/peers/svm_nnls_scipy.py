#!/usr/bin/env python3
"""A float peer of ibias's exact l2 oracle (docs/speed.md, "The oracle against scipy's NNLS").

The hard-margin SVM without intercept, min ||w||^2 / 2 subject to z_n.w >= 1 with
z_n = y_n x_n, is a least-distance problem (LDP: minimize ||w|| subject to G w >= h with
G = Z, h = 1). Lawson and Hanson (Solving Least Squares Problems, 1974, ch. 23) solve an LDP
by one nonnegative least-squares problem: with E = [G^T; h^T] ((d+1) x N) and
f = (0, ..., 0, 1), let u >= 0 minimise ||E u - f|| and r = E u - f; then r_{d+1} != 0 iff
the constraints are feasible, and w = -r_{1..d} / r_{d+1}. scipy.optimize.nnls is their
active-set algorithm, in float64, with no certificate.

Reads the CSV ibias reads (comment lines `#`, header x1,...,xd,y; each value rounded once to
the nearest f64 through fractions.Fraction), so the parse is not what is timed: the timed
part is building E and the NNLS solve.

    python3 benches/peers/svm_nnls_scipy.py --data d.csv [--repeats 3]

Prints one JSON object: the elapsed seconds of each repeat (parse excluded), the parse time,
the number of support vectors (u_n > 0), the minimum margin of the float w (1 at the exact
answer) and w (each coordinate as Python's repr). Exit status 2 on bad input.
"""

import argparse
import json
import sys
import time

import numpy as np
from scipy.optimize import nnls

from peer_data import read_csv


def solve(z):
    n, d = z.shape
    e = np.vstack([z.T, np.ones((1, n))])
    f = np.zeros(d + 1)
    f[d] = 1.0
    u, _ = nnls(e, f, maxiter=50 * n)
    r = e @ u - f
    if r[d] == 0.0:
        raise ValueError("not separable (the LDP's residual has no last component)")
    return -r[:d] / r[d], u


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    try:
        t0 = time.perf_counter()
        z = read_csv(a.data)
        parse = time.perf_counter() - t0
    except (OSError, ValueError, ZeroDivisionError) as err:
        print(f"svm_nnls_scipy: error: {err}", file=sys.stderr)
        return 2
    times = []
    for _ in range(max(1, a.repeats)):
        t0 = time.perf_counter()
        w, u = solve(z)
        times.append(time.perf_counter() - t0)
    print(
        json.dumps(
            {
                "n": int(z.shape[0]),
                "d": int(z.shape[1]),
                "parse_s": parse,
                "elapsed_s": times,
                "support_vectors": int(np.count_nonzero(u > 0)),
                "min_margin": float(np.min(z @ w)),
                "w": [repr(float(x)) for x in w],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
