"""One array against the model input it feeds: its shape, dtype and raggedness, each
mismatch as a Finding with the fix that works when applied as printed."""

from __future__ import annotations

import functools
import os
import shlex
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..data.info import ArrayInfo, parsed_dtype
from ..model.spec import InputSpec, ModelSpec, Shape, fmt_shape
from .check_options import CheckOptions
from .diagnosis import Diagnosis, Evidence, Fixes, empty
from .findings import (
    Finding,
    Kind,
    Severity,
)
from .keras_says import (
    MLFLOW_COLUMNS,
    MLFLOW_UNSAFE_CAST,
    RUNTIME_DTYPE,
    TRITON_BATCH,
    keras_adds_unit_axis,
    keras_on_wrong_batch,
    keras_on_wrong_timesteps,
)
from .roles import stem, time_axis
from .shape_diagnosis import batch, diagnose_shape, interpreter_batch, request_batch


def quoted(text: str) -> str:
    return shlex.quote(text)


# -- static checks ----------------------------------------------------------------------------
def fix_out_dir(info: ArrayInfo, given: tuple[str, ...], base: str = "padded") -> str:
    """An output folder for a printed ``pad`` fix that is outside every input tree: not a
    folder given as input, nor inside one. (A folder beside a data FILE is fine: pad writes
    no file into the folder the file is in.)"""
    return _out_dir_outside(os.getcwd(), given, base)


@functools.lru_cache(maxsize=1024)
def _out_dir_outside(cwd: str, given: tuple[str, ...], base: str) -> str:
    """Computed once per run, not per finding (resolving paths is the costly part)."""
    roots = [Path(p).resolve() for p in given if Path(p).is_dir()]
    here = Path(cwd)
    # When the working folder is itself inside an input tree, look beside that tree's top.
    tops = [r for r in roots if r == here or r in here.parents]
    start = min(tops, key=lambda r: len(r.parts)).parent if tops else here
    prefix = os.path.relpath(start, here)
    for n in range(1, 100):
        name = base if n == 1 else f"{base}-{n}"
        out = (start / name).resolve()
        if not any(out == r or r in out.parents for r in roots):
            return (name if prefix == "." else f"{prefix}/{name}") + "/"
    return f"{base}/"


def finding(
    info: ArrayInfo,
    inp: InputSpec | None,
    kind: Kind,
    severity: Severity,
    message: str,
    fix: str | None = None,
    found: Shape | None = None,
    culprit: str = "data",
) -> Finding:
    return Finding(
        kind=kind,
        severity=severity,
        path=info.path,
        key=info.key,
        input=None if inp is None else inp.name,
        expected=None if inp is None else inp.shape,
        found=info.shape if found is None else found,
        message=message,
        fix=fix,
        culprit=culprit,
    )


def _feeding_layer(model: ModelSpec, inp: InputSpec) -> str:
    for r in model.recurrent:
        if r.input == inp.name:
            return f"{r.class_name} layer '{r.name}'"
    return f"input '{inp.name}'"


def fixes_for(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, options: CheckOptions, masked: bool
) -> Fixes:
    """How to phrase fixes for this array: a pad command that feeds ``inp``, or Python for
    in-memory data."""
    multi = len(model.inputs) > 1 and stem(info) != inp.name
    return Fixes(
        data=info.path,
        model=options.model_arg or (None if model.format == "live" else model.path),
        masked=masked,
        value=model.mask_value(inp.name) or 0.0,
        in_memory=info.in_memory,
        out=fix_out_dir(info, options.inputs) if not info.in_memory else "padded/",
        windows_out=fix_out_dir(info, options.inputs, "windows")
        if not info.in_memory
        else "windows/",
        input=inp.name if multi else None,
        input_label=info.label if multi else None,
        checking=True,
    )


def _from_diagnosis(
    info: ArrayInfo,
    inp: InputSpec,
    d: Diagnosis,
    extra: str = "",
    severity: Severity = Severity.ERROR,
) -> Finding:
    return Finding(
        kind=Kind(d.kind),
        severity=severity,
        path=info.path,
        key=info.key,
        input=inp.name,
        expected=inp.shape,
        found=info.shape,
        message=f"{d.title}: {d.cause}{extra}",
        fix=d.fix or None,
        culprit=d.culprit,
        alternatives=tuple((a.kind, a.fix, a.why) for a in d.alternatives),
    )


