"""How many function calls lstmdiag makes per data file: a guard against per-file cost that
grows, counted rather than timed, so a noisy CI machine gives the same answer every run.

Every command runs in a child under ``sys.setprofile``, counting Python and C calls, on
folders of N and 2N files (95% of them mismatched: the error path). The count per file is
the difference over N, so start-up and imports cancel out. Run against any checkout:

    python tests/budget.py [SRC_DIR]   # SRC_DIR holds the lstmdiag package; exit 1 over budget

Measured on the error path at 100-400 files (Python 3.11): check 146 calls per file, with
--format json 139, stats 74, pad --stack 165. The budgets are 1.3x that, for other versions
of the libraries; one Path.resolve() more per finding is 100 calls, and the commit that
resolved every input folder for every finding (71ddec8) made 3,327 and 1,105.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "fixtures/models/k3/seq_fixed.keras"  # (None, 10, 8)
_CHILD = (
    "import atexit, os, runpy, sys\n"
    "sys.path.insert(0, os.environ['LSTMDIAG_SRC'])\n"
    "calls = [0]\n"
    "def count(frame, event, arg):\n"
    "    if event in ('call', 'c_call'):\n"
    "        calls[0] += 1\n"
    "def report():\n"
    "    sys.setprofile(None)\n"
    "    os.write(2, b'\\nCALLS %d\\n' % calls[0])\n"
    "atexit.register(report)\n"
    "sys.argv = ['lstmdiag', *sys.argv[1:]]\n"
    "exec(os.environ.get('LSTMDIAG_PRELUDE', ''))\n"
    "sys.setprofile(count)\n"
    "runpy.run_module('lstmdiag', run_name='__main__')\n"
)
# (name, arguments after `lstmdiag`; DATA and OUT are filled in)
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("check", ("check", str(MODEL), "DATA")),
    ("check --format json", ("check", str(MODEL), "DATA", "--format", "json")),
    ("stats", ("stats", "DATA")),
    ("pad --stack", ("pad", "DATA", "--model", str(MODEL), "--stack", "OUT/stacked.npy")),
)


BUDGET = {"check": 195, "check --format json": 185, "stats": 95, "pad --stack": 210}
GROWTH = 1.05  # calls per file may not grow with the folder (no work quadratic in files)


def verdicts(counts: dict[str, list[float]]) -> dict[str, str]:
    """Per command: "ok", or what is over budget."""
    out = {}
    for name, per in counts.items():
        problems = []
        if max(per) > BUDGET[name]:
            problems.append(f"{max(per):.0f} calls per file, budget {BUDGET[name]}")
        if per[-1] > per[0] * GROWTH:
            problems.append(f"calls per file grow with the folder: {per}")
        out[name] = "; ".join(problems) or "ok"
    return out


def make_folder(folder: Path, count: int) -> None:
    """``count`` one-sequence batches; one in 20 fits the model, the rest are 4-8 steps."""
    folder.mkdir(parents=True)
    for i in range(count):
        steps = 10 if i % 20 == 0 else 4 + i % 5
        np.save(folder / f"x{i:06d}.npy", np.zeros((1, steps, 8), np.float32))


def count_calls(src: Path, args: tuple[str, ...], data: Path, out: Path, prelude: str = "") -> int:
    """Calls one command makes; ``prelude``: Python run in the child first (a test injects
    a regression with it)."""
    filled = [str(data) if a == "DATA" else a.replace("OUT", str(out)) for a in args]
    env = dict(os.environ, LSTMDIAG_SRC=str(src), NO_COLOR="1", COLUMNS="100")
    env["LSTMDIAG_PRELUDE"] = prelude
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *filled], capture_output=True, env=env, cwd=out
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{filled}: exit {proc.returncode}\n{proc.stderr.decode()[-2000:]}")
    counts = [ln for ln in proc.stderr.decode().splitlines() if ln.startswith("CALLS ")]
    return int(counts[-1].split()[1])


def per_file(
    src: Path,
    sizes: tuple[int, ...] = (100, 200, 400),
    prelude: str = "",
    commands: tuple[tuple[str, tuple[str, ...]], ...] = COMMANDS,
) -> dict[str, list[float]]:
    """Calls per file for every command, between successive folder sizes."""
    result: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            make_folder(Path(tmp, f"n{size}"), size)
        for name, args in commands:
            totals = []
            for size in sizes:
                out = Path(tmp, f"out-{len(result)}-{size}")
                out.mkdir()
                totals.append(count_calls(src, args, Path(tmp, f"n{size}"), out, prelude))
            result[name] = [
                (b - a) / (n2 - n1)
                for a, b, n1, n2 in zip(totals, totals[1:], sizes, sizes[1:], strict=False)
            ]
    return result


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "src").resolve()
    counts = per_file(source)
    said = verdicts(counts)
    for name, per in counts.items():
        print(f"{name:<20} {' '.join(f'{c:7.1f}' for c in per)}  {said[name]}")
    sys.exit(0 if all(v == "ok" for v in said.values()) else 1)
