"""Hostile bytes, never a traceback: the mutation fuzzer (tests/fuzz) over every reader.

Each run is a child process under an address-space limit, with a time bound per command; a
traceback, an internal error, a hang, an exit code outside 0-2 or a write into the input
folder is a failure. CI runs two seeded slices and every input that once failed; `make fuzz`
runs 20,000 inputs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

COUNT = int(os.environ.get("LSTMDIAG_FUZZ_COUNT", "800"))


def _driver(*args: str) -> tuple[dict[str, int], list[dict[str, str]]]:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.fuzz.driver", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines and "summary" in lines[-1], proc.stderr[-3000:]
    return lines[-1]["summary"], lines[:-1]


def _report(failures: list[dict[str, str]]) -> str:
    return "\n\n".join(
        f"{f['case']} {f['seed']} ({f['mutation']}): {' '.join(f['args'])}\n{f['wrong']}\n"
        f"{f['output'][-1500:]}"
        for f in failures[:10]
    )


@pytest.mark.parametrize("seed", [101, 202])
def test_mutated_real_files_never_crash(seed: int) -> None:
    summary, failures = _driver("--seed", str(seed), "--count", str(COUNT))
    assert summary["inputs"] == COUNT and summary["commands"] >= 3 * COUNT
    assert summary["failures"] == 0, _report(failures)


def test_inputs_that_once_failed_stay_fixed() -> None:
    summary, failures = _driver("--replay")
    assert summary["inputs"] >= 18  # the stored ones; those made from the corpus when present
    assert summary["failures"] == 0, _report(failures)
