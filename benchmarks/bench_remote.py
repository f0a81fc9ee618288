"""`lstmdiag check` on objects in S3, against the naive way, in one run (issue #16).

A real S3-protocol server (moto in server mode, its own process, on localhost) holds N
``.npy`` objects shaped (1, T, 128) float32, T from 50 to 400 (about 115 KB each).

- lstmdiag: ``check MODEL s3://bench/data`` (one listing, then one ranged GET of 4 KiB per
  object, 32 at a time). Requests are counted by the server's own recorder.
- naive: what one writes without lstmdiag: list the prefix, download each object whole and
  ``np.load`` it, one after the other. Also shown: the same with 32 threads.

Target: lstmdiag >= 20x faster than the naive way, at most 2 requests per object.
Also printed: bytes moved, and the CPU time of the server, per object: on localhost both ways
are bound by the per-request CPU of botocore (client) and moto (server), not by the network.
Usage: python benchmarks/bench_remote.py [N]   (default 10000)
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request

import _measure
import numpy as np
from _measure import LSTMDIAG, ROOT, run

sys.path.insert(0, str(ROOT / "tests"))
from s3server import moto_server, use_endpoint

MODEL = ROOT / "fixtures/models/k3/seq_fixed.keras"
BUCKET = "bench"
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


def upload(fs: object, count: int) -> int:
    rng = np.random.default_rng(0)
    blobs: dict[str, bytes] = {}
    total = 0
    for i in range(count):
        import io

        buf = io.BytesIO()
        np.save(buf, np.zeros((1, int(rng.integers(50, 401)), 128), np.float32))
        blobs[f"{BUCKET}/data/x{i:06d}.npy"] = buf.getvalue()
        total += len(blobs[f"{BUCKET}/data/x{i:06d}.npy"])
        if len(blobs) == 500:
            fs.pipe(blobs)  # type: ignore[attr-defined]
            blobs = {}
    if blobs:
        fs.pipe(blobs)  # type: ignore[attr-defined]
    return total


def _recorder(endpoint: str, action: str) -> bytes:
    url = f"{endpoint}/moto-api/recorder/{action}"
    method = "GET" if action == "download-recording" else "POST"
    with urllib.request.urlopen(urllib.request.Request(url, method=method)) as resp:
        return bytes(resp.read())


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with moto_server() as endpoint:
        use_endpoint(endpoint)
        _measure.ENV.update(os.environ)  # the children find the server the standard way
        import s3fs

        fs = s3fs.S3FileSystem()
        fs.mkdir(BUCKET)
        started = time.perf_counter()
        size = upload(fs, count)
        took = time.perf_counter() - started
        print(f"uploaded {count} objects, {size / 1e6:.0f} MB, in {took:.1f} s")
        env_cmd = [*LSTMDIAG, "check", str(MODEL), f"s3://{BUCKET}/data", "-f", "json"]
        import psutil

        server = psutil.Process().children()[0]
        _recorder(endpoint, "reset-recording")
        _recorder(endpoint, "start-recording")
        cpu0 = sum(server.cpu_times()[:2])
        ours, rss, out = run(env_cmd)
        server_ours = sum(server.cpu_times()[:2]) - cpu0
        _recorder(endpoint, "stop-recording")
        log = [json.loads(x) for x in _recorder(endpoint, "download-recording").splitlines() if x]
        report = json.loads(out)
        assert len(report["files"]) == count, len(report["files"])
        cpu0 = sum(server.cpu_times()[:2])
        naive, _, bad = run([sys.executable, "-c", NAIVE, f"{BUCKET}/data", "1"])
        server_naive = sum(server.cpu_times()[:2]) - cpu0
        threaded, _, _ = run([sys.executable, "-c", NAIVE, f"{BUCKET}/data", "32"])
        assert int(bad) == count
    per_object = len(log) / count
    print(
        f"lstmdiag check s3://: {ours:6.2f} s, peak RSS {rss:.0f} MiB, "
        f"{len(log)} requests ({per_object:.3f} per object)"
    )
    print(f"naive download + np.load, sequential: {naive:6.2f} s   ratio {naive / ours:5.1f}x")
    print(
        f"bytes per object: lstmdiag {min(4096, size // count)}, naive {size // count}; "
        f"server CPU per object: lstmdiag {server_ours / count * 1e3:.2f} ms, "
        f"naive {server_naive / count * 1e3:.2f} ms"
    )
    print(
        f"naive download + np.load, 32 threads: {threaded:6.2f} s   ratio {threaded / ours:5.1f}x"
    )
    ok = naive / ours >= 20 and per_object <= 2
    print("target (>= 20x the naive way, <= 2 requests per object):", "met" if ok else "NOT met")
    os.environ.pop("AWS_ENDPOINT_URL", None)


if __name__ == "__main__":
    main()
