"""ModelSpec x ArrayInfo -> findings. Pure functions, apart from ``--deep`` value reads.

Conventions: axis 0 of an array is the batch, axis 1 the time axis (what ``model.predict``
takes); a ragged collection's items are sequences whose axis 0 is time.
"""

from __future__ import annotations

import functools
import math
import os
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..data import discover
from ..data.info import ArrayInfo
from ..model.spec import EmbeddingSpec, InputSpec, MaskSpec, ModelSpec
from ..text import plural
from .dataset import dataset_problems
from .diagnosis import Diagnosis, Evidence, Fixes, batch, diagnose_shape
from .findings import (
    PATH_SLOT,
    SHAPE_KINDS,
    FileResult,
    Finding,
    Kind,
    Report,
    Severity,
    expand_kinds,
)
from .roles import Assignment, Role, classify, container, stem, time_axis

Shape = tuple[int | None, ...]
BLOCK_BYTES = 1 << 20  # values scanned per block: small enough to stay in cache
_BOOL = np.dtype(bool)


@dataclass(frozen=True)
class CheckOptions:
    deep: bool = False
    mapping: dict[str, str] = field(default_factory=dict)  # data path (or path:key) -> input
    model_arg: str | None = None  # the model path as given, for fix commands
    ignore: frozenset[str] = frozenset()  # finding kinds to drop
    exclude: tuple[str, ...] = ()  # glob patterns of arrays to leave out entirely
    inputs: tuple[str, ...] = ()  # the data paths as given: fixes never write inside them
    shard: tuple[int, int] | None = None  # (I, N): check only the I-th of N slices


def _q(text: str) -> str:
    return shlex.quote(text)


# -- what Keras itself does -----------------------------------------------------------------
def keras_on_wrong_timesteps(model: ModelSpec) -> tuple[bool, str]:
    """(silent, sentence) for data whose time axis differs from the model's fixed one.

    Verified with real Keras 3.15 and tf-keras 2.21 on freshly loaded models: a Keras 3
    Sequential model runs on the wrong length with no error; Keras 3 functional models and
    every Keras 2 model raise ValueError. (Once ``predict`` has traced on one shape, both
    versions may retrace and run other lengths silently too.)
    """
    if model.keras_major is None and model.sequential:
        return True, (
            "Under Keras 3 a Sequential model runs on it with NO error (wrong predictions); "
            "Keras 2 raises a ValueError"
        )
    if model.keras_major == 3 and model.sequential:  # stateful ones too (the fix oracle)
        return True, (
            "Keras 3 runs a Sequential model on it with NO error: predictions come from the "
            "wrong number of timesteps"
        )
    return False, "Keras raises a ValueError (input incompatible with the layer)"


def keras_adds_unit_axis(
    model: ModelSpec, expected: Shape, found: Shape, kind: str
) -> tuple[str | None, str]:
    """What Keras does with data one axis short of an input whose last axis is 1: it adds
    that axis itself and runs (real Keras 3.15 and tf-keras 2.21, functional and Sequential).
    ``("fine", ...)`` for ``(N, T)`` into ``(None, T, 1)``: a warning; ``("misread", ...)``
    for one sequence ``(T, 1)``: run as T sequences of one timestep, with NO error."""
    if (
        len(expected) != 3  # only (batch, time, 1): seen with LSTM inputs, not ConvLSTM frames
        or len(found) != 2
        or expected[-1] != 1
        or model.signature is not None
    ):
        return None, ""
    if kind == "missing-axis" and all(
        e is None or e == f for e, f in zip(expected[1:-1], found[1:], strict=True)
    ):
        return "fine", (
            " Keras itself adds this axis and runs (checked with Keras 3.15 and tf-keras "
            "2.21), so this is a warning: code that feeds the model by other means may not"
        )
    if kind == "missing-batch":
        return "misread", (
            f" Keras does not refuse it: it adds a last axis and runs with NO error on "
            f"{found[0]} sequences of {found[1] if len(found) > 1 else 1} timestep(s) each "
            "(wrong predictions)"
        )
    return None, ""


