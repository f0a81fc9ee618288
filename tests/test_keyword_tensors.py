"""Tensors passed as call keywords (issue #15): ``LSTM(x, mask=valid, initial_state=[h, c])``
and ``MultiHeadAttention(query=q, value=x)``, in Keras 2 and Keras 3 node formats."""

from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np
import pytest

import lstmdiag
from lstmdiag.judge.roles import axis_roles
from lstmdiag.model import read_model
from lstmdiag.model.spec import MaskSpec

from .conftest import MODELS, run_cli

FILES = [f"{v}/keyword_call{ext}" for v in ("k2", "k3") for ext in (".keras", ".h5", ".json")]


@pytest.mark.parametrize("name", FILES)
def test_keyword_tensors_are_followed(name: str) -> None:
    spec = read_model(MODELS / name)
    lstm, gru = spec.recurrent
    assert (lstm.input, lstm.inputs, lstm.input_shape) == (
        "frames",
        ("frames", "valid", "state"),
        (None, 10, 8),
    )
    # The GRU reads MultiHeadAttention(query=query, value=frames): the query's shape.
    assert (gru.input, gru.inputs, gru.input_shape) == ("query", ("frames", "query"), (None, 5, 6))
    assert spec.masking == (MaskSpec("lstm", "mask argument", None, "frames", "valid"),)
    valid = spec.input_named("valid")
    assert valid is not None and axis_roles(spec, valid) == ("batch", "time")
    state = spec.input_named("state")
    assert state is not None and axis_roles(spec, state) == ("batch", "features")


def test_inspect_names_every_input_a_layer_uses() -> None:
    out = run_cli("inspect", MODELS / "k3/keyword_call.keras").stdout
    assert "frames (+ valid, state)" in out
    assert "Mask: lstm — mask= argument from input 'valid'" in out
    assert (
        "valid: bool arrays shaped (batch, time 10); any batch size; exactly 10 timesteps." in out
    )


def test_a_mask_input_is_padded_on_the_same_side_as_its_data(tmp_path: Path) -> None:
    """Pre-padding the mask while the data is post-padded would mark padding as real steps."""
    model = MODELS / "k3/keyword_call.keras"
    data = tmp_path / "data"
    data.mkdir()
    rng = np.random.default_rng(0)
    frames = rng.standard_normal((2, 4, 8)).astype(np.float32)
    valid = np.array([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=bool)
    np.save(data / "frames.npy", frames)
    np.save(data / "valid.npy", valid)
    np.save(data / "query.npy", rng.standard_normal((2, 5, 6)).astype(np.float32))
    np.save(data / "state.npy", rng.standard_normal((2, 4)).astype(np.float32))
    report = lstmdiag.check(model, str(data))
    bad = {Path(f.path).name: f for f in report.findings if f.severity.value == "error"}
    assert sorted(bad) == ["frames.npy", "valid.npy"]
    out = tmp_path / "out"
    for finding in bad.values():
        assert finding.fix is not None and "--padding post" in finding.fix
        argv = shlex.split(finding.fix.replace("padded/", f"{out}/"))
        assert argv[:2] == ["lstmdiag", "pad"]
        result = run_cli(*argv[1:])
        assert result.exit_code == 0, result.output
        assert "has no mask" not in result.output  # valid *is* the mask
    padded_valid = np.load(out / "valid.npy")
    assert padded_valid.dtype == np.bool_ and padded_valid.shape == (2, 10)
    expected = np.zeros((2, 10), dtype=bool)
    expected[:, :4] = valid
    assert np.array_equal(padded_valid, expected)
    assert np.array_equal(np.load(out / "frames.npy")[:, :4], frames)
    for name in ("query.npy", "state.npy"):
        (out / name).write_bytes((data / name).read_bytes())
    assert lstmdiag.check(model, str(out)).ok
