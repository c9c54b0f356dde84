#!/usr/bin/env python3
"""A numba peer of ibias's f64 gradient descent (docs/speed.md, "The numba peer").

Plain GD on the summed exponential loss L(w) = sum_n exp(-y_n x_n.w),
w <- w + lr * sum_n exp(-z_n.w) z_n with z_n = y_n x_n, as a triple loop compiled by
numba's @njit (compile time excluded: the function is called once before timing).

The operations are those of ibias's f64 GD, in the same order: the margin u_n = z_n.w is
summed over j from 0, the gradient column j over n from 0, and w_j <- lr*g_j + w_j; every
product and sum rounds separately (numba does not contract them into FMAs unless fastmath is
set), and it calls the same glibc exp. Both round each data value once to the nearest f64,
so the iterates should agree bit for bit (`ibias bench --peers` prints the deviation).

Reads the CSV ibias reads (comment lines `#`, header x1,...,xd,y, exact values such as
3/4 or 0.125 converted with fractions.Fraction, so each rounds once to the nearest f64).

    python3 benches/peers/gd_numba.py --data d.csv --lr 1/32 --steps 1e6 [--init w1,...,wd]
        [--repeats 5]

Prints one JSON object: steps, the elapsed seconds of each repeat (each from the same
start), the median steps/s, and the final iterate (each coordinate as Python's repr, which
reads back to the same f64). Exit status 2 on bad input.
"""

import argparse
import json
import statistics
import sys
import time
from fractions import Fraction

import numpy as np
from numba import njit

from peer_data import read_csv


@njit(cache=False)
def gd(z, w, lr, steps):
    n, d = z.shape
    g = np.zeros(d)
    for _ in range(steps):
        for j in range(d):
            g[j] = 0.0
        for i in range(n):
            u = 0.0
            for j in range(d):
                u += z[i, j] * w[j]
            q = np.exp(-u)
            for j in range(d):
                g[j] += q * z[i, j]
        for j in range(d):
            w[j] = lr * g[j] + w[j]
    return w


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--lr", default="1/8")
    p.add_argument("--steps", default="1e4")
    p.add_argument("--init", default=None)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    try:
        z = read_csv(a.data)
        lr = float(Fraction(a.lr))
        steps = int(Fraction(a.steps) if "/" in a.steps else float(a.steps))
        d = z.shape[1]
        if a.init is None:
            w0 = np.zeros(d)
        else:
            w0 = np.array([float(Fraction(v.strip())) for v in a.init.split(",")])
            if len(w0) != d:
                raise ValueError(f"--init has {len(w0)} coordinates, the data {d}")
    except (OSError, ValueError, ZeroDivisionError) as e:
        print(f"gd_numba: {e}", file=sys.stderr)
        sys.exit(2)
    t0 = time.perf_counter()
    gd(z, w0.copy(), lr, 1)  # compile (and warm) outside the timed runs
    compile_s = time.perf_counter() - t0
    times = []
    w = None
    for _ in range(max(1, a.repeats)):
        wk = w0.copy()
        t0 = time.perf_counter()
        gd(z, wk, lr, steps)
        times.append(time.perf_counter() - t0)
        w = wk
    med = statistics.median(times)
    print(
        json.dumps(
            {
                "peer": "numba",
                "numba": __import__("numba").__version__,
                "n": z.shape[0],
                "d": d,
                "steps": steps,
                "compile_s": compile_s,
                "elapsed_s": times,
                "steps_per_sec": steps / med if med > 0 else 0.0,
                "w": [repr(float(x)) for x in w],
            }
        )
    )


if __name__ == "__main__":
    main()
