"""`lstmdiag window --stack` against the naive way, in one run.

1. A (2,000,000, 32) float32 series -> windows T=16, stride 4, stacked to .npy (1 GB):
   lstmdiag vs keras.utils.timeseries_dataset_from_array + np.concatenate + np.save.
   Targets: >= 5x faster; lstmdiag's peak RSS < 200 MiB (the naive way holds every window).
2. A CSV (1 GB; --small: 100 MB; --big: 5 GB) -> windows: lstmdiag vs pyarrow alone reading
   the CSV. Targets: <= 1.5x the read; peak RSS < 300 MiB (record batches, never the table).
"""

from __future__ import annotations

import sys

import numpy as np
from _measure import LSTMDIAG, WORK, run

ROWS, FEATURES, T, STRIDE = 2_000_000, 32, 16, 4
NAIVE = (
    "import sys, numpy as np, keras\n"
    "x = np.load(sys.argv[1])\n"
    "ds = keras.utils.timeseries_dataset_from_array(x, None, sequence_length=int(sys.argv[3]),\n"
    "    sequence_stride=int(sys.argv[4]), batch_size=4096)\n"
    "np.save(sys.argv[2], np.concatenate([np.asarray(b) for b in ds]))\n"
)
READ_CSV = "import sys, pyarrow.csv as c; t = c.read_csv(sys.argv[1]); print(t.num_rows)"


def series() -> None:
    src = WORK / "window-series.npy"
    if not src.exists():
        rng = np.random.default_rng(0)
        np.save(src, rng.standard_normal((ROWS, FEATURES), dtype=np.float32))
    ours_out, naive_out = WORK / "window-ours.npy", WORK / "window-naive.npy"
    ours_out.unlink(missing_ok=True)
    ours, rss, _ = run(
        [
            *LSTMDIAG,
            "window",
            str(src),
            "-T",
            str(T),
            "--stride",
            str(STRIDE),
            "--stack",
            str(ours_out),
            "--quiet",
        ]
    )
    naive, naive_rss, _ = run(
        [sys.executable, "-c", NAIVE, str(src), str(naive_out), str(T), str(STRIDE)]
    )
    a, b = np.load(ours_out, mmap_mode="r"), np.load(naive_out, mmap_mode="r")
    same = a.shape == b.shape and all(
        np.array_equal(a[i : i + 50_000], b[i : i + 50_000]) for i in range(0, len(a), 50_000)
    )
    print(
        f"series {ROWS:,} x {FEATURES} -> windows {a.shape} ({a.nbytes / 1e9:.2f} GB); "
        f"identical to keras: {same}"
    )
    print(f"lstmdiag window: {ours:6.2f} s, peak RSS {rss:5.0f} MiB")
    print(f"naive (keras):   {naive:6.2f} s, peak RSS {naive_rss:5.0f} MiB")
    print(f"speed-up: {naive / ours:.1f}x  [targets: >= 5x, RSS < 200 MiB]")
    ours_out.unlink(missing_ok=True)
    naive_out.unlink(missing_ok=True)


def table(size_mb: int) -> None:
    import pyarrow as pa
    import pyarrow.csv as pc

    src = WORK / f"window-{size_mb}mb.csv"
    if not src.exists():
        rows = size_mb * 1_000_000 // 66  # ~66 bytes per row of 6 float32 columns
        rng = np.random.default_rng(0)
        with pc.CSVWriter(src, pa.schema([(f"f{i}", pa.float32()) for i in range(6)])) as w:
            for start in range(0, rows, 1_000_000):
                n = min(1_000_000, rows - start)
                cols = {f"f{i}": rng.standard_normal(n).astype(np.float32) for i in range(6)}
                w.write_table(pa.table(cols))
    read, _, _ = run([sys.executable, "-c", READ_CSV, str(src)])
    out = WORK / "window-csv-out"
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    ours, rss, _ = run(
        [*LSTMDIAG, "window", str(src), "-T", "16", "--stride", "16", "--out", str(out), "--quiet"]
    )
    print(
        f"CSV {src.stat().st_size / 1e6:.0f} MB: pyarrow read {read:.2f} s; lstmdiag window "
        f"{ours:.2f} s ({ours / read:.2f}x the read), peak RSS {rss:.0f} MiB  "
        "[targets: <= 1.5x, < 300 MiB]"
    )
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    WORK.mkdir(exist_ok=True)
    series()
    table(100 if "--small" in sys.argv else 5000 if "--big" in sys.argv else 1000)
