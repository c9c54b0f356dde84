"""The data reader of the peers in this folder (docs/speed.md): the CSV ibias reads.

Comment lines `#`, a header x1,...,xd,y, exact values such as 3/4 or 0.125 converted with
fractions.Fraction, so each rounds once to the nearest f64 (as ibias rounds them).
Returns the signed points z_n = y_n x_n as a float64 matrix.
"""

from fractions import Fraction

import numpy as np


def read_csv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = None
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if header is None:
                header = line.split(",")
                continue
            rows.append([Fraction(v.strip()) for v in line.split(",")])
    if header is None or not rows:
        raise ValueError(f"{path}: no header or no data rows")
    d = len(header) - 1
    z = np.empty((len(rows), d))
    for i, r in enumerate(rows):
        if len(r) != d + 1 or r[-1] not in (1, -1):
            raise ValueError(f"{path}: row {i + 1} is not x1..x{d},y with y = +-1")
        for j in range(d):
            z[i, j] = float(r[-1] * r[j])
    return z
