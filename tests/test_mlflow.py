"""MLflow model folders (issue #26): the input schema MLflow enforces, read statically from
``MLmodel``, and checked as mlflow-skinny's own ``_enforce_schema`` (what
``PyFuncModel.predict`` runs before the model) accepts or refuses data (mlflow_child.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lstmdiag
from lstmdiag.judge.keras_says import (
    MLFLOW_COLUMNS,
    MLFLOW_DTYPE,
    MLFLOW_RAISES,
    MLFLOW_UNSAFE_CAST,
)

from .conftest import MODELS, inspect_refuses, run_cli, run_keras_child

MLFLOW = MODELS / "mlflow"
TRUTH = json.loads((MLFLOW / "truth.json").read_text())
HAS_MLFLOW = importlib.util.find_spec("mlflow") is not None


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_inspect_reports_the_inputs_mlflow_enforces(name: str) -> None:
    want = TRUTH[name]
    data = json.loads(run_cli("inspect", MODELS / name, "--format", "json").stdout)
    assert data["format"] == "mlflow"
    assert data.get("input_example") == want["input_example"]
    if "type" in want["inputs"][0]:  # a column signature: one table of named columns
        (got,) = data["inputs"]
        assert got["columns"] == [c["name"] for c in want["inputs"]]
        assert (got["shape"], got["dtype"]) == ([None, len(want["inputs"])], "float64")
        return
    got = [(i["shape"], i["dtype"]) for i in data["inputs"]]
    free = [([None if d == -1 else d for d in w["shape"]], w["dtype"]) for w in want["inputs"]]
    assert got == free
    for i, w in zip(data["inputs"], want["inputs"], strict=True):
        # an unnamed spec (MLflow feeds it the whole array): the Keras input's name
        assert i["name"] == (w["name"] or "input_layer")


def test_the_mlmodel_file_itself_reads_as_its_folder() -> None:
    spec = lstmdiag.inspect_model(MLFLOW / "lstm_tensor" / "MLmodel")
    assert [(i.shape, i.dtype) for i in spec.inputs] == [((None, 10, 3), "float32")]
    assert [r.class_name for r in spec.recurrent] == ["LSTM"]  # the Keras model in data/


def test_a_signature_looser_than_the_keras_model_is_said() -> None:
    spec = lstmdiag.inspect_model(MLFLOW / "lstm_free_steps")
    (note,) = spec.notes
    assert note.text == (
        "the signature's input 'input_layer' is (None, None, 3) float32, the Keras model's "
        "'input_layer' is (None, 10, 3) float32: MLflow lets through data the model refuses, "
        "or refuses data it takes"
    )
    assert note.fix.endswith("[TensorSpec(np.dtype('float32'), (-1, 10, 3))]))")
    report = lstmdiag.check(MLFLOW / "lstm_free_steps", np.zeros((2, 8, 3), "float32"))
    assert [(f.kind.value, f.severity.value) for f in report.findings] == [
        ("model-structure", "warning")
    ]


def test_with_no_signature_the_keras_model_judges(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(MLFLOW / "lstm_tensor", folder)
    meta = (folder / "MLmodel").read_text()
    start, end = meta.index("signature:"), meta.index("type_hint_from_example:")
    (folder / "MLmodel").write_text(meta[:start] + meta[end:])  # as a model logged without one
    spec = lstmdiag.inspect_model(folder)
    assert spec.format == "keras"  # no schema: MLflow passes the data on as it is
    assert spec.notes[-1].text.startswith("the MLmodel has no signature: MLflow has no schema")
    (f, _) = lstmdiag.check(folder, np.zeros((2, 8, 3), "float32")).findings
    assert "MLflow" not in f.message and "Keras 3 runs a Sequential model on it" in f.message


def test_the_cli_checks_data_files_against_the_signature(tmp_path: Path) -> None:
    model = MLFLOW / "lstm_tensor"
    np.save(tmp_path / "right.npy", np.zeros((3, 10, 3), "float32"))
    np.save(tmp_path / "f64.npy", np.zeros((3, 10, 3)))
    assert run_cli("check", model, tmp_path / "right.npy").exit_code == 0
    result = run_cli("check", model, tmp_path / "f64.npy")
    assert result.exit_code == 1
    assert f"dtype float64 into a float32 input: {MLFLOW_DTYPE}" in " ".join(result.stdout.split())
    assert "fix: x = x.astype('float32')" in result.stdout
    inspected = run_cli("inspect", model).stdout
    assert "do not check the time axis" not in inspected  # MLflow checks it before Keras


def test_the_printed_pad_command_gives_data_the_signature_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = MLFLOW / "lstm_tensor"
    np.save(tmp_path / "short.npy", np.ones((4, 8, 3), "float32"))
    monkeypatch.chdir(tmp_path)
    (f,) = lstmdiag.check(model, "short.npy").findings
    assert f.fix == f"lstmdiag pad short.npy --model {model} --out padded/"
    assert run_cli(*f.fix.split()[1:]).exit_code == 0
    assert np.load(tmp_path / "padded" / "short.npy").shape == (4, 10, 3)
    assert lstmdiag.check(model, "padded").ok


# -- check agrees with MLflow ------------------------------------------------------------------
KINDS = {
    ("lstm_tensor", "short"): ["timesteps"],
    ("lstm_tensor", "long"): ["timesteps"],
    ("lstm_tensor", "features"): ["features"],
    ("lstm_tensor", "missing_batch"): ["missing-batch"],
    ("lstm_tensor", "four_d"): ["extra-axis"],
    ("lstm_tensor", "float64"): ["dtype"],
    ("lstm_tensor", "float16"): ["dtype"],
    ("lstm_tensor", "int64"): ["dtype"],
    ("lstm_tensor", "int32"): ["dtype"],
    ("lstm_tensor", "bool"): ["dtype"],
    ("lstm_free_steps", "features"): ["features"],
    ("lstm_free_steps", "float64"): ["dtype"],
    ("columns", "bare_3d"): ["signature"],
    ("columns", "bare_2d"): ["signature"],
    ("unnamed_double", "two_columns"): ["signature"],
    ("unnamed_double", "sequences"): ["signature"],
    ("unnamed_float", "rows_float64"): ["dtype"],
}
# what each sentence lstmdiag says about MLflow claims, as MLflow's own exception says it
SAYS = {
    MLFLOW_RAISES: ("MlflowException: Shape of input", "does not match expected shape"),
    MLFLOW_DTYPE: ("MlflowException: dtype of input", "does not match expected dtype"),
    MLFLOW_UNSAFE_CAST: ("MlflowException: Incompatible input types", "Can not safely convert"),
}


@pytest.fixture(scope="module")
def judged() -> dict[str, Any]:
    if not HAS_MLFLOW:
        pytest.skip("mlflow-skinny is not installed (the dev extra)")
    folders = [MLFLOW / n for n in ("lstm_tensor", "lstm_free_steps", "columns")]
    return dict(json.loads(run_keras_child("mlflow_child.py", *folders)))


TENSOR_CASES = ("right", "one", "short", "long", "features", "missing_batch", "four_d")
DTYPE_CASES = ("float64", "float16", "int64", "int32", "bool")
CASES = [
    *(("lstm_tensor", label) for label in TENSOR_CASES + DTYPE_CASES),
    ("lstm_free_steps", "right"),
    ("lstm_free_steps", "short"),  # the signature leaves the time axis free: MLflow lets it by
    ("lstm_free_steps", "long"),
    ("lstm_free_steps", "features"),
    ("lstm_free_steps", "float64"),
    ("columns", "bare_3d"),
    ("columns", "bare_2d"),
    ("unnamed_double", "rows_float64"),
    ("unnamed_double", "rows_float32"),  # a safe cast: MLflow makes it
    ("unnamed_double", "rows_int32"),
    ("unnamed_double", "two_columns"),
    ("unnamed_double", "sequences"),
    ("unnamed_float", "rows_float64"),
    ("unnamed_float", "rows_float32"),
]


@pytest.mark.keras
def test_every_case_of_the_matrix_is_judged(judged: dict[str, Any]) -> None:
    assert sorted((m, c) for m, cases in judged.items() for c in cases) == sorted(CASES)


@pytest.mark.keras
@pytest.mark.parametrize(("model", "label"), CASES)
def test_check_agrees_with_mlflow_and_its_code_fixes_pass_both(
    judged: dict[str, Any], model: str, label: str
) -> None:
    case = judged[model][label]
    assert case["check_ok"] == (case["mlflow"] is True), case
    assert case["kinds"] == KINDS.get((model, label), []), case
    for fix in case["fixes"]:
        if fix.get("code") is False:  # the model is to change, not the data
            assert case["kinds"] in (["features"], ["signature"]), fix
            continue
        assert fix["mlflow"] is True and fix["check_ok"] is True, fix
    for message in case["messages"]:
        for sentence, (start, words) in SAYS.items():
            if sentence in message:
                assert case["mlflow"].startswith(start) and words in case["mlflow"], message
        if MLFLOW_COLUMNS in message:
            two_d = "missing inputs" in case["mlflow"]
            assert two_d or case["mlflow"].startswith("ValueError: Must pass 2-d input"), case


# -- hostile MLmodel files ---------------------------------------------------------------------
REAL = (MLFLOW / "lstm_tensor" / "MLmodel").read_text()
HOSTILE = {
    "empty": "",
    "truncated": REAL[: len(REAL) // 2],
    "cut_in_a_quote": REAL[: REAL.index("[-1") + 2],
    "junk": "\x00\xff\xfe binary \x89PNG\r\n\x1a\n",
    "a_list": "- 1\n- 2\n",
    "a_scalar": "just text",
    "nested_deep": "".join(" " * i + f"k{i}:\n" for i in range(2000)),
    "flow_deep": "signature: " + "[" * 5000 + "]" * 5000 + "\n",
    "json_deep": "signature:\n  inputs: '" + "[" * 5000 + "]" * 5000 + "'\n",
    "signature_a_number": "signature: 5\n",
    "inputs_not_json": "signature:\n  inputs: '[{oops'\n",
    "inputs_a_dict": 'signature:\n  inputs: \'{"type": "tensor"}\'\n',
    "shape_words": 'signature:\n  inputs: \'[{"type": "tensor", "tensor-spec": '
    '{"dtype": "float32", "shape": ["a", 3]}}]\'\n',
    "shape_huge": 'signature:\n  inputs: \'[{"type": "tensor", "tensor-spec": '
    '{"dtype": "float32", "shape": [-1, 1e400, 3]}}]\'\n',
    "mixed_specs": 'signature:\n  inputs: \'[{"type": "tensor", "tensor-spec": '
    '{"dtype": "float32", "shape": [-1]}}, {"type": "double"}]\'\n',
    "anchor": "signature: &a\n  inputs: *a\n",
    "tabs": "signature:\n\tinputs: x\n",
    "bad_escape": 'signature: "\\q"\n',
    # the fuzzer's flip of -1 to -0: a fixed batch of 0 (check divided by it)
    "zero_dim": REAL.replace("[-1, 10,", "[-0, 10,"),
    "no_signature_no_model": "flavors: {}\n",
    "keras_flavour_no_file": "flavors:\n  keras:\n    data: ../../..\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_mlmodel_is_one_line_never_a_traceback(tmp_path: Path, name: str) -> None:
    inspect_refuses(tmp_path / "model", "MLmodel", HOSTILE[name])


def test_a_huge_mlmodel_is_refused_without_reading_it(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "MLmodel").write_bytes(b"a: b\n" * (1 << 20))
    result = run_cli("inspect", folder)
    assert result.exit_code == 2
    assert "larger than lstmdiag reads" in result.output and result.output.count("\n") == 1


@pytest.mark.parametrize(
    "text",
    [
        "".join(f"k{i}:\n- a\n" for i in range(200_000)),  # a sequence per key
        "".join(f'k{i}: "a b"\n' for i in range(200_000)),  # a quoted scalar per key
    ],
    ids=["sequences", "quoted"],
)
def test_a_large_mlmodel_is_read_in_linear_time(tmp_path: Path, text: str) -> None:
    import time

    (tmp_path / "MLmodel").write_text(text)  # 2.5 MB: was more than a minute (quadratic)
    start = time.perf_counter()
    result = run_cli("inspect", tmp_path)
    assert result.exit_code == 2 and "no signature" in result.output
    assert time.perf_counter() - start < 15


def test_a_damaged_keras_model_inside_leaves_the_signature_checked(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(MLFLOW / "lstm_tensor", folder)
    (folder / "data" / "model.keras").write_bytes(b"PK\x03\x04 not a zip")
    spec = lstmdiag.inspect_model(folder)
    assert [(i.shape, i.dtype) for i in spec.inputs] == [((None, 10, 3), "float32")]
    assert [n.text.split(" (")[0] for n in spec.notes] == ["its Keras model cannot be read"]
