"""`explain` on a matrix of models x data faults x calls, each error raised by real Keras 3
and tf-keras (keras_matrix_child.py) and pasted whole, as Python prints the traceback.

Judged three ways: the answer names the fault that was made (or declines; never another
kind); a printed code fix, run as printed on the same arrays, makes the call run on a fresh
model; and the pasted traceback is never answered worse than its error line alone.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lstmdiag.judge.explain import explain

from .test_realworld_errors import _error_line

pytestmark = [
    pytest.mark.keras,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs [tf]"),
]
CHILD = Path(__file__).parent / "keras_matrix_child.py"

# fault -> the kinds that name it. A 2-D (None, T) input is token ids or features: the text
# alone cannot say which, so a token model's other length may read as either.
ACCEPT = {
    "timesteps": {"timesteps"},
    "features": {"features"},
    "missing_batch": {"missing-batch", "missing-axis"},  # tf-keras batches (T, F) as rows
    "extra_axis": {"extra-axis"},
    "table": {"missing-axis", "missing-batch"},
    "cardinality": {"cardinality"},
    "ragged": {"ragged", "dtype"},
    "list_of_samples": {"input-count"},
    "strings": {"dtype"},
    "vocab": {"vocab"},
    "target_integer_labels": {"target"},
    "target_one_hot": {"target"},
}
TOKEN_LENGTH = {"emb/timesteps/fit", "emb/timesteps/predict"}


def _run(flavour: str, *args: str) -> dict[str, dict[str, Any]]:
    """The child's JSON lines by case. A case that aborts TensorFlow (a kernel's check
    failure) is recorded as aborted and the child is run again without it."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="-1", TF_CPP_MIN_LOG_LEVEL="3")
    cases: dict[str, dict[str, Any]] = {}
    skip: list[str] = []
    for _ in range(8):
        proc = subprocess.run(
            [sys.executable, str(CHILD), flavour, *args, *skip],
            capture_output=True, text=True, env=env, timeout=900, check=False,
        )  # fmt: skip
        started = None
        for line in proc.stdout.splitlines():
            item = json.loads(line)
            if "start" in item:
                started = item["start"]
            else:
                cases[item["case"]] = item
                started = None
        if proc.returncode == 0:
            return cases
        assert started is not None, proc.stderr[-2000:]
        cases[started] = {"case": started, "aborted": True, "raised": False}
        skip = list(cases)
    raise AssertionError("the child kept aborting")


@pytest.fixture(scope="module", params=["keras", "tf_keras"])
def provoked(request: pytest.FixtureRequest) -> tuple[str, dict[str, dict[str, Any]]]:
    return request.param, _run(request.param)


def _answer(text: str) -> tuple[str, tuple[str, ...]] | None:
    result = explain(text)
    if result is None:
        return None
    d = result.diagnosis
    readings = (d.kind,) + (() if d.decided else tuple(a.kind for a in d.alternatives))
    return d.fix, readings


def _named(case: dict[str, Any], answer: tuple[str, tuple[str, ...]] | None) -> bool:
    accept = ACCEPT[case["fault"]] | ({"features"} if case["case"] in TOKEN_LENGTH else set())
    return answer is not None and bool(accept & set(answer[1]))


def test_every_provoked_error_is_named_for_the_fault_made(
    provoked: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    _, cases = provoked
    raised = {k: c for k, c in cases.items() if c.get("raised")}
    assert len(raised) >= 60, sorted(cases)
    wrong, declined = {}, []
    for key, case in raised.items():
        answer = _answer(case["text"])
        if answer is None:
            declined.append(key)
        elif not _named(case, answer):
            wrong[key] = answer[1]
    assert wrong == {}, wrong
    assert declined == [], declined


def test_a_pasted_traceback_is_never_answered_worse_than_its_error_line(
    provoked: tuple[str, dict[str, dict[str, Any]]],
) -> None:
    _, cases = provoked
    worse = [
        key
        for key, case in cases.items()
        if case.get("raised")
        and _named(case, _answer(_error_line(case["text"])))
        and not _named(case, _answer(case["text"]))
    ]
    assert worse == []


def _code(fix: str) -> str | None:
    """A fix that is code as printed (``x = ...`` up to its comment), else None."""
    if not fix.startswith(("x = ", "y = ")):
        return None
    return fix.split("  #")[0].strip()


def test_every_printed_code_fix_makes_the_call_run(
    provoked: tuple[str, dict[str, dict[str, Any]]], tmp_path: Path
) -> None:
    flavour, cases = provoked
    fixes = {}
    for key, case in cases.items():
        answer = _answer(case["text"]) if case.get("raised") else None
        code = None if answer is None else _code(answer[0])
        if code is not None:
            fixes[key] = code
    assert len(fixes) >= 20, fixes
    path = tmp_path / "fixes.json"
    path.write_text(json.dumps(fixes))
    ran = _run(flavour, "--apply", str(path))
    failed = {
        k: (fixes[k], r.get("error") or f"ran on {r['shape']}, not the model's shape")
        for k, r in ran.items()
        if not (r.get("ran") and r.get("fits"))
    }
    assert failed == {}
    assert set(ran) == set(fixes)
