"""Object storage across an emulated network (tests/netem.py, which the S3 benchmark runs
through): the store answers as S3 does, the proxy delays and counts every request, and
lstmdiag reads a model and a prefix of headers in few requests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from .conftest import MODELS
from .netem import network, s3_folder
from .s3server import ENV

pytest.importorskip("s3fs", reason="the cloud extra (s3fs) is not installed")
pytestmark = [pytest.mark.remote, pytest.mark.xdist_group("remote")]


def _run(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **ENV, AWS_ENDPOINT_URL=endpoint, NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "lstmdiag", *args], capture_output=True, text=True, env=env
    )


def test_check_across_a_slow_network_reads_headers_in_one_request_each(tmp_path: Path) -> None:
    data = tmp_path / "store" / "b" / "data"
    data.mkdir(parents=True)
    for i in range(12):
        np.save(data / f"x{i:02d}.npy", np.zeros((1, 4 + i, 8), np.float32))
    np.save(data / "big.npy", np.zeros((1, 10, 100_000), np.float32))  # 4 MB: 4 KiB read
    shutil.copy(MODELS / "k3/seq_fixed.keras", tmp_path / "store" / "b" / "m.keras")
    with s3_folder(tmp_path / "store") as store, network(store, 0.05, 1e6) as (via, traffic):
        model = _run(via, "inspect", "s3://b/m.keras", "-q")
        assert model.returncode == 0, model.stderr
        assert traffic.requests == 2  # what it is (HEAD), then the whole small file (GET)
        before, down = traffic.requests, traffic.bytes_down
        started = time.monotonic()
        checked = _run(via, "check", "s3://b/m.keras", "s3://b/data", "-f", "json")
        took = time.monotonic() - started
    report = json.loads(checked.stdout)
    found = {Path(f["path"]).name: f["shape"] for f in report["files"]}
    assert found == {
        **{f"x{i:02d}.npy": [1, 4 + i, 8] for i in range(12)},
        "big.npy": [1, 10, 100_000],
    }
    assert checked.returncode == 1  # the wrong lengths and features
    data_requests = traffic.requests - before - 2  # less the model's two
    assert 13 <= data_requests <= 13 + 2  # one ranged GET per object, plus the listing
    assert traffic.bytes_down - down < 13 * 8192 + 200_000  # headers, never the 4 MB
    assert took >= 0.05 * 3  # the proxy delayed the model's two requests and the listing
