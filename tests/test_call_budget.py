"""The per-file cost guard: function calls per data file on the error path, counted (not
timed) in child processes, against tests/budget.py's budgets. Run it on any checkout with
``python tests/budget.py SRC_DIR``."""

from __future__ import annotations

from .budget import BUDGET, COMMANDS, ROOT, per_file, verdicts

# The regression that went unnoticed, put back: a Path.resolve() for every finding.
RESOLVE_PER_FINDING = (
    "import pathlib, lstmdiag.judge.findings as f\n"
    "_fill = f.Finding.for_path\n"
    "def _slow(self, path):\n"
    "    pathlib.Path(path).parent.resolve()\n"
    "    return _fill(self, path)\n"
    "f.Finding.for_path = _slow\n"
)


def test_calls_per_file_stay_within_budget() -> None:
    counts = per_file(ROOT / "src")
    assert set(counts) == set(BUDGET)
    assert verdicts(counts) == dict.fromkeys(BUDGET, "ok"), counts


def test_the_guard_catches_a_resolve_per_finding() -> None:
    check = tuple(c for c in COMMANDS if c[0] == "check")
    counts = per_file(ROOT / "src", prelude=RESOLVE_PER_FINDING, commands=check)
    assert "calls per file, budget" in verdicts(counts)["check"], counts


def test_the_guard_catches_growth_with_the_folder() -> None:
    growing = {name: [budget * 0.5, budget * 0.6] for name, budget in BUDGET.items()}
    assert all("grow" in v for v in verdicts(growing).values())