def keras_on_wrong_batch(model: ModelSpec, found: int) -> tuple[bool, str]:
    """(silent, sentence) for a batch other than a fixed one. Verified with Keras 3.15 and
    tf-keras 2.21 on a stateful LSTM of batch 4: 2, 3, 6 and 8 samples raise (8 because
    predict's default batch_size=32 sends them at once); 8 and 12 run with batch_size=4; one
    sample runs under tf-keras only, broadcast (Keras 3 raises)."""
    expected = model.inputs[0].shape[0] if model.inputs else None
    if model.keras_major != 3 and expected is not None and found == 1 < expected:
        # tf-keras 2.21: the one sample broadcasts against every row of the state
        return True, (
            f"tf.keras 2 runs a batch of 1 with NO error: it broadcasts the sample against the "
            f"{expected} rows of the state and returns {expected} predictions"
        )
    if expected is not None and found % expected == 0:
        return False, (
            f"Keras raises an error unless it is fed {expected} at a time: "
            f"model.predict(x, batch_size={expected}) runs it"
        )
    return False, "Keras raises an error"


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


def _finding(
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


def _fixes(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, options: CheckOptions, masked: bool
) -> Fixes:
    """How to phrase fixes for this array: a pad command that feeds ``inp``, or Python for
    in-memory data."""
    multi = len(model.inputs) > 1 and stem(info) != inp.name
    return Fixes(
        data=info.path,
        model=options.model_arg or model.path,
        masked=masked,
        value=model.mask_value(inp.name) or 0.0,
        in_memory=info.format == "memory",
        out=fix_out_dir(info, options.inputs) if info.format != "memory" else "padded/",
        windows_out=fix_out_dir(info, options.inputs, "windows")
        if info.format != "memory"
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
        fixes=_fixes(model, info, inp, options, masked),
        dtype="int32" if tokens else (info.dtype or "float32"),
    )


def check_shape(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, options: CheckOptions
) -> list[Finding]:
    """Static findings for one array against one input (header facts only): a fixed batch
    size, then whatever else differs, diagnosed from the evidence (see diagnosis.py)."""
    assert info.shape is not None
    if info.ragged:
        return _check_ragged(model, info, inp, options)
    out: list[Finding] = []
    expected, found = inp.shape, info.shape
    if len(found) == len(expected) and expected[0] not in (None, found[0]) and found[0] is not None:
        what = keras_on_wrong_batch(model, found[0])[1]
        d = batch(expected[0], found[0], expected, found)
        stateful = " (stateful RNN)" if any(r.stateful for r in model.recurrent) else ""
        multiple = found[0] % expected[0] == 0  # runs with batch_size=expected: a warning
        level = Severity.WARNING if multiple else Severity.ERROR
        out.append(_from_diagnosis(info, inp, d, f"{stateful}. {what}", level))
    fits = len(found) == len(expected) and all(
        e is None or e == f for e, f in zip(expected[1:], found[1:], strict=True)
    )
    if not fits:
        d = diagnose_shape(_evidence(model, info, inp, options, found))
        extra = f" {keras_on_wrong_timesteps(model)[1]}" if d.kind == "timesteps" else ""
        unit, said = keras_adds_unit_axis(model, expected, found, d.kind)
        severity = Severity.WARNING if unit == "fine" else Severity.ERROR
        out.append(_from_diagnosis(info, inp, d, said or extra, severity))
    return out + _check_dtype(model, info, inp)


def _check_dtype(model: ModelSpec, info: ArrayInfo, inp: InputSpec) -> list[Finding]:
    if info.dtype is None:
        return []
    dtype = np.dtype(info.dtype)
    if dtype.kind not in "biuf":
        return [
            _finding(
                info,
                inp,
                Kind.DTYPE,
                Severity.ERROR,
                f"dtype {info.dtype} cannot feed a {inp.dtype} input",
                fix=f"x = x.astype('{inp.dtype}')",
            )
        ]
    if (
        dtype.kind == "f"
        and dtype.itemsize == 8
        and inp.dtype in ("float32", "float16", "bfloat16")
    ):
        return [
            _finding(
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


def _kept_in_all(lengths: Any, t: int | None) -> str:
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


def any_length(inp: InputSpec, t: int | None) -> tuple[tuple[str, str, str], ...]:
    """The model-side alternative for sequences of several lengths into a fixed T."""
    if t is None:
        return ()
    per_step = ", ".join(str(d) for d in inp.shape[2:])
    shape = f"(None, {per_step})" if per_step else "(None,)"
    return (
        (
            "model-structure",
            f"rebuild the model with Input(shape={shape}) to take every length, and train it "
            "on them",
            "if the model should take sequences of other lengths",
        ),
    )


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
        return [_from_diagnosis(info, inp, diagnose_shape(ev)), *_check_dtype(model, info, inp)]
    out: list[Finding] = []
    fix = _fixes(model, info, inp, options, masked).pad(fixed, info.dtype or "float32")
    if lo != hi:
        severity = Severity.ERROR if fixed is not None else Severity.WARNING
        message = (
            f"{len(lengths)} sequences of {lo} to {hi} timesteps cannot be stacked into one "
            f"batch{_kept_in_all(lengths, fixed)}"
        )
        found = _finding(info, inp, Kind.RAGGED, severity, message, fix=fix)
        out.append(replace(found, alternatives=any_length(inp, fixed)))
    elif fixed is not None and lo != fixed:
        what = keras_on_wrong_timesteps(model)[1]
        out.append(
            _finding(
                info,
                inp,
                Kind.TIMESTEPS,
                Severity.ERROR,
                f"{lo} timesteps per sequence; the model fixes {fixed}. {what}",
                fix=fix,
            )
        )
    return out + _check_dtype(model, info, inp)


# -- deep checks (values, streamed) ----------------------------------------------------------
def _rows_for(info: ArrayInfo) -> int:
    if info.shape is None or info.dtype is None:
        return 256
    per_row = int(np.prod([d or 1 for d in info.shape[1:]], dtype=np.int64))
    return max(1, BLOCK_BYTES // max(1, per_row * np.dtype(info.dtype).itemsize))


def _sequence_blocks(info: ArrayInfo) -> Iterator[list[np.ndarray] | np.ndarray]:
    """Batches of sequences: ndarray blocks for batch arrays, lists for ragged collections."""
    if info.ragged:
        chunk: list[np.ndarray] = []
        for seq in discover.iter_sequences(info):
            chunk.append(seq)
            if len(chunk) >= 1024:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
        return
    yield from discover.iter_blocks(info, _rows_for(info), reuse=True)  # scanned, then dropped


@dataclass
class _Tally:
    nonfinite: int = 0
    below: int = 0
    above: int = 0
    nonintegral: int = 0
    interior: int = 0
    prepadded: int = 0
    postpadded: int = 0
    lo: float | None = None
    hi: float | None = None
    values: int = 0  # finite values seen
    binary: bool = True  # every finite value is 0 or 1 (one-hot, flags): whole by nature
    # rows padded with a value the mask does not skip: (side, value) -> rows
    foreign: dict[tuple[str, float], int] = field(default_factory=dict)


class _Scratch:
    """Buffers reused from block to block, so a value scan allocates nothing per block. (Each
    fresh multi-MB temporary costs page faults where malloc is told to trim, as in Dask
    workers: MALLOC_TRIM_THRESHOLD_ made the scan 40% slower there.)"""

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        size = math.prod(shape)
        buf = self._buffers.get(name)
        if buf is None or buf.size < size or buf.dtype != dtype:
            buf = self._buffers[name] = np.empty(size, dtype)
        return buf[:size].reshape(shape)


def _count(op: np.ufunc, arr: np.ndarray, other: Any, scratch: _Scratch) -> int:
    """How many elements ``op(arr, other)`` holds for, with no temporary array."""
    return int(np.count_nonzero(op(arr, other, out=scratch.get("hits", arr.shape, _BOOL))))


def _tally_values(
    arr: np.ndarray, tally: _Tally, input_dim: int | None, tokens: bool, scratch: _Scratch
) -> None:
    """Range, integrality and (for token ids) vocabulary of one block of values."""
    finite = arr
    if arr.dtype.kind == "f":
        ok = np.isfinite(arr, out=scratch.get("finite", arr.shape, _BOOL))
        if not ok.all():  # copy only when something must be left out
            finite = arr[ok]
        tally.nonfinite += int(arr.size - finite.size)
    if not finite.size or arr.dtype.kind == "b":
        return
    lo, hi = float(finite.min()), float(finite.max())
    tally.lo = lo if tally.lo is None else min(tally.lo, lo)
    tally.hi = hi if tally.hi is None else max(tally.hi, hi)
    tally.values += int(finite.size)
    if tally.binary and (
        lo < 0
        or hi > 1
        or _count(np.not_equal, finite, 0, scratch) > _count(np.equal, finite, 1, scratch)
    ):
        tally.binary = False
    if arr.dtype.kind == "f":
        whole = np.rint(finite, out=scratch.get("rint", finite.shape, finite.dtype))
        tally.nonintegral += _count(np.not_equal, finite, whole, scratch)
    if tokens:
        tally.below += _count(np.less, finite, 0, scratch)
        if input_dim is not None:
            tally.above += _count(np.greater_equal, finite, input_dim, scratch)


def _masked_steps(block: np.ndarray, mask: MaskSpec, scratch: _Scratch) -> np.ndarray:
    """(sequences, time) booleans: True where Keras would mask the timestep."""
    if mask.class_name == "Embedding":
        return np.asarray(block == 0)
    value = mask.mask_value if mask.mask_value is not None else 0.0
    hits = np.equal(block, value, out=scratch.get("mask", block.shape, _BOOL))
    return np.asarray(hits.reshape(hits.shape[0], hits.shape[1], -1).all(axis=2))


def _tally_mask(steps: np.ndarray, tally: _Tally) -> None:
    if steps.ndim != 2 or steps.shape[1] == 0:
        return
    steps = steps.astype(bool, copy=False)
    lead = np.logical_and.accumulate(steps, axis=1)  # masked from the start so far
    trail = np.logical_and.accumulate(steps[:, ::-1], axis=1)[:, ::-1]
    full = steps.all(axis=1)
    tally.interior += int(np.count_nonzero(steps & ~lead & ~trail))
    tally.prepadded += int(np.count_nonzero(lead[:, 0] & ~full))
    tally.postpadded += int(np.count_nonzero(trail[:, -1] & ~full))


def _tally_foreign_padding(batch: np.ndarray, mask_value: float, tally: _Tally) -> None:
    """Rows that end (post) or start (pre) with a run of two or more timesteps whose every
    value is the same v, v not the mask value: padding the mask does not skip."""
    steps = batch.reshape(batch.shape[0], batch.shape[1], -1)
    if steps.shape[1] < 3 or steps.dtype.kind not in "fiu":
        return
    for side, edge in (("post", steps[:, -1, :]), ("pre", steps[:, 0, :])):
        v = edge[:, 0]
        same = np.all(steps == v[:, None, None], axis=2)  # (rows, time)
        run = np.logical_and.accumulate(same[:, ::-1] if side == "post" else same, axis=1)
        length = run.sum(axis=1)
        hit = (length >= 2) & (length < steps.shape[1]) & (v != mask_value)
        if steps.dtype.kind == "f":
            hit &= np.isfinite(v)
        for value in v[hit].tolist():
            key = (side, float(value))
            tally.foreign[key] = tally.foreign.get(key, 0) + 1


def _scan(
    info: ArrayInfo, inp: InputSpec, embedding: EmbeddingSpec | None, mask: MaskSpec | None
) -> _Tally:
    tally = _Tally()
    seq_rank = len(inp.shape) - 1
    input_dim = embedding.input_dim if embedding is not None else None
    scratch = _Scratch()
    for block in _sequence_blocks(info):
        for arr in block if isinstance(block, list) else [block]:
            arr = np.asarray(arr)
            if arr.size == 0:
                continue
            _tally_values(arr, tally, input_dim, embedding is not None, scratch)
            if mask is not None:
                batch = arr[None] if (isinstance(block, list) or arr.ndim == seq_rank) else arr
                if batch.ndim >= 2:
                    _tally_mask(_masked_steps(batch, mask, scratch), tally)
                if mask.class_name == "Masking" and not isinstance(block, list):
                    _tally_foreign_padding(batch, mask.mask_value or 0.0, tally)
    return tally


def keras_on_bad_token_ids(model: ModelSpec, negative: bool) -> str:
    """What Keras does with token ids outside an Embedding's range (TF backend).

    Verified on CPU with Keras 3.15 and tf-keras 2.21: tf-keras raises InvalidArgumentError for
    negative and too-large ids; Keras 3 raises for too-large ids but reads id -1 as the LAST row
    silently (negative ids index from the end). On GPU TensorFlow's gather returns zeros for
    out-of-range ids instead of raising (its documented behaviour).
    """
    if negative and model.keras_major == 3:
        return "Keras 3 silently reads negative ids from the end of the table (-1 is the last row)"
    if negative and model.keras_major is None:
        return "Keras 3 silently reads negative ids from the end of the table; tf.keras raises"
    return "Keras raises on CPU (InvalidArgumentError); on GPU TensorFlow returns zero vectors"


def _vocab_findings(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, embedding: EmbeddingSpec, tally: _Tally
) -> list[Finding]:
    out = []
    if tally.nonintegral:
        out.append(
            _finding(
                info,
                inp,
                Kind.DTYPE,
                Severity.ERROR,
                f"{tally.nonintegral} non-integral values feed Embedding "
                f"'{embedding.layer}': token ids must be whole numbers",
                fix="tokenize the data; the model takes integer token ids",
            )
        )
    if tally.below or tally.above:
        limit = embedding.input_dim
        what = "; ".join(
            f"{n} {word}: {keras_on_bad_token_ids(model, neg)}"
            for n, word, neg in ((tally.above, "too large", False), (tally.below, "negative", True))
            if n
        )
        out.append(
            _finding(
                info,
                inp,
                Kind.VOCAB,
                Severity.ERROR,
                f"token ids from {tally.lo:g} to {tally.hi:g}; Embedding '{embedding.layer}' "
                f"accepts 0..{'?' if limit is None else limit - 1}. {what}",
                fix="use the tokenizer the model was trained with, or map unknown ids to an "
                "OOV id below input_dim",
            )
        )
    return out


def _truncation_finding(info: ArrayInfo, inp: InputSpec, tally: _Tally) -> list[Finding]:
    """Float features that are all whole numbers: the pad_sequences(dtype='int32') truncation.
    One-hot / 0-1 data and all-zero data prove nothing and are left alone."""
    if not inp.dtype.startswith(("float", "bfloat")) or tally.nonintegral or tally.binary:
        return []
    if not tally.values:
        return []
    return [
        _finding(
            info,
            inp,
            Kind.DTYPE,
            Severity.WARNING,
            f"every value is a whole number ({tally.lo:g} to {tally.hi:g}) in data for the "
            f"{inp.dtype} input: float features truncated to integers? "
            "keras.utils.pad_sequences defaults to dtype='int32' and truncates floats silently. "
            "If the features really are whole numbers (counts, categories), --ignore dtype",
            fix="pad_sequences(seqs, ..., dtype='float32') on the original float data (or "
            "lstmdiag pad, which keeps the dtype)",
        )
    ]


def _mask_value(mask: MaskSpec) -> float:
    return 0.0 if mask.class_name == "Embedding" or mask.mask_value is None else mask.mask_value


def _move_padding_fix(value: float) -> str:
    """Python that moves each row's leading padding to its end (padding it again would keep
    the padding where it is: it is data to pad_sequences)."""
    lead = (
        f"np.logical_and.accumulate(np.all(x == {value!r}, axis=tuple(range(2, x.ndim))), 1).sum(1)"
    )
    return (
        f"x = np.stack([np.roll(r, -int(n), axis=0) for r, n in zip(x, {lead})])   "
        "# each row's leading padding moves to its end"
    )


def _mask_findings(info: ArrayInfo, inp: InputSpec, mask: MaskSpec, tally: _Tally) -> list[Finding]:
    out = []
    layer = (
        f"Masking(mask_value={mask.mask_value!r})"
        if mask.class_name == "Masking"
        else f"Embedding(mask_zero=True) '{mask.layer}'"
    )
    if tally.interior:
        what = "token 0" if mask.class_name == "Embedding" else "the mask value"
        out.append(
            _finding(
                info,
                inp,
                Kind.MASK_COLLISION,
                Severity.WARNING,
                f"{plural(tally.interior, 'real timestep')} inside sequences "
                f"{'equals' if tally.interior == 1 else 'equal'} {what}: {layer} makes Keras skip "
                f"{'it' if tally.interior == 1 else 'them'} silently",
                fix="if these steps are real data, the mask hides them: pick a mask value no real "
                f"timestep has (the values run from {tally.lo:g} to {tally.hi:g}), rebuild the "
                "model with Masking(mask_value=V) and pad with it (lstmdiag pad --value V "
                "--force); if they are gaps meant to be skipped, --ignore mask-collision"
                if mask.class_name == "Masking"
                else "reserve id 0 for padding: shift real token ids by one",
                culprit="model",
            )
        )
    out.extend(_foreign_padding(info, inp, layer, mask, tally))
    if tally.prepadded:
        out.append(
            _finding(
                info,
                inp,
                Kind.PADDING,
                Severity.INFO,
                f"{tally.prepadded} sequences are pre-padded under {layer}: the cuDNN LSTM/GRU "
                "kernel needs right-padded masks, so Keras falls back to the slow kernel",
                fix=_move_padding_fix(_mask_value(mask)),
            )
        )
    return out


def _foreign_padding(
    info: ArrayInfo, inp: InputSpec, layer: str, mask: MaskSpec, tally: _Tally
) -> list[Finding]:
    """The commonest padding run whose value the mask does not skip, when two rows (or the
    only row) have it."""
    if not tally.foreign:
        return []
    (side, value), rows = max(tally.foreign.items(), key=lambda kv: kv[1])
    if rows < min(2, info.sequences):
        return []
    want = mask.mask_value or 0.0
    steps = f"np.all(x == {value!r}, axis=tuple(range(2, x.ndim)))"
    run = (
        f"np.flip(np.logical_and.accumulate(np.flip({steps}, 1), 1), 1)"
        if side == "post"
        else f"np.logical_and.accumulate({steps}, 1)"
    )
    where = "end" if side == "post" else "start"
    return [
        _finding(
            info,
            inp,
            Kind.PADDING,
            Severity.WARNING,
            f"{plural(rows, 'sequence')} {where} in a run of timesteps that all equal "
            f"{value!r}: padding? {layer} skips only {want!r}, so the model reads these "
            "timesteps as real data",
            fix=f"x = x.copy(); x[{run}] = {want!r}   # the {value!r} runs at the {where} "
            f"become {want!r}, which the mask skips",
        )
    ]


def deep_findings(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, options: CheckOptions
) -> list[Finding]:
    """Value checks, streamed in blocks: vocab, non-finite, truncated floats, mask collisions,
    padding side."""
    embedding = next((e for e in model.embeddings if e.input == inp.name), None)
    mask = next((m for m in model.masking if m.input == inp.name), None)
    tally = _scan(info, inp, embedding, mask)
    out: list[Finding] = []
    if tally.nonfinite:
        out.append(
            _finding(
                info,
                inp,
                Kind.NON_FINITE,
                Severity.WARNING,
                f"{tally.nonfinite} NaN/Inf values: they propagate through the "
                "recurrent state and poison every later timestep",
                fix="x = np.nan_to_num(x)  # or drop the affected sequences",
            )
        )
    if embedding is not None:
        out.extend(_vocab_findings(model, info, inp, embedding, tally))
    else:
        out.extend(_truncation_finding(info, inp, tally))
    if mask is not None:
        out.extend(_mask_findings(info, inp, mask, tally))
    return out


# -- the whole run --------------------------------------------------------------------------
def _verdict(findings: list[Finding]) -> str:
    verdict = "ok"
    for f in findings:
        if f.severity is Severity.ERROR:
            return "error"
        if f.severity is Severity.WARNING:
            verdict = "warning"
    return verdict


def _file_result(
    model: ModelSpec, info: ArrayInfo, role: Assignment, these: list[Finding]
) -> FileResult:
    """The report's row for one array: its verdict, and the input it feeds."""
    inp = model.input_named(role.input) if role.role is Role.INPUT and role.input else None
    verdict = _verdict(these)
    if inp is None and verdict == "ok":
        verdict = "info"
    return FileResult(
        info.path,
        info.key,
        None if inp is None else role.input,
        info.shape,
        info.dtype,
        verdict,
        None if inp is None else inp.shape,
        role.role.value,
    )


def _unusable(info: ArrayInfo, inp: InputSpec | None) -> Finding:
    fix = (
        "np.save(path, np.stack(seqs).astype('float32')) — or pad the sequences first — to "
        "store a numeric array"
        if info.pickled
        else None
    )
    severity = Severity.INFO if info.skipped else Severity.ERROR
    return _finding(info, inp, Kind.UNREADABLE, severity, str(info.problem), fix=fix)


def _not_fed(model: ModelSpec, info: ArrayInfo, role: Assignment) -> Finding:
    """A finding for an array that feeds no model input (never checked as one)."""
    names = ", ".join(i.name for i in model.inputs)
    if role.role is Role.INPUT:  # mapped by name to something the model does not have
        return _finding(
            info,
            None,
            Kind.UNMAPPED,
            Severity.ERROR,
            f"mapped to '{role.input}', which is not a model input ({names})",
        )
    if role.role is not Role.UNKNOWN:
        return _finding(
            info,
            None,
            Kind.NOT_INPUT,
            Severity.INFO,
            f"{role.role.value}: {role.reason}; not fed to the model, not checked against an "
            "input (--exclude to leave it out)",
        )
    multi = len(model.inputs) > 1
    return _finding(
        info,
        None,
        Kind.UNMAPPED,
        Severity.WARNING if multi else Severity.INFO,
        "feeds no model input"
        + (
            f" (inputs: {names}); name the member after an input or use --input NAME=PATH"
            if multi
            else "; another member is named after the input"
        ),
    )


def _collection_message(inp: InputSpec, lengths: list[int]) -> tuple[str, bool]:
    """(what a collection of single sequences is, whether it is an error) for ``inp``."""
    t = inp.shape[1]
    lo, hi, n = min(lengths), max(lengths), len(lengths)
    span = f"{lo}" if lo == hi else f"{lo} to {hi}"
    text = (
        f"one of {plural(n, 'sequence')} of {span} timesteps, each saved without a batch "
        "axis: Keras takes one (batch, timesteps, ...) array, so they are padded and stacked"
    )
    return text + _kept_in_all(lengths, t), t is not None or lo == hi


def collection_findings(
    model: ModelSpec, infos: list[ArrayInfo], roles: list[Assignment], options: CheckOptions
) -> dict[int, list[Finding]]:
    """One finding per member of a collection of single sequences (see roles._collections):
    the same message and the same pad fix for all, so the view shows them once."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, role in enumerate(roles):
        if role.sequence and role.input:
            groups.setdefault((role.input, container(infos[index])), []).append(index)
    out: dict[int, list[Finding]] = {}
    for (name, _), members in groups.items():
        inp = model.input_named(name)
        assert inp is not None
        lengths = [int((infos[i].shape or (0,))[0] or 0) for i in members]
        text, error = _collection_message(inp, lengths)
        kind = Kind.RAGGED if min(lengths) != max(lengths) else Kind.MISSING_BATCH
        for i in members:
            info = infos[i]
            fixes = replace(
                _fixes(model, info, inp, options, model.is_masked(inp.name)),
                data=info.path,
            )
            found = _finding(
                info,
                inp,
                kind,
                Severity.ERROR if error else Severity.WARNING,
                text,
                fix=fixes.pad(inp.shape[1], info.dtype or "float32"),
            )
            alternatives = any_length(inp, inp.shape[1]) if kind is Kind.RAGGED else ()
            out[i] = [replace(found, alternatives=alternatives), *_check_dtype(model, info, inp)]
    return out


def _array_findings(
    model: ModelSpec,
    info: ArrayInfo,
    role: Assignment,
    options: CheckOptions,
    collected: list[Finding] | None = None,
) -> list[Finding]:
    inp = model.input_named(role.input) if role.input and role.role is Role.INPUT else None
    if info.problem is not None:
        return [_unusable(info, inp)]
    if inp is None:
        return [_not_fed(model, info, role)]
    these = check_shape(model, info, inp, options) if collected is None else list(collected)
    if options.deep and not any(f.kind.value in SHAPE_KINDS - {"timesteps"} for f in these):
        try:
            these.extend(deep_findings(model, info, inp, options))
        except (OSError, ValueError) as exc:
            these.append(
                _finding(info, inp, Kind.UNREADABLE, Severity.ERROR, f"values unreadable ({exc})")
            )
    return these


# A plain .npy's findings depend on its path only where they name it: the findings of one
# shape are made once per run for PATH_SLOT, then filled in per file (Finding.for_path).
_Memo = dict[tuple[Any, ...], list[Finding] | None]


def _shape_findings(
    model: ModelSpec, info: ArrayInfo, role: Assignment, options: CheckOptions, memo: _Memo
) -> list[Finding]:
    """``_array_findings`` for one array, shared between arrays that differ only by path:
    the common case of a folder of thousands of ``.npy`` files of a few shapes."""
    inp = model.input_named(role.input) if role.input and role.role is Role.INPUT else None
    if (
        inp is None
        or options.deep
        or info.format != "npy"
        or info.problem is not None
        or info.ragged
        or PATH_SLOT in info.path
        or (len(model.inputs) > 1 and stem(info) != inp.name)  # fixes name the file itself
    ):
        return _array_findings(model, info, role, options)
    key = (inp.name, info.shape, info.dtype, info.single)
    if key not in memo:  # made once, and kept only if it gives this array's own findings
        slot = ArrayInfo(
            PATH_SLOT, info.file, "npy", None, info.shape, info.dtype, single=info.single
        )
        shared = _array_findings(model, slot, role, options)
        direct = _array_findings(model, info, role, options)
        memo[key] = shared if [f.for_path(info.path) for f in shared] == direct else None
        return direct
    made = memo[key]
    if made is None:  # the model's own text holds the slot: each array on its own
        return _array_findings(model, info, role, options)
    return [f.for_path(info.path) for f in made]


def _dataset_findings(
    model: ModelSpec, infos: list[ArrayInfo], roles: list[Assignment]
) -> tuple[list[Finding], dict[int, list[Finding]]]:
    """Findings about no array (missing inputs, on the model file) and about several."""
    general: list[Finding] = []
    per_array: dict[int, list[Finding]] = {}
    for problem in dataset_problems(model, infos, roles):
        kind = Kind(problem.kind)
        inp = model.input_named(problem.input) if problem.input else None
        if not problem.arrays:
            general.append(
                Finding(
                    kind,
                    Severity.ERROR,
                    model.path,
                    None,
                    problem.input,
                    None if inp is None else inp.shape,
                    None,
                    problem.message,
                    problem.fix,
                )
            )
        for index in problem.arrays:
            info = infos[index]
            per_array.setdefault(index, []).append(
                _finding(info, None, kind, Severity.ERROR, problem.message, fix=problem.fix)
            )
    return general, per_array


def mine(position: int, shard: tuple[int, int] | None) -> bool:
    """Whether array ``position`` (in the run's sorted order) is this shard's to check."""
    return shard is None or position % shard[1] == shard[0]


def check_arrays(
    model: ModelSpec,
    infos: list[ArrayInfo],
    options: CheckOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check every array against the model input it feeds, then the arrays together."""
    options = options or CheckOptions()
    infos = discover.drop_excluded(infos, options.exclude)
    roles = classify(model, infos, options.mapping)
    general, together = _dataset_findings(model, infos, roles)
    collected = collection_findings(model, infos, roles, options)
    general += [
        Finding(
            Kind.MODEL_STRUCTURE,
            Severity.WARNING,
            model.path,
            None,
            None,
            None,
            None,
            note.text,
            note.fix,
            culprit="model",
        )
        for note in model.notes
    ]
    ignored = expand_kinds(tuple(options.ignore))
    files: list[FileResult] = []
    findings: list[Finding] = []
    memo: _Memo = {}
    for index, (info, role) in enumerate(zip(infos, roles, strict=True)):
        if not mine(index, options.shard):
            continue
        if index in collected:
            these = _array_findings(model, info, role, options, collected[index])
        else:
            these = _shape_findings(model, info, role, options, memo)
        if index in together:
            these += together[index]
        if ignored:
            these = [f for f in these if f.kind.value not in ignored]
        findings.extend(these)
        files.append(_file_result(model, info, role, these))
        if progress is not None:
            progress(index + 1, len(infos))
    findings.extend(f for f in general if f.kind.value not in ignored)
    fed_inputs = {r.input for r in roles if r.role is Role.INPUT and r.input}
    notes = () if options.deep else skipped_value_checks(model, fed_inputs)
    return Report(
        model=model,
        files=tuple(files),
        findings=tuple(findings),
        notes=notes,
        inputs=options.inputs,
        shard=options.shard,
    )


def skipped_value_checks(model: ModelSpec, fed: set[str]) -> tuple[str, ...]:
    """What a header-only check could not see, said once: token ids against an Embedding's
    vocabulary, real timesteps equal to the mask value, NaN/Inf."""
    notes = []
    tokens = sorted({e.input for e in model.embeddings if e.input in fed})
    if tokens:
        notes.append(
            f"values were not read: token ids of {', '.join(tokens)} may be outside the "
            "Embedding's input_dim; --deep checks them"
        )
    masked = sorted(
        {m.input for m in model.masking if m.input in fed and m.class_name == "Masking"}
    )
    if masked:
        notes.append(
            f"values were not read: real timesteps of {', '.join(masked)} equal to the mask "
            "value (skipped silently by Keras) and NaN/Inf are found with --deep"
        )
    return tuple(notes)


def with_findings(report: Report, extra: list[Finding]) -> Report:
    """The report with ``extra`` findings added and the per-array verdicts recomputed."""
    findings = list(report.findings) + extra
    files = []
    for row in report.files:
        mine = [f for f in findings if f.path == row.path and f.key == row.key]
        verdict = _verdict(mine)
        if row.verdict == "info" and verdict == "ok":
            verdict = "info"
        files.append(
            FileResult(
                row.path,
                row.key,
                row.input,
                row.shape,
                row.dtype,
                verdict,
                row.expected,
                row.role,
            )
        )
    return Report(
        model=report.model,
        files=tuple(files),
        findings=tuple(findings),
        notes=report.notes,
        fail_on=report.fail_on,
        inputs=report.inputs,
        shard=report.shard,
    )
