"""`lstmdiag stats`: on a folder of 100,000 .npy files (the error path's folder), as a ratio
to the floor of its own run (median of 3; target: < 4 s); and on 100,000 and 1,000,000 ragged
sequences in an HDF5 vlen dataset: time and peak RSS, which should stay nearly flat (lengths
are kept as an int64 array and a length histogram; no values are read)."""

from __future__ import annotations

import h5py
import numpy as np
from _measure import LSTMDIAG, WORK, against_floor, error_folder, run


def make(path, count: int) -> None:
    if path.exists():
        return
    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 400, size=count)
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("tokens", (count,), dtype=h5py.vlen_dtype(np.int16))
        step = 50_000
        for start in range(0, count, step):
            block = np.empty(min(step, count - start), dtype=object)
            for i, n in enumerate(lengths[start : start + step]):
                block[i] = np.ones(n, np.int16)
            ds[start : start + len(block)] = block


def main() -> None:
    WORK.mkdir(exist_ok=True)
    folder = error_folder(WORK / "errors-100000", 100_000)
    wall, base, ratio, rss = against_floor([*LSTMDIAG, "stats", str(folder)], folder)
    print(
        f"stats on 100,000 files: {wall:5.2f} s, floor {base:4.2f} s, {ratio:4.2f}x the floor, "
        f"peak {rss:4.0f} MiB  [target < 4 s]"
    )
    for count in (100_000, 1_000_000):
        path = WORK / f"stats-{count}.h5"
        make(path, count)
        wall, rss, _ = run([*LSTMDIAG, "stats", str(path), "--format", "json"])
        print(f"stats on {count:>9,} sequences: {wall:5.2f} s, peak RSS {rss:4.0f} MiB")
    print("target: flat memory as the number of sequences grows")


if __name__ == "__main__":
    main()
