"""Reads that walk an HDF5 file's structure, bounded in time.

HDF5's C library can loop forever on damaged bytes (a flipped byte in a global heap, seen
by the mutation fuzzer) while it holds the GIL, so neither a signal handler nor a watchdog
thread can stop it in-process. Such reads run in a forked child with a deadline; the child
sends back plain JSON (never a pickle), and a child past the deadline is killed.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from collections.abc import Callable
from typing import Any

from ..errors import DAMAGED, LstmdiagError, one_line

SECONDS = 10.0  # a whole model's header walk takes milliseconds


def run_bounded(fn: Callable[[], Any], what: str, seconds: float = SECONDS) -> Any:
    """``fn()``'s JSON-able result, computed in a child; LstmdiagError when it raised one,
    RuntimeError (a damaged file) for a library error, LstmdiagError past ``seconds``."""
    if not hasattr(os, "fork") or os.environ.get("LSTMDIAG_NO_FORK"):
        return fn()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            payload: dict[str, Any] = {"ok": fn()}
        except LstmdiagError as exc:
            payload = {"lstmdiag": str(exc)}
        except DAMAGED as exc:
            payload = {"damaged": one_line(exc)}
        except BaseException as exc:  # a bug: reported as one, never lost
            payload = {"bug": one_line(exc)}
        data = json.dumps(payload).encode()
        while data:
            data = data[os.write(write, data) :]
        os._exit(0)
    os.close(write)
    try:
        data = _collect(read, pid, seconds, what)
    finally:
        os.close(read)
    payload = json.loads(data or b'{"bug": "the reading process died"}')
    if "ok" in payload:
        return payload["ok"]
    if "lstmdiag" in payload:
        raise LstmdiagError(payload["lstmdiag"])
    if "damaged" in payload:
        raise RuntimeError(payload["damaged"])
    raise RuntimeError(f"internal: {payload['bug']}")


def _collect(fd: int, pid: int, seconds: float, what: str) -> bytes:
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        ready = select.select([fd], [], [], max(0.0, left))[0] if left > 0 else []
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise LstmdiagError(
                f"{what}: reading its HDF5 structure did not finish in {seconds:g} s "
                "(a damaged file); not read"
            )
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            os.waitpid(pid, 0)
            return b"".join(chunks)
        chunks.append(chunk)
