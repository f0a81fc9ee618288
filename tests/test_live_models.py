"""Live Keras models in the API (issue #25): ``check(model, x)`` reads a live keras.Model
through its own serialized config, as its saved file is read, and never calls it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import lstmdiag

from .conftest import DATA, MODELS, run_keras_child

# Loading these runs their code (a Lambda's bytecode, a custom layer): not loaded here.
UNLOADABLE = {"custom_before_lstm", "lambda_canary"}


@pytest.mark.keras
@pytest.mark.parametrize(
    ("flavour", "folder", "suffix"), [("keras3", "k3", ".keras"), ("tf_keras", "k2", ".h5")]
)
def test_a_live_model_reads_and_checks_as_its_saved_file(
    flavour: str, folder: str, suffix: str
) -> None:
    paths = sorted(p for p in (MODELS / folder).glob(f"*{suffix}") if p.stem not in UNLOADABLE)
    assert len(paths) >= 15
    result = json.loads(run_keras_child("keras_live_child.py", flavour, DATA, *paths))
    assert set(result) == {p.name for p in paths}
    for name, got in result.items():
        assert got["spec_diff"] == [], name
        assert got["same_findings"], name
        assert got["live_path"].startswith("<") and got["live_path"].endswith("'>"), name
    assert sum(got["applied"] for got in result.values()) >= 10  # pad fixes run as printed


def test_an_object_that_is_no_model_is_one_clear_error() -> None:
    with pytest.raises(lstmdiag.LstmdiagError) as err:
        lstmdiag.check(object(), np.zeros((1, 10, 8), np.float32))
    assert str(err.value) == (
        "model: a builtins.object is not a model lstmdiag reads; give a keras.Model, a "
        "ModelSpec, or the path of a saved model (.keras, .h5, .json or a SavedModel folder)"
    )
    with pytest.raises(lstmdiag.LstmdiagError):
        lstmdiag.inspect_model(42)


def test_live_reading_needs_no_keras_import(tmp_path: Path) -> None:
    """A stand-in object of the keras package's shape: read from its to_json(), without
    importing Keras or TensorFlow (neither is loaded in this process after the read)."""
    import subprocess

    code = (
        "import sys, types, json\n"
        "mod = types.ModuleType('keras.src.models.sequential'); sys.modules[mod.__name__] = mod\n"
        f"cfg = open({str(MODELS / 'k3/seq_fixed.json')!r}).read()\n"
        "class Sequential:\n"
        "    name = 'seq'; layers = []\n"
        "    def to_json(self): return cfg\n"
        "    def __call__(self, *a): raise AssertionError('called')\n"
        "Sequential.__module__ = mod.__name__\n"
        "import lstmdiag, numpy as np\n"
        "r = lstmdiag.check(Sequential(), np.zeros((2, 7, 8), 'float32'))\n"
        "print(r.model.path, [f.kind.value for f in r.findings], r.findings[0].fix)\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("<Sequential 'seq'> ['timesteps']")
