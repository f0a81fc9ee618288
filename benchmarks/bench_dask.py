"""`check --deep` on a Dask cluster: 2 workers against 1, in one run (issue #16).

The dataset: 64 .npy files of (100000, 10, 8) float32 (32 MB each, 2 GiB in all) for a
Masking -> LSTM model, so --deep scans every value (NaN/Inf, float truncation, mask
collisions). Each setting runs three times after a warm-up (files in the page cache); the best
time counts. The workers are LocalCluster processes of one thread each, on this machine.

Target: 2 workers >= 1.6x faster than 1 worker. The local run (no cluster) is shown for
reference: the cluster's overhead is the difference between it and 1 worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _measure import ROOT, WORK

import lstmdiag

MODEL = ROOT / "fixtures/models/k3/func_masking.keras"  # (None, 10, 8), Masking -> LSTM
FILES, ROWS = 64, 100_000


def make_data() -> Any:
    folder = WORK / "dask-deep"
    if folder.exists() and len(list(folder.glob("*.npy"))) == FILES:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    block = rng.normal(size=(ROWS, 10, 8)).astype(np.float32)
    for i in range(FILES):
        np.save(folder / f"part{i:02d}.npy", block)
    return folder


def best(call: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    call()  # warm-up: page cache, worker imports
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def on_cluster(data: Any, workers: int) -> tuple[float, Any]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, dashboard_address=":0", silence_logs=40
        ) as cluster,
        Client(cluster) as client,
    ):
        return best(lambda: lstmdiag.check(MODEL, data, deep=True, client=client))


def main() -> None:
    data = make_data()
    local, expected = best(lambda: lstmdiag.check(MODEL, data, deep=True, client="none"))
    one, report1 = on_cluster(data, 1)
    two, report2 = on_cluster(data, 2)
    assert report1 == report2 == expected, "the cluster's report differs from the local one"
    print(f"check --deep, {FILES} files, {FILES * ROWS * 320 / 2**30:.2f} GiB")
    print(f"  here (no cluster): {local:6.2f} s")
    print(f"  1 Dask worker:     {one:6.2f} s")
    print(f"  2 Dask workers:    {two:6.2f} s   speed-up {one / two:4.2f}x (target >= 1.6x)")


if __name__ == "__main__":
    main()
