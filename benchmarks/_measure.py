"""Run a command as a child process and measure its wall time and peak RSS (wait4)."""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
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
# A wheel's files are byte-compiled when pip installs them; an editable checkout's are only when
# first imported, and never where PYTHONDONTWRITEBYTECODE is set. Compile them here, so that
# every child measures the installed tool, not the compiler (~20 ms for a stale module set).
compileall.compile_dir(ROOT / "src", quiet=1)
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


FLOOR = Path(__file__).resolve().parent / "_floor.py"


def floor(folder: Path) -> float:
    """This run's floor for ``folder``: the header-parse loop plus `lstmdiag --version`."""
    loop, _, _ = run([sys.executable, str(FLOOR), str(folder)])
    start, _, _ = run([*LSTMDIAG, "--version"])
    return loop + start


def against_floor(
    cmd: list[str], folder: Path, repeat: int = 3, before: Callable[[], None] | None = None
) -> tuple[float, float, float, float]:
    """Median (wall s, floor s, ratio, peak RSS MiB) over ``repeat`` runs, each run timing
    the floor just before the command, so both see the same machine state."""
    walls, floors, ratios, peaks = [], [], [], []
    for _ in range(repeat):
        if before is not None:
            before()
        base = floor(folder)
        wall, rss, _ = run(cmd)
        walls.append(wall)
        floors.append(base)
        ratios.append(wall / base)
        peaks.append(rss)
    return (
        statistics.median(walls),
        statistics.median(floors),
        statistics.median(ratios),
        max(peaks),
    )


def error_folder(folder: Path, count: int) -> Path:
    """``count`` one-sequence batches (1, T, 8) for a (None, 10, 8) model, 95% of them
    mismatched (4-8 timesteps): the error path. Made once and kept in bench-out/."""
    import numpy as np

    done = folder.with_name(folder.name + ".complete")
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    arrays = {t: np.zeros((1, t, 8), np.float32) for t in (4, 5, 6, 7, 8, 10)}
    for i in range(count):
        np.save(folder / f"x{i:06d}.npy", arrays[10 if i % 20 == 0 else 4 + i % 5])
    done.touch()
    return folder
