"""``--verify``: ask real Keras what it does with each distinct input shape.

Keras runs in a child process (``python -m lstmdiag.verify``): TensorFlow can abort a whole
process on a bad shape, and importing it costs seconds we do not want in the parent. The child
loads the model with ``compile=False`` (and ``safe_mode=True`` where Keras has it), feeds one
zero batch per requested shape to ``model.predict`` and prints one JSON line per shape.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from .errors import LstmdiagError


@dataclass(frozen=True)
class KerasOutcome:
    """What real Keras did with one input batch."""

    shapes: tuple[tuple[int, ...], ...]
    ran: bool
    output_shape: tuple[int, ...] | None
    error: str | None  # "ExceptionType: first line"
    keras: str  # "keras 3.x.y" or "tf_keras 2.x.y"


def flavour_for(keras_version: str | None) -> str:
    """Keras 1/2 files run under tf_keras when it is installed; Keras 3 files under keras."""
    if keras_version and keras_version.split(".", 1)[0] in ("1", "2"):
        try:
            import importlib.util

            if importlib.util.find_spec("tf_keras") is not None:
                return "tf_keras"
        except (ImportError, ValueError):
            pass
    return "keras"


def run_keras(
    model_path: str,
    batches: list[list[tuple[tuple[int, ...], str]]],
    flavour: str,
    timeout: float = 600.0,
) -> list[KerasOutcome]:
    """Run real Keras on zero arrays of the given (shape, dtype) per input, one batch each."""
    request = json.dumps({"model": model_path, "flavour": flavour, "batches": batches})
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "lstmdiag.verify"],
            input=request,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LstmdiagError(f"--verify: Keras did not finish within {timeout:.0f} s") from None
    results: list[KerasOutcome] = []
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            continue
        item = json.loads(line)
        if "fatal" in item:
            raise LstmdiagError(f"--verify: {item['fatal']}")
        results.append(
            KerasOutcome(
                shapes=tuple(tuple(s) for s in item["shapes"]),
                ran=item["ran"],
                output_shape=tuple(item["output_shape"]) if item["output_shape"] else None,
                error=item["error"],
                keras=item["keras"],
            )
        )
    if len(results) != len(batches):
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise LstmdiagError(f"--verify: the Keras child process failed ({tail[:300]})")
    return results


def _child() -> None:  # pragma: no cover - runs in the child process
    request = json.loads(sys.stdin.read())
    try:
        if request["flavour"] == "tf_keras":
            import tf_keras as keras
        else:
            import keras
    except ImportError:
        print(json.dumps({"fatal": "Keras is not installed: pip install 'lstmdiag[tf]'"}))
        return
    import numpy as np

    name = f"{keras.__name__} {keras.__version__}"
    path = request["model"]

    def load() -> Any:
        with open(path, "rb") as fh:
            is_json = fh.read(1) == b"{"
        if is_json:  # an architecture file: the graph without weights is enough for shapes
            with open(path, encoding="utf-8") as fh:
                return keras.models.model_from_json(fh.read())
        try:
            return keras.models.load_model(path, compile=False, safe_mode=True)
        except TypeError:  # tf_keras < 2.13 has no safe_mode
            return keras.models.load_model(path, compile=False)

    try:
        load()
    except Exception as exc:
        line = (str(exc).strip().splitlines() or [""])[0][:300]
        print(json.dumps({"fatal": f"Keras cannot load the model: {type(exc).__name__}: {line}"}))
        return
    for batch in request["batches"]:
        # A fresh model per batch: tf.keras checks input shapes differently once a predict
        # function has been traced, so results would depend on the order of the batches.
        model = load()
        arrays = [np.zeros(shape, dtype=dtype) for shape, dtype in batch]
        feed: Any = arrays[0] if len(arrays) == 1 else arrays
        result: dict[str, Any] = {"shapes": [s for s, _ in batch], "keras": name}
        try:
            out = model.predict(feed, verbose=0)
            first = out[0] if isinstance(out, list | tuple) else out
            result.update(ran=True, output_shape=list(np.shape(first)), error=None)
        except Exception as exc:
            lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
            detail = next(
                (ln for ln in lines if "shape" in ln or "Matrix" in ln), lines[0] if lines else ""
            )
            result.update(
                ran=False, output_shape=None, error=f"{type(exc).__name__}: {detail[:300]}"
            )
        print(json.dumps(result), flush=True)


if __name__ == "__main__":  # pragma: no cover
    _child()


SHAPE_KINDS = ("rank", "timesteps", "features", "batch")


def verify_report(report: Any, model_path: str) -> list[Any]:
    """Findings from running real Keras on one zero batch per distinct array shape."""
    from .checks import keras_on_wrong_batch, keras_on_wrong_timesteps
    from .findings import Finding, Kind, Severity

    model = report.model
    if len(model.inputs) == 0:
        return []
    cases: dict[tuple[str, tuple[int, ...]], list[Any]] = {}
    for row in report.files:
        if row.input is None or row.shape is None or None in row.shape:
            continue
        cases.setdefault((row.input, tuple(int(d) for d in row.shape)), []).append(row)
    if not cases:
        return []
    batches: list[list[tuple[tuple[int, ...], str]]] = []
    for (name, shape), _ in cases.items():
        feed = []
        for inp in model.inputs:
            if inp.name == name:
                feed.append((shape, "float32" if inp.dtype.startswith("float") else inp.dtype))
            else:
                fill = tuple(
                    (shape[0] if i == 0 else 4) if d is None else d for i, d in enumerate(inp.shape)
                )
                feed.append((fill, "float32" if inp.dtype.startswith("float") else inp.dtype))
        batches.append(feed)
    outcomes = run_keras(model_path, batches, flavour_for(model.keras_version))
    extra: list[Any] = []
    for ((name, shape), rows), outcome in zip(cases.items(), outcomes, strict=True):
        errors = [
            f
            for f in report.findings
            if f.path == rows[0].path
            and f.key == rows[0].key
            and f.kind.value in SHAPE_KINDS
            and f.severity is Severity.ERROR
        ]
        predicted_silent = any(
            (f.kind is Kind.TIMESTEPS and keras_on_wrong_timesteps(model)[0])
            or (f.kind is Kind.BATCH and keras_on_wrong_batch(model, shape[0])[0])
            for f in errors
        )
        what = (
            f"{outcome.keras} ran it (output {list(outcome.output_shape or ())})"
            if outcome.ran
            else f"{outcome.keras} raised {outcome.error}"
        )
        if outcome.ran and errors and not predicted_silent:
            severity, message = (
                Severity.WARNING,
                (
                    f"{what}, although lstmdiag found a {errors[0].kind.value} error it did not "
                    "expect Keras to accept. Please report this model/shape to lstmdiag"
                ),
            )
        elif not outcome.ran and not errors:
            severity, message = (
                Severity.ERROR,
                (
                    f"{what}, although lstmdiag found the shape fine. Please report this "
                    "model/shape to lstmdiag"
                ),
            )
        else:
            severity, message = Severity.INFO, f"{what}; as lstmdiag predicted"
        for row in rows:
            inp = model.input_named(name)
            extra.append(
                Finding(
                    Kind.KERAS,
                    severity,
                    row.path,
                    row.key,
                    name,
                    None if inp is None else inp.shape,
                    row.shape,
                    message,
                )
            )
    return extra