def _evidence(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, options: CheckOptions, found: Shape
) -> Evidence:
    masked = model.is_masked(inp.name)
    tokens = any(e.input == inp.name for e in model.embeddings)
    return Evidence(
        expected=(None, *inp.shape[1:]),  # a fixed batch is checked on its own
        found=found,
        time_axis=time_axis(model, inp) is not None,
        fixes=fixes_for(model, info, inp, options, masked),
        dtype="int32" if tokens else (info.dtype or "float32"),
    )


def check_shape(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, options: CheckOptions
) -> list[Finding]:
    """Static findings for one array against one input (header facts only): a fixed batch
    size, then whatever else differs, diagnosed from the evidence (see diagnosis.py)."""
    assert info.shape is not None
    if inp.time_major:
        return _check_time_major(model, info, inp, options)
    if inp.columns is not None:
        return _check_columns(info, inp)
    if info.ragged:
        return _check_ragged(model, info, inp, options)
    expected, found = inp.shape, info.shape
    out = _batch_findings(model, info, inp)
    fits = len(found) == len(expected) and all(
        e is None or e == f for e, f in zip(expected[1:], found[1:], strict=True)
    )
    if not fits:
        d = diagnose_shape(_evidence(model, info, inp, options, found))
        extra = f" {keras_on_wrong_timesteps(model)[1]}" if d.kind == "timesteps" else ""
        if d.kind == "features" and info.format in ("csv", "parquet"):
            extra = _left_out(info)
        unit, said = keras_adds_unit_axis(model, expected, found, d.kind)
        severity = Severity.WARNING if unit == "fine" else Severity.ERROR
        out.append(_from_diagnosis(info, inp, d, said or extra, severity))
    elif found and found[0] == 0:  # Keras raises on no samples (tf-keras deep inside predict)
        d = empty(_evidence(model, info, inp, options, found), found)
        # what the model is given, in memory; a file may be one of many that are joined
        level = Severity.ERROR if info.in_memory else Severity.WARNING
        out.append(
            _from_diagnosis(info, inp, d, " Keras raises when it is given no samples.", level)
        )
    return out + check_dtype(model, info, inp)


def _batch_findings(model: ModelSpec, info: ArrayInfo, inp: InputSpec) -> list[Finding]:
    """A batch other than a fixed one, or more samples than one request may hold."""
    expected, found = inp.shape, info.shape
    assert found is not None
    if len(found) != len(expected) or found[0] is None:
        return []
    if inp.max_batch is not None and found[0] > inp.max_batch:  # Triton's max_batch_size
        d = request_batch(inp.max_batch, found[0], expected, found)
        return [_from_diagnosis(info, inp, d, f". {TRITON_BATCH % inp.max_batch}")]
    if expected[0] in (None, found[0]):
        return []
    if model.format == "triton":  # a fixed batch in dims (max_batch_size 0)
        d = request_batch(expected[0], found[0], expected, found, exact=True)
        return [_from_diagnosis(info, inp, d, f". {keras_on_wrong_batch(model, found[0])[1]}")]
    what = keras_on_wrong_batch(model, found[0])[1]
    d = batch(expected[0], found[0], expected, found)
    stateful = " (stateful RNN)" if any(r.stateful for r in model.recurrent) else ""
    multiple = found[0] % expected[0] == 0  # runs with batch_size=expected: a warning
    level = Severity.WARNING if multiple else Severity.ERROR
    if model.format == "tflite":  # no predict(batch_size=...): the interpreter refuses
        d = interpreter_batch(expected[0], found[0], expected, found, bool(inp.batch_resizable))
        level = Severity.ERROR
    return [_from_diagnosis(info, inp, d, f"{stateful}. {what}", level)]


