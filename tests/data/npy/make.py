"""Writes the .npy/.npz fixtures of tests/data_files.rs with NumPy (the reference writer).

Run from this directory: python3 make.py   (made with NumPy 2.4; the files are committed).
"""
import numpy as np

# The points of tests/data/pm.csv: (1, 2) +1, (-1, -1) -1, (2, 1) +1; max margin w = (1/2, 1/2).
pts = np.array([[1.0, 2.0], [-1.0, -1.0], [2.0, 1.0]])
pm = np.array([1.0, -1.0, 1.0])
zero_one = np.array([1, 0, 1])

np.save("pm.npy", np.column_stack([pts, pm]))                        # float64, C order
np.save("pm01_fortran.npy", np.asfortranarray(np.column_stack([pts, zero_one])))
np.savez_compressed("xy.npz", X=pts.astype(np.int64), y=np.array(["dog", "cat", "dog"]))
np.savez("single.npz", np.column_stack([pts, pm]).astype(np.float32))  # one array, arr_0
np.save("tenth.npy", np.array([[0.1, 1.0]]))                          # the double nearest 1/10
np.save("nan.npy", np.array([[1.0, 2.0, 1.0], [np.nan, -1.0, -1.0]]))
np.save("k3.npy", np.column_stack([pts, np.array([0, 1, 2])]))
np.save("vector.npy", np.array([1.0, 2.0, 1.0]))
with open("pm.npy", "rb") as f:
    whole = f.read()
with open("truncated.npy", "wb") as f:
    f.write(whole[: len(whole) - 20])
np.savez("ab.npz", a=pts, b=pm)                                       # neither X nor y
np.save("tiny.npy", np.array([[5e-324, 1.0]]))                        # subnormal: below 1e-300
