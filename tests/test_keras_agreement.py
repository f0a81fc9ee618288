"""Static verdicts against real Keras: every `ok` runs, every `error` raises or is a silent
case the report names (and every silent case named really runs). Keras runs in child
processes (tf-keras for Keras 2 files, keras for Keras 3 files)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from lstmdiag.data.discover import describe_paths
from lstmdiag.judge.checks import check_arrays
from lstmdiag.judge.keras_says import (
    keras_adds_unit_axis,
    keras_on_wrong_batch,
    keras_on_wrong_timesteps,
)
from lstmdiag.judge.verify import flavour_for, run_keras
from lstmdiag.model import read_model

from .cases import cases_for, single_input_models
from .conftest import MODELS

pytestmark = pytest.mark.keras

# One format per flavour keeps CI short; .json runs through model_from_json.
MODELS_UNDER_TEST = (
    single_input_models((".keras",))
    + [n for n in single_input_models((".h5", ".json")) if n.startswith("k2/")]
    + [n for n in single_input_models((".json",)) if n.startswith("k3/")]
)


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
@pytest.mark.parametrize("name", MODELS_UNDER_TEST)
def test_static_verdicts_agree_with_keras(name: str, tmp_path: Path) -> None:
    spec = read_model(MODELS / name)
    cases = cases_for(name, spec)
    outcomes = run_keras(
        str(MODELS / name), [[(c.shape, c.dtype)] for c in cases], flavour_for(spec.keras_version)
    )
    problems = []
    for case, outcome in zip(cases, outcomes, strict=True):
        path = tmp_path / f"{case.variant}.npy"
        np.save(path, np.zeros(case.shape, case.dtype))
        report = check_arrays(spec, describe_paths([str(path)]))
        kinds = {f.kind.value for f in report.findings}
        unit = keras_adds_unit_axis(spec, spec.inputs[0].shape, case.shape, "missing-batch")[0]
        silent = (
            ("timesteps" in kinds and keras_on_wrong_timesteps(spec)[0])
            or ("batch" in kinds and keras_on_wrong_batch(spec, case.shape[0])[0])
            or ("missing-batch" in kinds and unit == "misread")
        )
        verdict = report.files[0].verdict
        if verdict == "ok" and not outcome.ran:
            problems.append(f"{case.variant}: static ok, Keras raised {outcome.error}")
        if verdict == "error" and outcome.ran and not silent:
            problems.append(
                f"{case.variant}: static error {kinds}, Keras ran silently "
                "and the report did not say so"
            )
        if verdict == "warning" and "missing-axis" in kinds and not outcome.ran:
            problems.append(
                f"{case.variant}: report says Keras runs it, Keras raised {outcome.error}"
            )
        if unit == "misread" and "missing-batch" in kinds:
            text = " ".join(f.message for f in report.findings)
            if "runs with NO error" not in text:
                problems.append(f"{case.variant}: the report does not say Keras runs it")
        if silent and not outcome.ran:
            problems.append(
                f"{case.variant}: report says Keras runs it silently, Keras raised {outcome.error}"
            )
    assert not problems, f"{name} under {outcomes[0].keras}:\n" + "\n".join(problems)


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
def test_verify_reports_what_keras_did() -> None:
    from .conftest import DATA, run_cli

    result = run_cli(
        "check",
        MODELS / "k3/seq_fixed.keras",
        DATA / "short.npy",
        DATA / "ok.npy",
        "--verify",
        "--format",
        "json",
    )
    data = json.loads(result.stdout)
    keras_rows = {Path(f["path"]).name: f for f in data["findings"] if f["kind"] == "keras"}
    # Keras 3 Sequential runs the short file silently, as the timesteps finding said.
    assert keras_rows["short.npy"]["severity"] == "info"
    assert "ran a zero batch (1, 4, 8)" in keras_rows["short.npy"]["message"]
    assert "ran it silently (no error), as lstmdiag predicted" in keras_rows["short.npy"]["message"]
    assert "ran it, as lstmdiag predicted: fine" in keras_rows["ok.npy"]["message"]
    table = run_cli("check", MODELS / "k3/seq_fixed.keras", DATA / "short.npy", "--verify")
    assert "keras: keras 3.15.1 ran a zero batch (1, 4, 8)" in table.stdout
    assert keras_rows["ok.npy"]["severity"] == "info"
    assert result.exit_code == 1  # the timesteps error stays an error
    k2 = run_cli(
        "check", MODELS / "k2/seq_fixed.h5", DATA / "short.npy", "--verify", "--format", "json"
    )
    (row,) = [f for f in json.loads(k2.stdout)["findings"] if f["kind"] == "keras"]
    assert "tf_keras" in row["message"] and "raised ValueError" in row["message"]
