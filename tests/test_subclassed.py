"""Subclassed root models (issue #15): describe the functional sub-models a file holds, say
that the root's call() cannot be read, and decline clearly when nothing can be described."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lstmdiag
from lstmdiag.errors import LstmdiagError
from lstmdiag.model import read_model
from lstmdiag.model.config import spec_from_config

from .conftest import MODELS, run_cli, run_keras_child

CHILD = Path(__file__).with_name("keras_subclassed_child.py")


def _root_with(sub: dict[str, Any]) -> dict[str, Any]:
    """A Keras 3 style subclassed root whose get_config() serialized one sub-model."""
    return {
        "module": None,
        "class_name": "Pair",
        "registered_name": "lstmdiag_tests>Pair",
        "config": {"name": "pair", "trainable": True, "encoder": sub},
        "build_config": {"input_shape": [1, 10, 8]},
    }


def _functional() -> dict[str, Any]:
    return read_json("k3/func_masking.json")


def read_json(name: str) -> dict[str, Any]:
    return dict(json.loads((MODELS / name).read_text()))


def test_sub_models_in_the_root_config_are_described() -> None:
    inner = read_model(MODELS / "k3/func_masking.json")
    spec = spec_from_config(_root_with(_functional()), path="p", fmt="json", keras_version="3.0")
    assert spec.model_class == "Pair (subclassed)"
    assert [name for name, _ in spec.submodels] == ["encoder"]
    assert spec.inputs == inner.inputs and spec.recurrent == inner.recurrent
    assert spec.masking == inner.masking
    (note,) = spec.notes
    assert "'Pair' is subclassed" in note.text and "encoder: " in note.text
    assert "model.encoder.save('encoder.keras')" in note.fix


def test_two_sub_models_sharing_an_input_name_are_qualified() -> None:
    root = _root_with(_functional())
    root["config"]["decoder"] = _functional()
    spec = spec_from_config(root, path="p", fmt="json", keras_version="3.0")
    names = [i.name for i in spec.inputs]
    assert len(names) == 2 and names[0].startswith("encoder/") and names[1].startswith("decoder/")
    assert {r.input for r in spec.recurrent} == set(names)
    assert {m.input for m in spec.masking} == set(names)


def test_a_functionally_built_subclass_is_read_as_its_graph() -> None:
    """``class MyModel(keras.Model)`` built with ``MyModel(inputs, outputs)`` saves a full
    graph under its own class name; it is read like any functional model, nested too."""
    plain = read_model(MODELS / "k3/func_masking.json")
    top = read_json("k3/func_masking.json")
    top["class_name"] = "MyModel"
    spec = spec_from_config(top, path="p", fmt="json", keras_version="3.0")
    assert spec.model_class == "MyModel" and spec.notes == () and not spec.submodels
    assert (spec.inputs, spec.recurrent, spec.masking) == (
        plain.inputs,
        plain.recurrent,
        plain.masking,
    )


def test_an_opaque_subclassed_root_is_declined_with_what_the_file_says() -> None:
    root = _root_with({})
    root["config"] = {"name": "pair", "trainable": True}
    with pytest.raises(LstmdiagError) as err:
        spec_from_config(root, path="p", fmt="keras", keras_version="3.0")
    text = str(err.value)
    assert "'Pair' is a subclassed model" in text and "[1, 10, 8]" in text
    assert "describes none of its sub-models" in text


def test_check_of_a_subclassed_root(tmp_path: Path) -> None:
    """Data for one sub-model only: no missing-input for the unfed one, and the model warning
    is counted in the summary."""
    root = _root_with(_functional())
    root["config"]["decoder"] = read_json("k3/seq_none.json")
    model = tmp_path / "pair.json"
    model.write_text(json.dumps(root))
    spec = read_model(model)
    feed = spec.submodels[0][1].inputs[0]
    data = tmp_path / f"{feed.name}.npy"
    np.save(data, np.zeros((2, *(d or 3 for d in feed.shape[1:])), np.float32))
    report = lstmdiag.check(spec, str(data))
    assert [f.kind.value for f in report.findings] == ["model-structure"]
    assert report.summary.dataset_warnings == 1 and report.exit_code() == 0
    out = run_cli("check", model, data).stdout
    assert "1 warning, 0 errors (1 about the model or the dataset as a whole)" in out


@pytest.mark.keras
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
@pytest.mark.parametrize("flavour", ["tf_keras", "keras"])
def test_subclassed_models_saved_by_real_keras(flavour: str, tmp_path: Path) -> None:
    truth = json.loads(run_keras_child(CHILD.name, flavour, tmp_path))
    for name, expect in truth.items():
        path = tmp_path / name
        if expect["root"] == "graph":  # a keras.Model subclass built functionally: read whole
            spec = read_model(path)
            got = [[r.name, list(r.input_shape or ())] for r in spec.recurrent]
            assert (spec.model_class, got, spec.notes) == (expect["class"], expect["recurrent"], ())
            continue
        if expect["root"] is None:  # a functional SavedModel with a custom layer inside
            spec = read_model(path)
            got = [[r.name, list(r.input_shape or ())] for r in spec.recurrent]
            assert got == expect["recurrent"] and spec.unknown_layers and spec.notes == ()
            continue
        if expect["submodels"] is None:
            result = run_cli("inspect", path)
            assert result.exit_code == 2
            assert f"'{expect['root']}' is a subclassed model" in result.stderr
            assert "Traceback" not in result.output
            continue
        spec = read_model(path)
        assert spec.model_class == f"{expect['root']} (subclassed)"
        assert [n for n, _ in spec.submodels] == list(expect["submodels"])
        for (sub_name, sub), want in zip(spec.submodels, expect["submodels"].values(), strict=True):
            got_inputs = [{"name": i.name, "shape": list(i.shape)} for i in sub.inputs]
            assert got_inputs == want["inputs"], sub_name
            got_rnn = [[r.name, list(r.input_shape or ())] for r in sub.recurrent]
            assert got_rnn == want["recurrent"], sub_name
        assert run_cli("inspect", path).exit_code == 0
