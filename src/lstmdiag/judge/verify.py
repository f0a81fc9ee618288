"""``--verify``: ask real Keras what it does with each distinct input shape.

Keras runs in a child process (``python -m lstmdiag.judge.verify``): TensorFlow can abort a whole
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

from ..errors import LstmdiagError
from ..text import strip_ansi


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


Feed = tuple[Any, ...]  # (shape, dtype) for zeros, or (shape, dtype, file, key): real rows


def run_keras(
    model_path: str,
    batches: list[list[Feed]],
    flavour: str,
    timeout: float = 600.0,
) -> list[KerasOutcome]:
    """Run real Keras on one batch each: zero arrays of (shape, dtype) per input, or the first
    ``shape[0]`` rows of a real array (``--verify-data``)."""
    from ..data import remote

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
    with remote.local_copy(model_path) as local:  # Keras loads files: a URL is fetched first
        request = json.dumps(
            {
                "model": local,
                "flavour": flavour,
                "batches": batches,
                "storage_options": remote.storage_options(),
            }
        )
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "lstmdiag.judge.verify"],
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
                error=None if item["error"] is None else strip_ansi(item["error"]),
                keras=item["keras"],
            )
        )
    if len(results) != len(batches):
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise LstmdiagError(f"--verify: the Keras child process failed ({tail[:300]})")
    return results


def _feed_array(np: Any, item: list[Any]) -> Any:  # pragma: no cover - in the child
    """Zeros of (shape, dtype), or the first rows of a real array (shape, dtype, file, key)."""
    shape, dtype = item[0], item[1]
    if len(item) == 2:
        return np.zeros(shape, dtype=dtype)
    from pathlib import Path

    from lstmdiag.data import remote
    from lstmdiag.data.discover import describe_file, iter_blocks

    file, key = item[2], item[3]
    where = remote.RemoteFile(file) if remote.is_url(file) else Path(file)
    info = next(i for i in describe_file(file, where) if i.key == key)
    return next(iter_blocks(info, shape[0]))


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

    from lstmdiag.data import remote

    remote.configure(request.get("storage_options"))
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
        arrays = [_feed_array(np, item) for item in batch]
        feed: Any = arrays[0] if len(arrays) == 1 else arrays
        result: dict[str, Any] = {"shapes": [list(a.shape) for a in arrays], "keras": name}
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


SHAPE_KINDS = (
    "timesteps",
    "features",
    "batch",
    "missing-batch",
    "extra-axis",
    "missing-axis",
    "empty",
)
VALUE_KINDS = ("vocab", "non-finite", "mask-collision", "padding", "dtype")
DATA_ROWS = 32  # --verify-data feeds at most this many samples of each array


def _feeds(model: Any, name: str, shape: tuple[int, ...], real: Feed | None) -> list[Feed]:
    """One batch for every model input: the array under test, the others filled."""
    feed: list[Feed] = []
    for inp in model.inputs:
        dtype = "float32" if inp.dtype.startswith("float") else inp.dtype
        if inp.name == name:
            feed.append(real if real is not None else (shape, dtype))
        else:
            rows = shape[0]
            fill = tuple(
                (rows if i == 0 else 4) if d is None else d for i, d in enumerate(inp.shape)
            )
            feed.append((fill, dtype))
    return feed


def _cases(report: Any, data: bool) -> dict[tuple[Any, ...], list[Any]]:
    """Rows grouped by what is fed: per distinct (input, shape) for zero batches; per array
    with --verify-data (its own first rows)."""
    cases: dict[tuple[Any, ...], list[Any]] = {}
    for row in report.files:
        if row.input is None or row.shape is None or None in row.shape:
            continue
        shape = tuple(int(d) for d in row.shape)
        if data:
            rows = min(shape[0], DATA_ROWS) if shape else 0
            fixed = report.model.input_named(row.input).shape[0]
            rows = fixed if fixed is not None else rows
            cases[(row.input, (rows, *shape[1:]), row.path, row.key)] = [row]
        else:
            cases.setdefault((row.input, shape), []).append(row)
    return cases


def _not_tested(report: Any, data: bool) -> list[Any]:
    """Value findings a zero batch cannot test: said so, never claimed as agreement."""
    from .findings import Finding, Kind, Severity

    if data:
        return []
    return [
        Finding(
            Kind.NOT_TESTED,
            Severity.INFO,
            f.path,
            f.key,
            f.input,
            f.expected,
            f.found,
            f"{f.kind.value} finding not tested by --verify: it feeds zero batches, which "
            "judge shapes only (--verify-data feeds each array's first batch)",
        )
        for f in report.findings
        if f.kind.value in VALUE_KINDS and f.severity.value != "info"
    ]


def verify_report(report: Any, model_path: str, data: bool = False) -> list[Any]:
    """Findings from running real Keras: one zero batch per distinct array shape, or with
    ``data`` the first rows of every array (in the child process: values are never loaded
    here)."""
    from .findings import Finding, Kind

    model = report.model
    if len(model.inputs) == 0:
        return []
    cases = _cases(report, data)
    if not cases:
        return _not_tested(report, data)
    batches: list[list[Feed]] = []
    for key, rows in cases.items():
        name, shape = key[0], key[1]
        real: Feed | None = None
        if data:
            dtype = rows[0].dtype or "float32"
            real = (shape, dtype, rows[0].path, rows[0].key)
        batches.append(_feeds(model, name, shape, real))
    outcomes = run_keras(model_path, batches, flavour_for(model.keras_version))
    extra: list[Any] = []
    for (key, rows), outcome in zip(cases.items(), outcomes, strict=True):
        name, shape = key[0], key[1]
        severity, message = _verdict(report, rows[0], shape, outcome, data)
        inp = model.input_named(name)
        for row in rows:
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
    return extra + _not_tested(report, data)


def _verdict(report: Any, first: Any, shape: Any, outcome: Any, data: bool) -> tuple[Any, str]:
    """(severity, message) of what Keras did with one case, against what lstmdiag said of
    its first array ``first``."""
    from .findings import Kind, Severity
    from .keras_says import keras_on_wrong_batch, keras_on_wrong_timesteps

    model = report.model
    kinds = SHAPE_KINDS + (VALUE_KINDS if data else ())
    errors = [
        f
        for f in report.findings
        if f.path == first.path
        and f.key == first.key
        and f.kind.value in kinds
        and f.severity is Severity.ERROR
    ]
    predicted_silent = any(
        (f.kind is Kind.TIMESTEPS and keras_on_wrong_timesteps(model)[0])
        or (f.kind is Kind.BATCH and keras_on_wrong_batch(model, shape[0])[0])
        or f.kind is Kind.VOCAB
        for f in errors
    )
    fed = f"the first {shape[0]} samples" if data else "a zero batch"
    what = (
        f"{outcome.keras} ran {fed} {tuple(shape)} (output {list(outcome.output_shape or ())})"
        if outcome.ran
        else f"{outcome.keras} raised {outcome.error} on {fed} {tuple(shape)}"
    )
    if outcome.ran and errors and not predicted_silent:
        return Severity.WARNING, (
            f"{what}, although lstmdiag found a {errors[0].kind.value} error it did not "
            "expect Keras to accept. Please report this model/shape to lstmdiag"
        )
    if not outcome.ran and not errors:
        return Severity.ERROR, (
            f"{what}, although lstmdiag found {'it' if data else 'the shape'} fine. "
            "Please report this model/shape to lstmdiag"
        )
    judged = "the data" if data else "the shape"  # Keras agreed: say how, beside the error
    how = (
        "ran it silently (no error), as lstmdiag predicted: the error stands"
        if outcome.ran and errors
        else "ran it, as lstmdiag predicted: fine"
        if outcome.ran
        else "raised, as lstmdiag predicted"
    )
    return Severity.INFO, f"{what}; Keras {how} for {judged}"