def _check_columns(info: ArrayInfo, inp: InputSpec) -> list[Finding]:
    """An array into an MLflow column signature: MLflow reads it as a pandas DataFrame; with
    named columns no bare array passes (its columns are 0, 1, ...), unnamed ones take a
    (rows, columns) array of as many columns."""
    assert info.shape is not None and inp.columns is not None
    if not any(inp.columns) and len(info.shape) == 2 and info.shape[1] == len(inp.columns):
        if (
            info.dtype is None
            or inp.dtype == "mixed"
            or np.can_cast(parsed_dtype(info.dtype), parsed_dtype(inp.dtype), "safe")
        ):  # MLflow casts a column where no value changes
            return []
        message = f"dtype {info.dtype} into columns of {inp.dtype}: {MLFLOW_UNSAFE_CAST}"
        cast = f"x = x.astype('{inp.dtype}')"
        return [finding(info, inp, Kind.DTYPE, Severity.ERROR, message, cast)]
    shown = ", ".join(inp.columns[:8]) + (", ..." if len(inp.columns) > 8 else "")
    message = (
        f"{info.label} {fmt_shape(info.shape)} is a bare array; the model's MLflow signature "
        f"is a table of {len(inp.columns)} columns"
        + (f" ({shown})" if any(inp.columns) else "")
        + f": {MLFLOW_COLUMNS}"
    )
    fix = (
        "log the model again with a tensor signature, signature=ModelSignature(Schema("
        f"[TensorSpec(np.dtype('{info.dtype or 'float32'}'), "
        f"{_spec_shape(info.shape)})])), so that MLflow takes the array as it is"
    )
    return [finding(info, inp, Kind.SIGNATURE, Severity.ERROR, message, fix, culprit="model")]


def _spec_shape(shape: Shape) -> str:
    """A shape as MLflow's TensorSpec takes it: -1 for a free dim, the batch free."""
    dims = ["-1", *("-1" if d is None else str(d) for d in shape[1:])]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _fits_exactly(found: Shape, expected: Shape) -> bool:
    return len(found) == len(expected) and all(
        e is None or e == f for e, f in zip(expected, found, strict=True)
    )


TRANSPOSE = "x = np.swapaxes(x, 0, 1)"


def _check_time_major(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, options: CheckOptions
) -> list[Finding]:
    """An input read (time, batch, ...) (ONNX). An array that fits it as it is passes, as the
    runtime takes it. Any other is read as Keras data are, (batch, time, ...), against the
    input's batch-major view: if it fits that, the one fix is the transpose; if not, the
    view's findings, each ending with the transpose still to do."""
    assert info.shape is not None
    if not info.ragged and _fits_exactly(info.shape, inp.shape):
        return _either_way(info, inp) + check_dtype(model, info, inp)
    view = replace(inp, shape=(inp.shape[1], inp.shape[0], *inp.shape[2:]), axes=None)
    as_given, swapped = _differing(info.shape, inp.shape), _differing(info.shape, view.shape)
    if not info.ragged and as_given and (swapped is None or len(as_given) <= len(swapped)):
        # closer to the model read as it is: already time-major, with other faults
        said = keras_on_wrong_timesteps(model)[1]
        faults = [_time_major_fault(info, inp, axis, said) for axis in as_given]
        return faults + check_dtype(model, info, inp)
    found = check_shape(model, info, view, options)
    shaped = [f for f in found if f.kind is not Kind.DTYPE]
    if not shaped and not info.ragged:
        return [
            finding(
                info,
                inp,
                Kind.LAYOUT,
                Severity.ERROR,
                f"{info.label} {fmt_shape(info.shape)} is (batch, time, features); input "
                f"'{inp.name}' {fmt_shape(inp.shape)} is time-major (time, batch, features). "
                f"{keras_on_wrong_timesteps(model)[1]}",
                fix=TRANSPOSE,
            ),
            *found,
        ]
    then = f" The model is time-major: then feed the batch as {TRANSPOSE}"
    if info.ragged:
        then += ", and its lengths as int32 sequence_lens where the model takes them"
    elif len(info.shape) == len(inp.shape):
        then += (
            f". This reads the array as (batch, time, ...); if it is already time-major "
            f"({info.shape[0]} steps of a batch of {info.shape[1]}), compare its axis 0 with "
            f"the model's {fmt_shape(inp.shape)} instead"
        )
    return [
        f
        if f.kind is Kind.DTYPE
        else replace(
            f,
            expected=inp.shape,
            message=f.message + (PAD_WRITES_TIME_MAJOR if _pads(f.fix) else then),
            fix=_then_transpose(f.fix),
        )
        for f in found
    ]


PAD_WRITES_TIME_MAJOR = (
    " The model is time-major: lstmdiag pad writes its output (time, batch, features), with "
    "the lengths beside it as int32 sequence_lens"
)


def _pads(fix: str | None) -> bool:
    return fix is not None and fix.startswith("lstmdiag pad ")


