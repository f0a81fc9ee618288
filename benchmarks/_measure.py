"""Run a command as a child process and measure its wall time and peak RSS (wait4)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench-out"
# lstmdiag runs under a tiny wrapper that reports its own VmHWM (peak RSS) at exit: wait4's
# ru_maxrss would also count the parent's memory inherited across fork/exec.
_WRAP = (
    "import atexit, os, runpy, sys\n"
    "def _hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            os.write(2, ('\\nVMHWM_KB ' + line.split()[1] + '\\n').encode())\n"
    "atexit.register(_hwm)\n"
    "sys.argv = ['lstmdiag', *sys.argv[1:]]\n"
    "runpy.run_module('lstmdiag', run_name='__main__')\n"
)
LSTMDIAG = [sys.executable, "-c", _WRAP]
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1", NO_COLOR="1")


def run(cmd: list[str], *, check: bool = True) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if check and code not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({code}):\n{err.decode()[-2000:]}")
    rss = usage.ru_maxrss / 1024.0
    for line in err.decode(errors="replace").splitlines():
        if line.startswith("VMHWM_KB "):
            rss = int(line.split()[1]) / 1024.0
    return wall, rss, out.decode()


def best(cmd: list[str], repeat: int = 3) -> tuple[float, float, str]:
    runs = [run(cmd) for _ in range(repeat)]
    wall = min(r[0] for r in runs)
    return wall, max(r[1] for r in runs), runs[-1][2]
