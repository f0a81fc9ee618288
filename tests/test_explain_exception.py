"""``lstmdiag.explain_exception`` and Keras's data objects in the API (issue #25).

Real Keras 3 and tf-keras provoke each error in fit or predict (keras_exception_child.py);
the diagnosis must name the kind and the fix that check gives on the saved model, in the
caller's variable names, and a fix that is code must make the call run when applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lstmdiag
from lstmdiag.live_errors import explain_exception

from .conftest import MODELS, run_keras_child

# case -> the kind explain_exception names (the same check gives on the saved model)
EXPECT = {
    "features_predict": "features",
    "features_fit": "features",
    "missing_batch": "missing-batch",
    "extra_axis": "extra-axis",
    "ragged": "ragged",
    "timesteps": "timesteps",
    "vocab": "vocab",
    "batch": "batch",
    "missing_axis": "missing-axis",
    "input_count": "missing-input",
    "target_fit": "model-structure",  # y does not fit the output: the model returns sequences
    "dtype": "dtype",
    "empty": "empty",
    "cardinality": "cardinality",  # x fits; 4 samples and 3 targets, from the message
}
NO_FIX = "build the features the model was trained with (the same preprocessing)"
APPLIED = {"missing_batch", "extra_axis", "ragged", "timesteps", "batch", "missing_axis"}
VARIABLE = {
    "missing_batch": "x_one",
    "extra_axis": "x_extra",
    "ragged": "x_seqs",
    "timesteps": "x_short",
    "batch": "x_odd",
    "missing_axis": "x_table",
}


@pytest.fixture(scope="module", params=["tf_keras", "keras"])
def provoked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp(request.param)
    return json.loads(run_keras_child("keras_exception_child.py", request.param, tmp))


@pytest.mark.keras
def test_every_provoked_error_is_diagnosed_as_check_diagnoses_the_saved_model(
    provoked: Any,
) -> None:
    cases = {k: v for k, v in provoked.items() if not k.startswith("_")}
    assert {name: case["kind"] for name, case in cases.items()} == EXPECT, cases
    for name, case in cases.items():
        assert case["raised"], name  # Keras really raised
        if case["saved_kind"] is not None:  # the arrays alone show it: check agrees
            assert case["kind"] == case["saved_kind"] and case["findings"] >= 1, name
            if case["saved_fix"] is not None:
                assert case["fix"] == case["saved_fix"], name
            else:  # check has no change to the array to print: nothing mechanical fixes it
                assert case["fix"] == NO_FIX, name
    assert cases["target_fit"]["saved_kind"] is None  # x is fine; y is judged from the error
    assert cases["target_fit"]["fix"].startswith("set return_sequences=False")
    assert cases["cardinality"]["fix"].startswith("give x_good and y_three the same number")


@pytest.mark.keras
def test_each_code_fix_names_the_callers_variable_and_makes_the_call_run(provoked: Any) -> None:
    for name in APPLIED:
        case = provoked[name]
        assert case["fix"].startswith(f"{VARIABLE[name]} = "), case["fix"]
        assert case["applied"] is True, (name, case)
    # the caller's model too: its variable is `stateful`
    assert "stateful.predict(x_odd, batch_size=2)[:3]" in provoked["batch"]["fix"]


@pytest.mark.keras
def test_kerass_data_objects_are_read_as_fit_reads_them(provoked: Any) -> None:
    assert provoked["_data"] == {
        "dataset_batched": ["features"],
        "dataset_good": [],
        "dataset_unbatched": ["missing-batch"],
        "pydataset": ["features"],
        "pydataset_calls": 1,  # its first batch, by index, once
        "list_two_inputs": [],
        "list_two_inputs_bad": ["features"],
        "list_of_one": [],
        "dict_by_name": ["timesteps"],
        "generator": "a generator cannot be read without consuming it; pass one batch (x, y = "
        "next(gen)), the arrays, a tf.data.Dataset or a keras.utils.PyDataset",
    }


# -- without Keras ----------------------------------------------------------------------------
def test_no_exception_is_no_diagnosis() -> None:
    assert explain_exception() is None


def test_without_a_model_in_the_frames_the_text_is_explained() -> None:
    try:
        raise ValueError(
            'Input 0 of layer "lstm" is incompatible with the layer: expected shape=(None, 10, '
            "8), found shape=(None, 4, 8)"
        )
    except ValueError:
        d = explain_exception()
    assert d is not None and (d.kind, d.findings) == ("timesteps", ())


def test_a_list_is_one_array_per_model_input_as_fit_reads_it() -> None:
    model = MODELS / "k3" / "two_input.keras"  # audio (None, 10, 8), video (None, 5, 3)
    audio, video = np.zeros((4, 10, 8), "float32"), np.zeros((4, 5, 3), "float32")
    report = lstmdiag.check(model, [audio, video])
    assert report.ok and [f.input for f in report.files] == ["audio", "video"]
    bad = lstmdiag.check(model, [audio, np.zeros((4, 7, 3), "float32")])
    assert [(f.kind.value, f.input) for f in bad.findings] == [("timesteps", "video")]


def test_an_unfed_input_in_memory_gets_a_python_fix() -> None:
    model = MODELS / "k3" / "two_input.keras"
    report = lstmdiag.check(model, {"audio": np.zeros((4, 10, 8), "float32")})
    (f,) = report.findings
    assert (f.kind.value, f.input) == ("missing-input", "video")
    assert f.fix == (
        "pass one array per input, in the model's input order (a list: [audio_x, video_x]), or "
        "a dict keyed by input name ({'audio': ..., 'video': ...})"
    )


def test_an_object_array_of_sequences_is_ragged_sequences(tmp_path: Path) -> None:
    seqs = np.empty(2, dtype=object)
    seqs[0], seqs[1] = np.ones((3, 8), "float32"), np.ones((7, 8), "float32")
    report = lstmdiag.check(MODELS / "k3" / "seq_fixed.keras", seqs)
    assert [f.kind.value for f in report.findings if f.severity.value == "error"] == ["ragged"]