def _either_way(info: ArrayInfo, inp: InputSpec) -> list[Finding]:
    """Both the time and the batch axis free: the array runs as given or swapped, so which
    one it is cannot be checked; say how the runtime reads it."""
    assert info.shape is not None
    if inp.shape[:2] != (None, None) or len(info.shape) < 3 or info.shape[0] == info.shape[1]:
        return []
    steps, batch = info.shape[:2]
    return [
        finding(
            info,
            inp,
            Kind.LAYOUT,
            Severity.INFO,
            f"{info.label} {fmt_shape(info.shape)} is read time-major, as the runtime reads "
            f"it: {steps} timesteps of a batch of {batch}. Input '{inp.name}' fixes neither "
            f"axis, so a (batch, time, features) array runs too, read wrong: if this one is, "
            f"feed {TRANSPOSE.removeprefix('x = ')}",
        )
    ]


def _differing(found: Shape, expected: Shape) -> list[int] | None:
    """The axes whose fixed size differs; None when the ranks differ."""
    if len(found) != len(expected):
        return None
    return [a for a, (e, f) in enumerate(zip(expected, found, strict=True)) if e not in (None, f)]


def _time_major_fault(info: ArrayInfo, inp: InputSpec, axis: int, said: str) -> Finding:
    """One axis of an array read time-major, as the runtime reads it, that differs."""
    assert info.shape is not None
    want, got = inp.shape[axis], info.shape[axis]
    assert want is not None and got is not None
    rest = ", (0, 0)" * (len(info.shape) - 1 - axis)
    before = "(0, 0), " * axis
    grow = f"x = np.pad(x, ({before}(%s){rest}))"
    head = f"{info.label} {fmt_shape(info.shape)} read time-major (time, batch, features)"
    if axis == 0:
        if got < want:
            fix = grow % f"{want - got}, 0"
            what = f"adds {want - got} zero steps before each sequence (read as data: no mask)"
        else:
            fix = f"x = x[-{want}:]"
            what = f"keeps the last {want} of {got} steps ({want / got:.0%}), cutting the rest"
        message = f"{head}: {got} timesteps on axis 0, the model fixes {want}; the fix {what}"
        return finding(info, inp, Kind.TIMESTEPS, Severity.ERROR, f"{message}. {said}", fix)
    if axis == 1:
        message = f"{head}: a batch of {got} on axis 1, the model fixes {want}. {said}"
        if got < want:
            fix = grow % f"0, {want - got}"
            message += (
                f"; the fix adds {want - got} zero sequences: keep the outputs of the first {got}"
            )
            return finding(info, inp, Kind.BATCH, Severity.ERROR, message, fix)
        message += f"; feed it in slices of {want} along axis 1 (x[:, i:i + {want}])"
        return finding(info, inp, Kind.BATCH, Severity.ERROR, message)
    message = f"{head}: axis {axis} is {got}, the model expects {want}; padding cannot fix it"
    return finding(info, inp, Kind.FEATURES, Severity.ERROR, f"{message}. {said}")


def _then_transpose(fix: str | None) -> str | None:
    """A code fix made for the (batch, time, ...) view, with the transpose after it, so that
    it runs as printed; a command (pad) says the transpose in its message."""
    if fix is None or not fix.startswith("x = "):
        return fix
    return f"{fix}\n{TRANSPOSE}"


def _left_out(info: ArrayInfo) -> str:
    """A table's features are its numeric columns: which ones that leaves out, and why."""
    from ..data.tables import text_columns

    text = text_columns(info.file)
    if not text:
        return ""
    named = ", ".join(text)
    return (
        f" The table's features are its numeric columns; left out as text: {named} (a "
        "column with one text cell is text; empty cells, NA and n/a count as missing)."
    )


def check_dtype(model: ModelSpec, info: ArrayInfo, inp: InputSpec) -> list[Finding]:
    if info.dtype is None:
        return []
    dtype = parsed_dtype(info.dtype)
    cast = f"x = x.astype('{inp.dtype}')"
    if dtype.kind not in "biuf":
        text = dtype.kind in "USO"
        message = f"dtype {info.dtype} cannot feed a {inp.dtype} input" + (
            ": the array holds text (or Python objects), not numbers" if text else ""
        )
        fix = (
            "turn the text into numbers first (a tokenizer or TextVectorization for words; "
            f"{cast} only when every element is a number written as text)"
        )
        return [finding(info, inp, Kind.DTYPE, Severity.ERROR, message, fix if text else cast)]
    if model.format in RUNTIME_DTYPE and dtype.name != inp.dtype:
        message = f"dtype {info.dtype} into a {inp.dtype} input: {RUNTIME_DTYPE[model.format]}"
        # Triton's TYPE_BF16: numpy has no bfloat16 of its own (np.dtype parses it only once
        # ml_dtypes, which TensorFlow imports, has registered one), so no cast is printed
        castable = inp.dtype != "bfloat16" and parsed_dtype(inp.dtype).kind != "O"
        return [finding(info, inp, Kind.DTYPE, Severity.ERROR, message, cast if castable else None)]
    if (
        dtype.kind == "f"
        and dtype.itemsize == 8
        and inp.dtype in ("float32", "float16", "bfloat16")
    ):
        return [
            finding(
                info,
                inp,
                Kind.DTYPE,
                Severity.WARNING,
                f"float64 data into a {inp.dtype} model: Keras casts it (twice the "
                "memory and transfer for nothing)",
                fix=f"x = x.astype('{inp.dtype}')",
            )
        ]
    return []


