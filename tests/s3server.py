"""A real S3-protocol server for the tests and benchmarks: moto in server mode, on localhost,
in its own process. Clients find it the standard way (AWS_ENDPOINT_URL and test credentials
in the environment), so lstmdiag is exercised exactly as against S3 itself."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(cmd: list[str], probe: str, cwd: str | os.PathLike[str]) -> Iterator[None]:
    """Run ``cmd`` in ``cwd`` until ``probe`` (a URL) answers (any HTTP status); stop it after."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    try:
        for _ in range(400):
            try:
                urllib.request.urlopen(probe, timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers, if only to refuse an unsigned request
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"{cmd[:3]} exited at start") from None
                time.sleep(0.05)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def moto_server() -> Iterator[str]:
    """Start ``moto.server`` on a free port; yield its endpoint URL; stop it."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    home = tempfile.mkdtemp(prefix="moto-")  # its request recording is written in its cwd
    try:
        cmd = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        with serving(cmd, endpoint + "/moto-api/", home):
            yield endpoint
    finally:
        shutil.rmtree(home, ignore_errors=True)


def use_endpoint(endpoint: str) -> None:
    """Point every S3 client of this process (and its children) at ``endpoint``."""
    os.environ.update(ENV, AWS_ENDPOINT_URL=endpoint)
