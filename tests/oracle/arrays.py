"""One way to name and load an array, for the oracle and its child scripts: FILE.npy,
FILE.npz::MEMBER or FILE.h5::DATASET (never unpickled)."""

from __future__ import annotations

import h5py
import numpy as np


def load(ref: str) -> np.ndarray:
    path, _, key = ref.partition("::")
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            return np.asarray(z[key])
    if path.endswith((".h5", ".hdf5")):
        with h5py.File(path, "r") as f:
            return np.asarray(f[key][()])
    return np.asarray(np.load(path, allow_pickle=False))