def kept_in_all(lengths: Any, t: int | None) -> str:
    """What padding and truncating to a fixed ``t`` does to these lengths, in all."""
    if t is None:
        return "; the model takes any length, so padding to the longest cuts nothing"
    lengths = np.asarray(lengths, dtype=np.int64)
    total, cut = int(lengths.sum()), int(np.count_nonzero(lengths > t))
    text = f"; the model fixes {t}"
    if cut and total:
        kept = int(np.minimum(lengths, t).sum())
        text += (
            f": {cut} of {len(lengths)} sequences are cut, keeping {kept} of {total} "
            f"timesteps ({kept / total:.0%}) in all"
        )
    return text


def any_length(
    inp: InputSpec, t: int | None, model: ModelSpec | None = None
) -> tuple[tuple[str, str, str], ...]:
    """The model-side alternative for sequences of several lengths into a fixed T (an
    exported model is exported again with a free time axis: it has no Input to rebuild)."""
    if t is None:
        return ()
    per_step = ", ".join(str(d) for d in inp.shape[2:])
    shape = f"(None, {per_step})" if per_step else "(None,)"
    rebuild = (
        f"export the model again with a free time axis (torch.onnx.export(..., dynamic_axes="
        f"{{'{inp.name}': {{{0 if inp.time_major else 1}: 'time'}}}}), or convert a Keras "
        f"model built with Input(shape={shape}))"
        if model is not None and model.format == "onnx"
        else f"rebuild the model with Input(shape={shape}) to take every length, and train "
        "it on them"
    )
    return (("model-structure", rebuild, "if the model should take sequences of other lengths"),)


def _check_ragged(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, options: CheckOptions
) -> list[Finding]:
    """A collection of sequences (time, ...) of possibly different lengths."""
    assert info.shape is not None and info.lengths is not None
    masked = model.is_masked(inp.name)
    expected = inp.shape
    lengths = np.asarray(info.lengths)
    lo, hi = (int(lengths.min()), int(lengths.max())) if lengths.size else (0, 0)
    fixed = expected[1] if len(expected) > 1 else None
    per_step = (len(lengths), fixed if lo != hi else lo, *info.shape[2:])
    fits = len(per_step) == len(expected) and all(
        e is None or e == f for e, f in zip(expected[2:], per_step[2:], strict=True)
    )
    if not fits:  # the timesteps themselves have the wrong shape: no padding helps
        ev = _evidence(model, info, inp, options, per_step)
        return [_from_diagnosis(info, inp, diagnose_shape(ev)), *check_dtype(model, info, inp)]
    out: list[Finding] = []
    fix = fixes_for(model, info, inp, options, masked).pad(
        fixed, info.dtype or "float32", longest=hi
    )
    if lo != hi:
        severity = Severity.ERROR if fixed is not None else Severity.WARNING
        message = (
            f"{len(lengths)} sequences of {lo} to {hi} timesteps cannot be stacked into one "
            f"batch{kept_in_all(lengths, fixed)}"
        )
        found = finding(info, inp, Kind.RAGGED, severity, message, fix=fix)
        out.append(replace(found, alternatives=any_length(inp, fixed, model)))
    elif fixed is not None and lo != fixed:
        what = keras_on_wrong_timesteps(model)[1]
        out.append(
            finding(
                info,
                inp,
                Kind.TIMESTEPS,
                Severity.ERROR,
                f"{lo} timesteps per sequence; the model fixes {fixed}. {what}",
                fix=fix,
            )
        )
    return out + check_dtype(model, info, inp)
