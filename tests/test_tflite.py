"""TFLite models (issue #26): read statically as the interpreter reports them, and checked
as TensorFlow's own interpreter accepts or refuses data (tflite_child.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import lstmdiag

from .conftest import MODELS, run_cli, run_keras_child

TFLITE = MODELS / "tflite"
TRUTH = json.loads((TFLITE / "truth.json").read_text())


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_inspect_reports_the_inputs_the_interpreter_reports(name: str) -> None:
    (want,) = TRUTH[name]
    data = json.loads(run_cli("inspect", MODELS / name, "--format", "json").stdout)
    (got,) = data["inputs"]
    # the shape as allocated, with the dims its signature leaves free unknown (not the batch:
    # the interpreter refuses any batch but the allocated one until it is resized)
    free = [None if s < 0 and i else d for i, (d, s) in enumerate(
        zip(want["shape"], want["shape_signature"], strict=True))]  # fmt: skip
    assert (got["name"], got["shape"], got["dtype"]) == (want["name"], free, want["dtype"])
    assert got["axes"] == ["batch", "time", "features"]
    assert data["format"] == "tflite"


def test_a_flex_conversion_is_said() -> None:
    spec = lstmdiag.inspect_model(TFLITE / "lstm_flex.tflite")
    assert [r.class_name for r in spec.recurrent] == ["WHILE"]
    assert any("SELECT_TF_OPS" in n.text for n in spec.notes)


@pytest.mark.keras
def test_check_agrees_with_the_interpreter_and_its_fixes_run() -> None:
    paths = [TFLITE / "lstm_fixed.tflite", TFLITE / "gru_any_batch.tflite"]
    result = json.loads(run_keras_child("tflite_child.py", *paths))
    for model, cases in result.items():
        for label, case in cases.items():
            assert case["check_ok"] == (case["runtime"] is True), (model, label, case)
            assert all(ok is True for ok in case.get("fixes", [])), (model, label, case)
    assert result["lstm_fixed.tflite"]["batch_4"]["kinds"] == ["batch"]
    assert len(result["gru_any_batch.tflite"]["batch_4"]["fixes"]) == 2  # resize, or a loop
    assert result["lstm_fixed.tflite"]["short"]["kinds"] == ["timesteps"]
    assert result["gru_any_batch.tflite"]["features"]["kinds"] == ["features"]


@pytest.mark.parametrize("cut", [0, 3, 8, 40, 200, 1000, -10])
def test_a_damaged_tflite_is_one_line_never_a_traceback(tmp_path: Path, cut: int) -> None:
    data = (TFLITE / "gru_any_batch.tflite").read_bytes()
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(data[:cut] if cut >= 0 else data[:cut] + b"\xff" * 10)
    if cut >= 8:  # keep the identifier, break what follows: offsets point anywhere
        raw = bytearray(data)
        raw[cut : cut + 8] = b"\xff" * 8
        bad.write_bytes(bytes(raw[: len(data)]))
    result = run_cli("inspect", bad)
    assert result.exit_code in (0, 2)
    assert "Traceback" not in result.stderr + result.stdout
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1 and str(bad) in result.stderr
