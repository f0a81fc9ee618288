"""`lstmdiag check` on objects in S3 across an emulated network, against downloading them.

N ``.npy`` objects of about 1 MB each, (1, T, 128) float32 with T about 2,000, sit in a
folder served as a bucket by a small S3-protocol server (tests/netem.py: S3Folder), behind
a proxy that adds 20 ms to every request and caps every connection at 100 MB/s (Proxy). The
proxy counts requests and bytes.

- lstmdiag: ``check MODEL s3://bench/data`` (one listing, then one ranged GET of 4 KiB per
  object, 32 at a time).
- naive: list the prefix, download each object whole and ``np.load`` it, one after the other;
  also with 32 threads.
- The model, read from the bucket by ``inspect``: requests counted for a small .keras (fetched
  whole) and, when Keras is installed, a 40 MB one (read in parts).

Targets: lstmdiag >= 20x faster than downloading; at most 2 requests per object; a bounded
number of requests for the model.
Usage: python benchmarks/bench_remote.py [N]   (default 10000)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import _measure
import numpy as np
from _measure import LSTMDIAG, ROOT, WORK, run

sys.path.insert(0, str(ROOT / "tests"))
from netem import network, s3_folder
from s3server import ENV

MODEL = ROOT / "fixtures/models/k3/seq_fixed.keras"
NAIVE = (
    "import io, sys, numpy as np, s3fs\n"
    "from concurrent.futures import ThreadPoolExecutor\n"
    "fs = s3fs.S3FileSystem()\n"
    "keys = sorted(fs.find(sys.argv[1]))\n"
    "def shape(key):\n"
    "    return np.load(io.BytesIO(fs.cat_file(key)), allow_pickle=False).shape\n"
    "threads = int(sys.argv[2])\n"
    "if threads == 1:\n"
    "    shapes = [shape(k) for k in keys]\n"
    "else:\n"
    "    with ThreadPoolExecutor(threads) as pool:\n"
    "        shapes = list(pool.map(shape, keys))\n"
    "print(sum(s[2] != 8 for s in shapes))\n"
)
BIG_MODEL = (  # 10,000 x 1,000 embedding: 40 MB of weights, read in parts
    "import sys, keras\n"
    "x = keras.Input((None,), dtype='int32')\n"
    "h = keras.layers.Embedding(10_000, 1_000, mask_zero=True)(x)\n"
    "keras.Model(x, keras.layers.LSTM(4)(h)).save(sys.argv[1])\n"
)


def objects(root: Path, count: int) -> int:
    """``count`` objects of about 1 MB in root/bench/data (made once); their total size."""
    folder = root / "bench" / "data"
    done = root / f"bench-{count}.complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        rng = np.random.default_rng(0)
        for i in range(count):
            np.save(
                folder / f"x{i:06d}.npy", np.zeros((1, int(rng.integers(1900, 2100)), 128), "f4")
            )
        done.touch()
    return sum(p.stat().st_size for p in folder.iterdir())


def models(root: Path) -> list[Path]:
    shutil.copy(MODEL, root / "bench" / "small.keras")
    out = [root / "bench" / "small.keras"]
    big = root / "bench" / "big.keras"
    if not big.exists():
        env = dict(os.environ, CUDA_VISIBLE_DEVICES="-1", TF_CPP_MIN_LOG_LEVEL="3")
        made = subprocess.run([sys.executable, "-c", BIG_MODEL, str(big)], env=env, check=False)
        if made.returncode != 0:
            return out
    return [*out, big]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    root = WORK / "s3"
    size = objects(root, count)
    held = models(root)
    with s3_folder(root) as endpoint, network(endpoint, 0.020, 100e6) as (proxied, traffic):
        os.environ.update(ENV, AWS_ENDPOINT_URL=proxied)
        _measure.ENV.update(os.environ)  # the children find the store the standard way
        print(f"{count} objects, {size / 1e6:.0f} MB, behind 20 ms and 100 MB/s per connection")
        for model in held:
            before = traffic.requests
            started = time.perf_counter()
            run([*LSTMDIAG, "inspect", f"s3://bench/{model.name}", "-q"])
            took = time.perf_counter() - started
            print(
                f"inspect s3://bench/{model.name} ({model.stat().st_size / 1e6:.1f} MB): "
                f"{traffic.requests - before} requests, {took:.2f} s"
            )
        before, down = traffic.requests, traffic.bytes_down
        ours, rss, _ = run([*LSTMDIAG, "check", str(MODEL), "s3://bench/data", "-f", "json"])
        requests, moved = traffic.requests - before, traffic.bytes_down - down
        print(
            f"lstmdiag check: {ours:6.2f} s, peak RSS {rss:.0f} MiB, {requests} requests "
            f"({requests / count:.3f} per object), {moved / count / 1024:.1f} KiB per object"
        )
        threaded, _, _ = run([sys.executable, "-c", NAIVE, "bench/data", "32"])
        print(f"download + np.load, 32 threads: {threaded:6.2f} s ({threaded / ours:.1f}x)")
        naive, _, _ = run([sys.executable, "-c", NAIVE, "bench/data", "1"])
        print(
            f"download + np.load, one by one: {naive:6.2f} s ({naive / ours:.1f}x)  "
            "[target: >= 20x, <= 2 requests per object]"
        )


if __name__ == "__main__":
    main()
