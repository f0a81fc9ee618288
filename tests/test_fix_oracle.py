"""The fix oracle: every model of tests/oracle/zoo.py x every data fault of
tests/oracle/scenarios.py, in Keras 3 and tf-keras. `check` runs as a user would; every fix it
prints is applied literally; real Keras judges the result (tests/oracle/judge.py)."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from .conftest import ROOT
from .oracle import behaviour
from .oracle.apply import apply_scenario, run_snippets
from .oracle.judge import judge_all, plan_jobs, run_judge
from .oracle.scenarios import scenarios
from .oracle.zoo import FLAVOURS, ZOO, file_name

pytestmark = [
    pytest.mark.keras,
    pytest.mark.oracle,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]"),
]
SUMMARY = os.environ.get("LSTMDIAG_ORACLE_SUMMARY")  # write the matrix's outcome here (JSON)


def _build_zoo(flavour: str, where: Path) -> tuple[dict[str, str], str]:
    """The zoo's files, and the Keras that built them ("keras 3.15.1")."""
    from .conftest import run_keras_child

    where.mkdir()
    version = run_keras_child("oracle/build_zoo.py", flavour, where)
    return {m.name: str(where / file_name(m, flavour)) for m in ZOO}, version


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_printed_fix_works_in_keras(flavour: str, tmp_path: Path) -> None:
    models, version = _build_zoo(flavour, tmp_path / "zoo")
    applied = []
    for s in scenarios(tmp_path / "scenarios", flavour):
        folder = tmp_path / "scenarios" / s.id
        link = folder / Path(models[s.model.name]).name.replace(s.model.name, "model")
        link.symlink_to(models[s.model.name])
        applied.append(apply_scenario(s, folder, link.name))
    jobs = [j for a in applied for j in a.snippet_jobs]
    for job, result in zip(jobs, run_snippets(jobs, tmp_path), strict=True):
        if not result["ok"]:
            owner = next(a for a in applied if job in a.snippet_jobs)
            what = "alternative" if job.get("alternative") else "fix"
            owner.problems.append(f"{what} raised as printed: {job['code']}\n{result['error']}")
    verdicts, keras_jobs = plan_jobs(applied, models, tmp_path)
    results = run_judge(flavour, keras_jobs, tmp_path)
    judge_all(verdicts, results)
    failed = [a for a in applied if a.problems]
    observed = {v.applied.scenario.id: results[v.claim] for v in verdicts if v.claim is not None}
    if SUMMARY:
        Path(f"{SUMMARY}.{flavour}.json").write_text(
            json.dumps(
                {
                    "scenarios": len(applied),
                    "passed": len(applied) - len(failed),
                    "failed": {a.scenario.id: a.problems for a in failed},
                    "keras": version,
                    "observed": observed,
                },
                indent=1,
            )
        )
    readme = (ROOT / "README.md").read_text()
    assert behaviour.readme_cells(readme, flavour) == behaviour.cells(observed, flavour), (
        "the README's table of what Keras does disagrees with what the oracle observed: "
        "make keras-table"
    )
    report = "\n\n".join(f"== {a.scenario.id}\n" + "\n".join(a.problems) for a in failed)
    assert not failed, f"{len(failed)} of {len(applied)} scenarios failed:\n{report}"
