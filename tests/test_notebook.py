"""``%load_ext lstmdiag``: in a real Jupyter kernel a failing Keras cell keeps its traceback
and is followed by the diagnosis; ``%lstmdiag off`` stops that; a Report shows as a table.
The handler's own rules (which errors are Keras's, nothing hides the traceback) are tested
without a kernel below it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import lstmdiag
from lstmdiag import notebook
from lstmdiag.judge.diagnosis import Diagnosis

KERAS_FILE = "/venv/lib/python3.11/site-packages/keras/src/layers/fake.py"


def _raise_in(module: str, filename: str, exc: BaseException) -> BaseException:
    """``exc`` raised from a function of module ``module`` in file ``filename``."""
    namespace: dict[str, Any] = {"__name__": module, "exc": exc}
    exec(compile("def f():\n    raise exc\n", filename, "exec"), namespace)
    try:
        namespace["f"]()
    except BaseException as raised:
        return raised
    raise AssertionError("not raised")


def test_keras_errors_are_told_from_others() -> None:
    assert notebook.from_keras(_raise_in("keras.src.layers.fake", KERAS_FILE, ValueError("x")))
    # numpy's error from inside Keras's code, known by its file alone
    assert notebook.from_keras(
        _raise_in("fake", KERAS_FILE.replace("keras", "tf_keras"), ValueError())
    )
    assert not notebook.from_keras(_raise_in("mine", "/home/me/keras/train.py", ValueError()))
    assert not notebook.from_keras(_raise_in("__main__", "/tmp/ipykernel_1/2.py", KeyError()))
    tf_error = type("InvalidArgumentError", (Exception,), {"__module__": "tensorflow.errors"})
    assert notebook.from_keras(tf_error("no traceback at all"))
    inner = _raise_in("keras.src.x", KERAS_FILE, ValueError("inner"))
    try:
        raise RuntimeError("my wrapper") from inner
    except RuntimeError as outer:
        assert notebook.from_keras(outer)


class FakeShell:
    """What the handler uses of IPython's shell: showtraceback, recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def showtraceback(self, exc_tuple: tuple[Any, ...], tb_offset: int | None = None) -> None:
        self.calls.append(("traceback", exc_tuple[1]))


def test_the_traceback_comes_first_and_nothing_hides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("IPython")
    import IPython.display

    shown: list[object] = []
    diagnosis = Diagnosis("features", "data", "T", "C", "F")
    monkeypatch.setattr(IPython.display, "display", shown.append)
    monkeypatch.setattr(notebook, "explain_exception", lambda exc: diagnosis)
    error = _raise_in("keras.src.x", KERAS_FILE, ValueError("bad shape"))
    shell = FakeShell()
    notebook._show_with_diagnosis(shell, ValueError, error, error.__traceback__)
    assert shell.calls == [("traceback", error)] and shown == [diagnosis]

    def broken(exc: BaseException) -> None:
        raise RuntimeError("a bug in lstmdiag")

    monkeypatch.setattr(notebook, "explain_exception", broken)
    notebook._show_with_diagnosis(shell, ValueError, error, error.__traceback__)  # no raise
    assert shell.calls == [("traceback", error)] * 2 and shown == [diagnosis]
    other = _raise_in("mine", "/home/me/train.py", ValueError("mine"))
    monkeypatch.setattr(notebook, "explain_exception", lambda exc: diagnosis)
    notebook._show_with_diagnosis(shell, ValueError, other, other.__traceback__)
    assert shell.calls[-1] == ("traceback", other) and shown == [diagnosis]  # not Keras's


def test_the_magic_refuses_other_words() -> None:
    pytest.importorskip("IPython")
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="on, off or nothing"):
        notebook._magic("maybe")


SETUP = """\
import numpy as np
import keras
import lstmdiag
model = keras.Sequential([keras.Input((10, 8)), keras.layers.LSTM(4), keras.layers.Dense(1)])
"""
# Keras 3 Sequential runs 4 timesteps into a 10-step model without an error; 5 features
# into an LSTM whose kernel takes 8 raise in every Keras.
FAILING = "model.predict(np.zeros((1, 10, 5)), verbose=0)"


def _notebook_cells() -> list[str]:
    return [
        "%load_ext lstmdiag",
        SETUP,
        FAILING,
        "%lstmdiag off",
        FAILING,
        "%lstmdiag on\n%lstmdiag",
        "lstmdiag.check(model, np.zeros((3, 10, 5), 'float32'))",
        "{}['not keras']",
    ]


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[dict[str, Any]]]:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "-1")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    # the kernel imports the lstmdiag under test, wherever the kernel starts
    src = str(Path(lstmdiag.__file__).resolve().parents[1])
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in _notebook_cells()]
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",  # ipykernel's own: the python running these tests
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    return [[dict(o) for o in cell.outputs] for cell in nb.cells]


def _of(outputs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in outputs if o["output_type"] == kind]


@pytest.mark.keras
def test_a_real_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load, setup, failing, off, failing_off, state, report, other = _run(tmp_path, monkeypatch)
    assert load == [] and not _of(setup, "error"), (load, setup)
    assert off == []  # %lstmdiag off says nothing

    (error,) = _of(failing, "error")  # the traceback is still there, whole
    assert error["ename"] == "ValueError" and any("predict" in line for line in error["traceback"])
    (shown,) = _of(failing, "display_data")
    kinds = [o["output_type"] for o in failing if o["output_type"] != "stream"]
    assert kinds == ["error", "display_data"]  # the traceback first, then the diagnosis
    page, text = shown["data"]["text/html"], shown["data"]["text/plain"]
    assert "wrong number of features: 5 instead of 8" in page and "(features)" in page
    assert "<pre><code>build the features the model was trained with" in page
    assert "Fix: build the features the model was trained with" in text

    assert _of(failing_off, "error") and not _of(failing_off, "display_data"), failing_off
    assert any("is on" in o.get("text", "") for o in _of(state, "stream")), state

    (result,) = _of(report, "execute_result")
    table = result["data"]["text/html"]
    assert "<td><code>&lt;input_layer&gt;</code></td><td>(3, 10, 5)</td>" in table
    assert "error features</td><td>wrong number of features: 5 instead of 8" in table
    assert "0 ok, 0 warnings, 1 error" in table

    assert _of(other, "error") and not _of(other, "display_data")  # not Keras's: no diagnosis
