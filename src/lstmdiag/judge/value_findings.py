"""``check --deep``: the values, streamed in blocks: token ids outside the vocabulary,
NaN/Inf, real steps a mask would hide, padding the mask does not cover, cut sequences."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..data import discover
from ..data.info import ArrayInfo
from ..model.spec import EmbeddingSpec, InputSpec, MaskSpec, ModelSpec
from ..text import plural
from .check_options import CheckOptions
from .findings import (
    Finding,
    Kind,
    Severity,
)
from .keras_says import keras_on_bad_token_ids
from .shape_findings import finding

BLOCK_BYTES = 1 << 20  # values scanned per block: small enough to stay in cache


_BOOL = np.dtype(bool)


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


def _vocab_findings(
    model: ModelSpec, info: ArrayInfo, inp: InputSpec, embedding: EmbeddingSpec, tally: _Tally
) -> list[Finding]:
    out = []
    if tally.nonintegral:
        out.append(
            finding(
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
            finding(
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
        finding(
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
            finding(
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
            finding(
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
        finding(
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
            finding(
                info,
                inp,
                Kind.NON_FINITE,
                Severity.WARNING,
                f"{plural(tally.nonfinite, 'NaN/Inf value')}: "
                + (
                    "they propagate through the recurrent state and poison every later timestep"
                    if model.recurrent
                    else "a Dense or convolution layer that reads one outputs NaN"
                ),
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


def table_findings(info: ArrayInfo, inp: InputSpec) -> list[Finding]:
    """``--deep`` on a CSV/Parquet table that is to be cut into windows: its missing, NaN or
    Inf cells, which ``lstmdiag window`` refuses (so its fix cannot run until they are gone)."""
    from ..data.table_values import table_gaps

    where = table_gaps(info.file)
    if where is None:
        return []
    return [
        finding(
            info,
            inp,
            Kind.NON_FINITE,
            Severity.ERROR,
            f"{where}: lstmdiag window refuses the table until they are filled or dropped",
        )
    ]


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
