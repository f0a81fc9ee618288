"""`lstmdiag check` speed and memory, against the floor and the naive way, in one run.

1. The error path: folders of 1,000, 10,000 and 100,000 .npy files, 95% of them the wrong
   length, with table and JSON output. Each is a ratio to the floor of its own run (a loop
   that parses every header, plus `lstmdiag --version`); medians of 3 runs.
   Targets: <= 2.5x the floor at 10,000; 100,000 in < 4 s.
2. 1,000 .npy files vs the naive script (keras load_model + np.load of every file + compare
   shapes). Target: >= 10x faster.
3. A 10 GB HDF5 dataset (declared; chunks never written, so the file is small) checked
   header-only: < 1 s.
4. --deep on a 256 MiB and a 1 GiB .npy: peak RSS must not grow with the data.
"""

from __future__ import annotations

import shutil
import sys

import h5py
import numpy as np
from _measure import LSTMDIAG, ROOT, WORK, against_floor, best, error_folder, run

MODEL = ROOT / "fixtures/models/k3/seq_fixed.keras"  # (None, 10, 8)
NAIVE = (
    "import sys, glob, numpy as np, keras\n"
    "m = keras.models.load_model(sys.argv[1], compile=False)\n"
    "want = tuple(m.input_shape[1:])\n"
    "bad = 0\n"
    "for f in sorted(glob.glob(sys.argv[2] + '/*.npy')):\n"
    "    x = np.load(f)\n"
    "    bad += x.shape[1:] != want\n"
    "print(bad)\n"
)


def make_files(folder, count: int, shape: tuple[int, ...]) -> None:
    if folder.exists() and len(list(folder.iterdir())) == count:
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    arr = np.zeros(shape, np.float32)
    for i in range(count):
        np.save(folder / f"x{i:06d}.npy", arr)


def big_npy(path, gib: float) -> None:
    rows = int(gib * (1 << 30) / (10 * 8 * 4))
    if path.exists() and path.stat().st_size > rows * 320:
        return
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, 10, 8))
    step = 1 << 18
    for start in range(0, rows, step):
        out[start : start + step] = 1.0
    out.flush()
    del out


def error_path() -> None:
    print("error path (95% mismatched), median of 3, each run against its own floor:")
    for count in (1_000, 10_000, 100_000):
        folder = error_folder(WORK / f"errors-{count}", count)
        for fmt in ("table", "json"):
            cmd = [*LSTMDIAG, "check", str(MODEL), str(folder), "--format", fmt]
            wall, base, ratio, rss = against_floor(cmd, folder)
            print(
                f"  check {count:>7,} files, {fmt:<5}: {wall:5.2f} s, floor {base:5.2f} s, "
                f"{ratio:4.2f}x the floor, peak {rss:4.0f} MiB"
            )
    print("  targets: <= 2.5x the floor at 10,000 files; 100,000 files in < 4 s")


def main() -> None:
    WORK.mkdir(exist_ok=True)
    error_path()
    thousand = WORK / "check-1k"
    make_files(thousand, 1000, (4, 10, 8))
    ours, rss, _ = best([*LSTMDIAG, "check", str(MODEL), str(thousand)])
    naive, _, _ = best([sys.executable, "-c", NAIVE, str(MODEL), str(thousand)], repeat=1)
    print(
        f"1,000 .npy files:   lstmdiag {ours:.3f} s (peak {rss:.0f} MiB), naive "
        f"{naive:.3f} s -> {naive / ours:.1f}x  [target >= 10x]"
    )

    h5 = WORK / "declared-10gb.h5"
    if not h5.exists():
        with h5py.File(h5, "w") as f:
            rows = (10 << 30) // (10 * 8 * 4)
            f.create_dataset("x", shape=(rows, 10, 8), dtype="float32", chunks=(4096, 10, 8))
    wall, rss, _ = best([*LSTMDIAG, "check", str(MODEL), str(h5)])
    print(
        f"10 GB h5 dataset:   lstmdiag {wall:.3f} s header-only (file on disk "
        f"{h5.stat().st_size / 1024:.0f} KiB)  [target < 1 s]"
    )

    for gib in (0.25, 1.0):
        path = WORK / f"deep-{gib:g}gib.npy"
        big_npy(path, gib)
        wall, rss, _ = run([*LSTMDIAG, "check", str(MODEL), str(path), "--deep"])
        print(f"--deep {gib:>4g} GiB:     lstmdiag {wall:.2f} s, peak RSS {rss:.0f} MiB")
    print("target: peak RSS flat as the data grows (streamed in 32 MiB blocks)")


if __name__ == "__main__":
    main()
