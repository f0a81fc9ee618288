"""The static model reader against what live Keras reported, and against the real corpus."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from lstmdiag.errors import LstmdiagError
from lstmdiag.model import read_model

from .conftest import CORPUS, MODELS, TRUTH


@pytest.mark.parametrize(
    "name", sorted(n for n in TRUTH if "signature" not in TRUTH[n] and "custom" not in TRUTH[n])
)
def test_reader_matches_live_keras(name: str) -> None:
    truth = TRUTH[name]
    spec = read_model(MODELS / name)
    assert [{"shape": list(i.shape), "dtype": i.dtype} for i in spec.inputs] == truth["inputs"]
    got = [
        {
            "name": r.name,
            "class_name": r.class_name,
            "wrapper": r.wrapper,
            "units": r.units,
            "input_shape": None if r.input_shape is None else list(r.input_shape),
            "return_sequences": r.return_sequences,
            "stateful": r.stateful,
            "go_backwards": r.go_backwards,
        }
        for r in spec.recurrent
    ]
    assert got == truth["recurrent"]
    masks = [
        {"layer": m.layer, "class_name": m.class_name, "mask_value": m.mask_value}
        for m in spec.masking
    ]
    assert masks == truth["masking"]
    # Every model input each recurrent layer's call depends on (keyword tensors included).
    if "recurrent_inputs" in truth:
        assert [list(r.inputs) for r in spec.recurrent] == truth["recurrent_inputs"]
    elif len(spec.inputs) == 1:
        assert all(r.inputs == (spec.inputs[0].name,) for r in spec.recurrent)
    if name.endswith(".json") and name.startswith("k3/"):
        assert spec.keras_version is None  # Keras 3 to_json() does not record it
    else:
        assert spec.keras_version == truth["keras_version"]
    assert spec.keras_major == int(truth["keras_version"].split(".")[0])
    assert spec.format == {".keras": "keras", ".h5": "h5", ".json": "json"}[Path(name).suffix]
    assert spec.unknown_layers == ()


def _corpus_cases() -> list[str]:
    expected = CORPUS / "expected.json"
    if not expected.is_file():
        return []
    return sorted(json.loads(expected.read_text()))


@pytest.mark.parametrize("name", _corpus_cases())
def test_corpus_model(name: str, corpus: Path) -> None:
    case = json.loads((corpus / "expected.json").read_text())[name]
    path = corpus / case["file"]
    if case["negative"]:
        with pytest.raises(LstmdiagError, match="weights-only"):
            read_model(path)
        return
    spec = read_model(path)
    assert [list(i.shape) for i in spec.inputs] == case["inputs"]
    assert [None if r.input_shape is None else list(r.input_shape) for r in spec.recurrent] == case[
        "recurrent_inputs"
    ]
    assert spec.format == ("savedmodel" if case["savedmodel"] else spec.format)


def test_corpus_details(corpus: Path) -> None:
    masking = read_model(corpus / "dl4j_masking2_lstm_k220.h5").masking
    assert [(m.class_name, m.mask_value) for m in masking] == [("Masking", 2.0)]
    concat = read_model(corpus / "dl4j_concat_embed_maskzero_arch_k213.json")
    assert [i.dtype for i in concat.inputs] == ["int32", "float32"]
    assert [(m.class_name, m.input) for m in concat.masking] == [("Embedding", "word_ids")]
    poem = read_model(corpus / "poem_stateful_gru_k215.h5")
    assert all(r.stateful for r in poem.recurrent)
    dotkeras = read_model(corpus / "bilstm_hdf5_named_dotkeras_k210.keras")
    assert dotkeras.format == "h5"  # sniffed by magic bytes, not by name
    assert read_model(corpus / "dfdc_NO_RNN_arch_k231.json").recurrent == ()
    keras1 = read_model(corpus / "dl4j_keras1_lstm_tddense_arch_k110.json")
    assert [r.units for r in keras1.recurrent] == [3, 2]


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    cases = {
        "missing.h5": (None, "no such file"),
        "empty.keras": (b"", "empty"),
        "text.h5": (b"hello world", "not a Keras model file"),
        "bad.json": (b"{not json", "not valid JSON"),
        "layer.json": (b'{"class_name": "Dense", "config": {}}', "not a model"),
        "noconfig.keras": ("zip", "no config.json"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if content == "zip":
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("metadata.json", "{}")
        elif content is not None:
            path.write_bytes(content)  # type: ignore[arg-type]
        with pytest.raises(LstmdiagError, match=message) as info:
            read_model(path)
        assert "\n" not in str(info.value)
        assert name in str(info.value)


def test_h5_without_model_config(tmp_path: Path) -> None:
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [b"lstm_1"]
        f.create_group("lstm_1")
    with pytest.raises(LstmdiagError, match="weights-only"):
        read_model(path)


def test_folder_that_is_not_a_savedmodel(tmp_path: Path) -> None:
    with pytest.raises(LstmdiagError, match="not a TF SavedModel"):
        read_model(tmp_path)


def test_inspect_imports_neither_tensorflow_nor_keras() -> None:
    code = (
        "import sys\n"
        "from lstmdiag.cli import app\n"
        "from typer.testing import CliRunner\n"
        f"r = CliRunner().invoke(app, ['inspect', {str(MODELS / 'k3/func_masking.keras')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        f"r = CliRunner().invoke(app, ['check', {str(MODELS / 'k2/seq_fixed.h5')!r}, "
        f"{str(MODELS.parent / 'data')!r}])\n"
        "heavy = [m for m in sys.modules\n"
        "         if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras')]\n"
        "print(heavy)\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("name", _corpus_cases())
def test_corpus_through_the_cli(name: str, corpus: Path) -> None:
    from .conftest import run_cli

    case = json.loads((corpus / "expected.json").read_text())[name]
    result = run_cli("inspect", corpus / case["file"], "--format", "json")
    if case["negative"]:
        assert result.exit_code == 2 and "weights-only" in result.stderr
        return
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [i["shape"] for i in data["inputs"]] == case["inputs"]
    assert data["format"] == ("savedmodel" if case["savedmodel"] else data["format"])


@pytest.mark.parametrize("name", sorted(n for n in TRUTH if "custom" in TRUTH[n]))
def test_weights_witness_after_a_custom_layer(name: str) -> None:
    """Read without the custom layer's class, shapes stop at it; the LSTM's saved kernel
    still gives the features that reach it, exactly what the live model reported."""
    (live,) = TRUTH[name]["recurrent"]
    spec = read_model(MODELS / name)
    (layer,) = spec.recurrent
    assert spec.unknown_layers  # the custom layer was not understood, nor run
    assert layer.kernel_features == live["input_shape"][-1] == 16
    assert layer.input_shape is not None and layer.input_shape[-1] == 16
    assert layer.input_shape[1] in (None, live["input_shape"][1])  # time: known or honest None
    if name.startswith("k3/"):  # Keras 3 records every layer's build shape: all of it is known
        assert layer.input_shape == tuple(live["input_shape"])
    assert spec.notes == ()


def test_a_recorded_build_shape_that_contradicts_the_config_is_said(tmp_path: Path) -> None:
    """Keras 3 writes the shape each layer was built on; an edited Input shape no longer
    matches it, and neither is silently trusted."""
    top = json.loads((MODELS / "k3/seq_fixed.json").read_text())
    first = top["config"]["layers"][0]["config"]
    assert first["batch_shape"] == [None, 10, 8]
    first["batch_shape"] = [None, 10, 5]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(top))
    spec = read_model(edited)
    assert [n.text for n in spec.notes] == [
        "layer 'lstm': the config's shapes give it (None, 10, 5), but it was built on "
        "(None, 10, 8); the file is inconsistent (an edited config?), so its shapes cannot be "
        "trusted"
    ]
    assert read_model(MODELS / "k3/seq_fixed.json").notes == ()


def test_every_fixture_and_corpus_kernel_agrees_with_the_config(corpus: Path) -> None:
    paths = sorted(MODELS.glob("k*/*.keras")) + sorted(MODELS.glob("k*/*.h5"))
    paths += sorted(corpus.glob("*.h5")) + sorted(corpus.glob("*.keras"))
    witnessed = 0
    for path in paths:
        try:
            spec = read_model(path)
        except LstmdiagError:
            continue  # weights-only files
        assert spec.notes == (), (path, spec.notes)
        witnessed += sum(r.kernel_features is not None for r in spec.recurrent)
    assert witnessed >= 90


def test_a_config_that_disagrees_with_its_weights_is_said(tmp_path: Path) -> None:
    import shutil

    src = tmp_path / "edited.h5"
    shutil.copy(MODELS / "k2/stacked.h5", src)
    with h5py.File(src, "r+") as f:
        config = f.attrs["model_config"]
        text = config.decode() if isinstance(config, bytes) else config
        f.attrs["model_config"] = text.replace("10, 8]", "10, 5]")  # the input now says 5
    spec = read_model(src)
    assert spec.inputs[0].shape == (None, 10, 5)
    assert any("its saved kernel (8, 32) takes 8" in n.text for n in spec.notes)
    from lstmdiag.data.discover import describe_paths
    from lstmdiag.judge.checks import check_arrays

    np.save(tmp_path / "x.npy", np.zeros((1, 10, 5), np.float32))
    report = check_arrays(spec, describe_paths([str(tmp_path / "x.npy")]))
    kinds = [(f.kind.value, f.severity.value, f.culprit) for f in report.findings]
    assert ("model-structure", "warning", "model") in kinds
