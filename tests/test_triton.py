"""Triton model folders (issue #26): config.pbtxt read statically as Triton's
model_configuration.md defines it, and held to what a real Triton server did with the same
requests (server_truth.json, recorded by fixtures/triton_server.py): a request's shape is
[-1] + dims with max_batch_size > 0 and dims with 0; -1 is free; ``reshape`` is what the model
sees, the data is checked as the client sends it; a request holds at most max_batch_size
samples."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lstmdiag
from lstmdiag.judge.keras_says import TRITON_BATCH, TRITON_DTYPE, TRITON_RAISES

from .conftest import DATA, MODELS, inspect_refuses, run_cli

TRITON = MODELS / "triton"
EXPORT = MODELS / "k3" / "two_input_export"  # a real Keras 3 model.export()

# name: [(input, request shape, dtype, max_batch)], as the doc's rule gives them
INSPECT = {
    "lstm_batched": [("x", [None, 10, 3], "float32", 8)],
    "lstm_unbatched": [("x", [None, 10, 3], "float32", None)],
    "lstm_fixed_batch": [("x", [4, 10, 3], "float32", None)],
    "lstm_reshape": [("x", [None, 30], "float32", 4)],
    "seq_fixed": [("x", [None, 10, 8], "float32", 2)],
    "two_input": [("audio", [None, 10, 8], "float32", 16), ("video", [None, 5, 3], "float32", 16)],
    "two_input_wrong": [
        ("audio", [None, 12, 8], "float32", 16),
        ("video", [None, 5, 3], "float16", 16),
    ],
}


@pytest.mark.parametrize("name", sorted(INSPECT))
def test_inspect_reports_the_shape_a_request_sends(name: str) -> None:
    data = json.loads(run_cli("inspect", TRITON / name, "--format", "json").stdout)
    assert data["format"] == "triton"
    got = [(i["name"], i["shape"], i["dtype"], i.get("max_batch")) for i in data["inputs"]]
    assert got == INSPECT[name]


def test_the_table_says_how_many_samples_one_request_holds() -> None:
    text = " ".join(run_cli("inspect", TRITON / "lstm_batched").stdout.split())
    assert "x: float32 arrays shaped (batch, time 10, features 3); at most 8 per request;" in text


def test_a_reshape_is_said_and_the_data_is_checked_as_the_client_sends_it() -> None:
    spec = lstmdiag.inspect_model(TRITON / "lstm_reshape" / "config.pbtxt")
    (note,) = spec.notes
    assert note.text == (
        "config.pbtxt reshapes input 'x': a request sends (None, 30), Triton gives the model "
        "(None, 10, 3); data is checked as the request sends it"
    )
    assert lstmdiag.check(TRITON / "lstm_reshape", np.zeros((4, 30), "float32")).ok


# -- check: the verdicts of the doc's rules --------------------------------------------------
# (model, label, shape, dtype, error kinds)
MATRIX = [
    ("lstm_batched", "right", (8, 10, 3), "float32", []),
    ("lstm_batched", "one", (1, 10, 3), "float32", []),
    ("lstm_batched", "too_many", (20, 10, 3), "float32", ["batch"]),
    ("lstm_batched", "short", (2, 8, 3), "float32", ["timesteps"]),
    ("lstm_batched", "features", (2, 10, 4), "float32", ["features"]),
    ("lstm_batched", "no_batch_axis", (10, 3), "float32", ["missing-batch"]),
    ("lstm_batched", "four_d", (2, 10, 3, 1), "float32", ["extra-axis"]),
    ("lstm_batched", "float64", (2, 10, 3), "float64", ["dtype"]),
    ("lstm_batched", "int32", (2, 10, 3), "int32", ["dtype"]),
    ("lstm_unbatched", "many", (50, 10, 3), "float32", []),  # no max_batch_size: dims only
    ("lstm_unbatched", "short", (50, 8, 3), "float32", ["timesteps"]),
    ("lstm_fixed_batch", "right", (4, 10, 3), "float32", []),
    ("lstm_fixed_batch", "two_requests", (8, 10, 3), "float32", ["batch"]),
    ("lstm_fixed_batch", "short_of_one", (6, 10, 3), "float32", ["batch"]),
    ("lstm_reshape", "flat", (4, 30), "float32", []),
    ("lstm_reshape", "unflattened", (4, 10, 3), "float32", ["extra-axis"]),
    ("lstm_reshape", "too_many", (5, 30), "float32", ["batch"]),
]


def _errors(name: str, x: np.ndarray) -> list[Any]:
    report = lstmdiag.check(TRITON / name, x)
    return [f for f in report.findings if f.severity.value == "error"]


@pytest.mark.parametrize(("name", "label", "shape", "dtype", "kinds"), MATRIX)
def test_check_gives_tritons_verdict_and_its_code_fixes_pass(
    name: str, label: str, shape: tuple[int, ...], dtype: str, kinds: list[str]
) -> None:
    x = np.random.default_rng(0).normal(size=shape).astype(dtype)
    errors = _errors(name, x)
    assert sorted(f.kind.value for f in errors) == kinds, [f.message for f in errors]
    for f in errors:
        if not (f.fix or "").startswith(("x = ", "requests = ")) or "keras" in f.fix:
            continue
        scope: dict[str, Any] = {"x": x, "np": np}
        exec(f.fix, scope)
        requests = scope.get("requests", [scope["x"]])
        assert requests and all(not _errors(name, r) for r in requests), (label, f.fix)
        if f.kind.value == "batch":  # every sample is sent, in requests Triton takes
            assert sum(len(r) for r in requests) >= len(x) and len(requests) > 1


def test_a_request_over_max_batch_size_is_split_as_printed() -> None:
    (f,) = _errors("lstm_batched", np.zeros((20, 10, 3), "float32"))
    assert f.fix == "requests = [x[i:i + 8] for i in range(0, len(x), 8)]   # one request each"
    assert f.message.endswith(TRITON_BATCH % 8)
    assert "20 samples in one request to a model that takes at most 8" in f.message


def test_the_sentences_say_what_triton_does() -> None:
    (dtype,) = _errors("lstm_batched", np.zeros((2, 10, 3), "float64"))
    assert dtype.message == f"dtype float64 into a float32 input: {TRITON_DTYPE}"
    assert dtype.fix == "x = x.astype('float32')"
    (steps,) = _errors("lstm_batched", np.zeros((2, 8, 3), "float32"))
    assert steps.message.endswith(TRITON_RAISES) and "Keras" not in steps.message.split(".")[-1]
    (fixed,) = _errors("lstm_fixed_batch", np.zeros((6, 10, 3), "float32"))
    assert fixed.fix is not None and fixed.fix.startswith(
        "x = np.concatenate([x, np.zeros((2, *x.shape[1:]), x.dtype)]); requests = "
    )


def test_the_cli_exit_codes(tmp_path: Path) -> None:
    np.save(tmp_path / "ok.npy", np.zeros((8, 10, 3), "float32"))
    np.save(tmp_path / "big.npy", np.zeros((9, 10, 3), "float32"))
    assert run_cli("check", TRITON / "lstm_batched", tmp_path / "ok.npy").exit_code == 0
    result = run_cli("check", TRITON / "lstm_batched", tmp_path / "big.npy")
    assert result.exit_code == 1 and "requests = [x[i:i + 8]" in result.stdout


def test_the_data_fixtures_as_requests_to_a_max_batch_size_of_2() -> None:
    report = lstmdiag.check(TRITON / "seq_fixed", DATA)
    kinds = sorted((Path(f.path).name, f.kind.value) for f in report.findings)
    assert kinds == [
        ("extra_axis.npy", "extra-axis"),
        ("float64.npy", "dtype"),
        ("long.npy", "timesteps"),
        ("no_batch.npy", "missing-batch"),
        ("ok.npy", "batch"),  # 3 samples
        ("short.npy", "timesteps"),
        ("wrong_features.npy", "features"),
    ]
    assert all(f.severity.value == "error" for f in report.findings)


# -- the SavedModel in the version folder ------------------------------------------------------
def _repository(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(TRITON / name / "config.pbtxt", folder)
    shutil.copytree(EXPORT, folder / "1" / "model.savedmodel")
    return folder


def test_a_savedmodel_that_agrees_with_the_config_gives_no_note(tmp_path: Path) -> None:
    spec = lstmdiag.inspect_model(_repository(tmp_path, "two_input"))
    assert spec.notes == ()
    assert [(i.name, i.shape, i.max_batch) for i in spec.inputs] == [
        ("audio", (None, 10, 8), 16),
        ("video", (None, 5, 3), 16),
    ]
    assert spec.format == "triton"


def test_a_config_that_disagrees_with_its_savedmodel_is_said(tmp_path: Path) -> None:
    spec = lstmdiag.inspect_model(_repository(tmp_path, "two_input_wrong"))
    assert [n.text for n in spec.notes] == [
        "config.pbtxt's input 'audio' gives the model (None, 12, 8) float32, the model's input "
        "'audio' is (None, 10, 8) float32: Triton refuses the model's data, or the model Triton's",
        "config.pbtxt's input 'video' gives the model (None, 5, 3) float16, the model's input "
        "'video' is (None, 5, 3) float32: Triton refuses the model's data, or the model Triton's",
    ]
    assert [n.fix for n in spec.notes] == [
        'in config.pbtxt: input { name: "audio" data_type: TYPE_FP32 dims: [ 10, 8 ] }',
        'in config.pbtxt: input { name: "video" data_type: TYPE_FP32 dims: [ 5, 3 ] }',
    ]


def test_input_names_the_model_does_not_have_are_said(tmp_path: Path) -> None:
    folder = _repository(tmp_path, "two_input")
    config = folder / "config.pbtxt"
    config.write_text(config.read_text().replace('"audio"', '"sound"'))
    spec = lstmdiag.inspect_model(folder)
    assert spec.notes[0].text == (
        "config.pbtxt names the inputs ['sound', 'video'], the model ['audio', 'video']: Triton "
        "requires an input's name to be the model's"
    )


def test_a_damaged_model_in_the_version_folder_leaves_the_config_checked(tmp_path: Path) -> None:
    folder = _repository(tmp_path, "two_input")
    (folder / "1" / "model.savedmodel" / "saved_model.pb").write_bytes(b"\xff" * 40)
    spec = lstmdiag.inspect_model(folder)
    assert [i.name for i in spec.inputs] == ["audio", "video"]
    assert [n.text.split(" (")[0] for n in spec.notes] == ["the model in 1/ cannot be read"]


# -- hostile config.pbtxt --------------------------------------------------------------------
REAL = (TRITON / "lstm_reshape" / "config.pbtxt").read_text()
HOSTILE = {
    "empty": "",
    "truncated": REAL[: len(REAL) // 2],
    "cut_in_a_string": REAL[: REAL.index('"x"') + 2],
    "junk": "\x00\xff\xfe binary \x89PNG\r\n\x1a\n",
    "nested_deep": "a " + "{ b " * 5000 + "}" * 5000,
    "list_deep": "a: " + "[" * 5000 + "]" * 5000,
    "no_input": "max_batch_size: 8\n",
    "negative_batch": 'max_batch_size: -1 input { name: "x" data_type: TYPE_FP32 dims: [1] }',
    "word_batch": 'max_batch_size: many input { name: "x" data_type: TYPE_FP32 dims: [1] }',
    "bool_dims": 'input { name: "x" data_type: TYPE_FP32 dims: [ true ] }',
    "huge_dims": 'input { name: "x" data_type: TYPE_FP32 dims: [ 99999999999999999999999 ] }',
    "float_dims": 'input { name: "x" data_type: TYPE_FP32 dims: [ 1.5 ] }',
    "zero_dims": 'input { name: "x" data_type: TYPE_FP32 dims: [ 0, 3 ] }',
    "no_dims": 'input { name: "x" data_type: TYPE_FP32 }',
    "no_type": 'input { name: "x" dims: [ 3 ] }',
    "unknown_type": 'input { name: "x" data_type: TYPE_QUATERNION dims: [ 3 ] }',
    "no_name": "input { data_type: TYPE_FP32 dims: [ 3 ] }",
    "input_a_number": "input: 5",
    "reshape_a_number": 'input { name: "x" data_type: TYPE_FP32 dims: [ 3 ] reshape: 4 }',
    "bad_escape": 'input { name: "\\x" data_type: TYPE_FP32 dims: [ 3 ] }',
    "unclosed": 'input { name: "x" data_type: TYPE_FP32 dims: [ 3 ',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_config_is_one_line_never_a_traceback(tmp_path: Path, name: str) -> None:
    said = inspect_refuses(tmp_path / "model", "config.pbtxt", HOSTILE[name])
    assert "not a readable Triton model" in said


def test_a_huge_config_is_refused_without_reading_it(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.pbtxt").write_bytes(b"# nothing\n" * (1 << 19))
    result = run_cli("inspect", folder)
    assert result.exit_code == 2 and "larger than lstmdiag reads" in result.output


def test_a_bf16_input_gets_no_numpy_cast_it_cannot_run(tmp_path: Path) -> None:
    (tmp_path / "config.pbtxt").write_text(
        'max_batch_size: 4 input { name: "x" data_type: TYPE_BF16 dims: [ 10, 3 ] }'
    )
    (f,) = lstmdiag.check(tmp_path, np.zeros((2, 10, 3), "float32")).findings
    assert (f.kind.value, f.severity.value, f.fix) == ("dtype", "error", None)
    assert f.message == f"dtype float32 into a bfloat16 input: {TRITON_DTYPE}"


# -- a real Triton server's verdicts ----------------------------------------------------------
SERVER = json.loads((TRITON / "server_truth.json").read_text())
QUOTED = re.compile(r"Triton (?:casts nothing: it )?refuses the request \(INVALID_ARG: ([^)]*)\)")


@pytest.mark.parametrize("case", sorted(SERVER["cases"]))
def test_check_agrees_with_a_real_triton_server(case: str) -> None:
    """fixtures/triton_server.py sent every case of the matrix, and every code fix check
    printed for it, to a real Triton server (2.51, nvidia-pytriton's, serving each config as
    it is): check refuses exactly what the server refused, quotes what it said, and every code
    fix it prints now is one the server took."""
    want = SERVER["cases"][case]
    x = np.random.default_rng(0).normal(size=want["shape"]).astype(want["dtype"])
    errors = _errors(case.split("/")[0], x)
    assert (not errors) == want["accepted"], [f.message for f in errors]
    printed = {
        f.fix
        for f in errors
        if (f.fix or "").startswith(("x = ", "requests = ")) and "keras" not in (f.fix or "")
    }
    assert printed == set(want["fixes"]) and all(want["fixes"].values())
    for f in errors:
        for quote in QUOTED.findall(f.message):
            said = "data-type" if "data-type" in quote else quote
            assert said in want["message"], (quote, want["message"])


@pytest.mark.parametrize("name", sorted(SERVER["inputs"]))
def test_inspect_reports_the_inputs_a_real_triton_server_reports(name: str) -> None:
    """The server's model metadata (name, datatype, shape with -1 free) is inspect's."""
    data = json.loads(run_cli("inspect", TRITON / name, "--format", "json").stdout)
    triton_type = {"float32": "FP32", "float16": "FP16", "float64": "FP64", "int32": "INT32"}
    got = [
        [i["name"], triton_type[i["dtype"]], [-1 if d is None else d for d in i["shape"]]]
        for i in data["inputs"]
    ]
    assert got == SERVER["inputs"][name]
