"""Whole-dataset and value findings against what real Keras does (child processes)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lstmdiag
from lstmdiag.data.discover import describe_paths
from lstmdiag.judge.check_options import CheckOptions
from lstmdiag.judge.checks import check_arrays
from lstmdiag.model import read_model

from .conftest import MODELS, run_cli, run_keras_child

pytestmark = [
    pytest.mark.keras,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]"),
]
CHILD = Path(__file__).with_name("keras_dataset_child.py")


def _keras(flavour: str, out: Path) -> dict[str, Any]:
    return dict(json.loads(run_keras_child(CHILD.name, flavour, MODELS, out)))


@pytest.fixture(scope="module", params=["keras", "tf_keras"])
def keras_did(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp(request.param)
    return request.param, _keras(request.param, out), out


def test_cardinality_finding_agrees_with_keras(keras_did: Any, tmp_path: Path) -> None:
    flavour, did, _ = keras_did
    assert not did["cardinality"]["ran"]
    assert "Data cardinality is ambiguous" in did["cardinality"]["error"]
    folder = "k3" if flavour == "keras" else "k2"
    np.savez(
        tmp_path / "pair.npz",
        audio=np.zeros((2, 10, 8), np.float32),
        video=np.zeros((3, 5, 3), np.float32),
    )
    report = lstmdiag.check(MODELS / folder / "two_input.keras", str(tmp_path / "pair.npz"))
    assert {f.kind.value for f in report.findings} == {"cardinality"}


def test_missing_input_agrees_with_keras(keras_did: Any, tmp_path: Path) -> None:
    flavour, did, _ = keras_did
    assert not did["missing"]["ran"]
    if flavour == "keras":
        assert 'Missing data for input "video"' in did["missing"]["error"]
    folder = "k3" if flavour == "keras" else "k2"
    np.save(tmp_path / "a.npy", np.zeros((2, 10, 8), np.float32))
    result = run_cli(
        "check",
        MODELS / folder / "two_input.keras",
        "--input",
        f"audio={tmp_path / 'a.npy'}",
        "-f",
        "json",
    )
    assert result.exit_code == 1
    kinds = [(f["kind"], f["input"]) for f in json.loads(result.stdout)["findings"]]
    assert kinds == [("missing-input", "video")]


def test_negative_token_ids_match_each_keras(keras_did: Any, tmp_path: Path) -> None:
    flavour, did, _ = keras_did
    folder = "k3" if flavour == "keras" else "k2"
    spec = read_model(MODELS / folder / "embed_maskzero_gru.keras")
    np.save(tmp_path / "tok.npy", np.array([[1, 2, -1] + [3] * 9], np.int32))
    report = check_arrays(
        spec, describe_paths([str(tmp_path / "tok.npy")]), CheckOptions(deep=True)
    )
    message = next(f.message for f in report.findings if f.kind.value == "vocab")
    if flavour == "keras":
        assert did["negative"]["ran"] and did["negative_row"] == [49]  # -1: the last row
        assert "silently reads negative ids from the end" in message
    else:
        assert not did["negative"]["ran"] and "InvalidArgumentError" in did["negative"]["error"]
        assert "Keras raises on CPU" in message


def test_pad_sequences_default_truncation_is_caught(keras_did: Any) -> None:
    _, _, out = keras_did
    padded = out / "pad_sequences_default.npy"
    assert np.load(padded).dtype == np.int32  # Keras's default
    report = check_arrays(
        read_model(MODELS / "k3/seq_fixed.keras"),
        describe_paths([str(padded)]),
        CheckOptions(deep=True),
    )
    (finding,) = report.findings
    assert finding.kind.value == "dtype" and finding.severity.value == "warning"
    assert "truncated to integers" in finding.message


def test_verify_marks_value_findings_untested_and_verify_data_tests_them(tmp_path: Path) -> None:
    model = MODELS / "k3/embed_maskzero_gru.keras"
    np.save(tmp_path / "tok.npy", np.array([[1, 2, -1] + [3] * 9] * 2, np.int32))
    zero = json.loads(
        run_cli("check", model, tmp_path / "tok.npy", "--deep", "--verify", "-f", "json").stdout
    )
    kinds = [(f["kind"], f["severity"]) for f in zero["findings"]]
    assert ("not-tested", "info") in kinds
    keras_row = next(f for f in zero["findings"] if f["kind"] == "keras")
    assert "a zero batch" in keras_row["message"] and "for the shape" in keras_row["message"]
    real = json.loads(
        run_cli(
            "check", model, tmp_path / "tok.npy", "--deep", "--verify-data", "-f", "json"
        ).stdout
    )
    assert "not-tested" not in {f["kind"] for f in real["findings"]}
    row = next(f for f in real["findings"] if f["kind"] == "keras")
    # Keras 3 reads id -1 silently, as the vocab finding says.
    assert "ran the first 2 samples" in row["message"] and row["severity"] == "info"
