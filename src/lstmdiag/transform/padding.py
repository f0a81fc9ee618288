"""Padding, truncation and masks with exactly ``keras.utils.pad_sequences`` semantics.

The functions at the top are pure (arrays in, arrays out); :func:`plan_pad` and
:func:`run_pad` stream real files through them into :mod:`.write`'s atomic writers, block by
block, so memory stays flat whatever the size of the data.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..data import discover
from ..data.info import ArrayInfo
from . import Mapper, remote_outputs
from .pad_blocks import (
    BLOCK_BYTES,
    Padded,
    collisions,
    mask_blocks,
    mask_rows,
    pad_block,
    pad_list,
    row_spans,
    rows_per_block,
    span_of,
    too_big,
)
from .pad_plan import (
    LENS,
    PadItem,
    PadOutput,
    PadPlan,
    PadResult,
    choose_value,
    lens_path,
    mask_path,
    out_dtype,
    sidecar,
)
from .write import Container, remove_stale


def _giant_row(
    read: Callable[[int, int], np.ndarray],
    length: int,
    rest: tuple[int, ...],
    maxlen: int,
    plan: PadPlan,
    value: float,
    dtype: np.dtype,
) -> Iterator[Padded]:
    """One padded row in spans of at most BLOCK_BYTES, reading the source span by span:
    memory stays bounded whatever maxlen or the sequence's length."""
    o = plan.options
    step = max(1, math.prod(rest) * dtype.itemsize)
    span = max(1, BLOCK_BYTES // step)
    source, kept, place = row_spans(length, maxlen, o.padding, o.truncating)
    for start in range(0, maxlen, span):
        stop = min(maxlen, start + span)
        data = np.full((1, stop - start, *rest), value, dtype=dtype)
        lo, hi = max(start, place), min(stop, place + kept)
        if lo < hi:
            data[0, lo - start : hi - start] = read(source + lo - place, source + hi - place)
        real = np.zeros((1, stop - start), dtype=bool)
        if lo < hi:
            real[0, lo - start : hi - start] = True
        last = stop == maxlen
        lengths = np.array([length] if last else [], dtype=np.int64)
        yield Padded(data, real, lengths, maxlen, piece=True)


def _padded_blocks(
    infos: list[ArrayInfo], plan: PadPlan, maxlen: int, dtype: np.dtype | None, value: float
) -> Iterator[Padded]:
    """Padded blocks for the given arrays in order, streamed.

    Batch arrays are padded in blocks of rows; sequences from ragged collections and
    single-sequence files are gathered across inputs into chunks, so 20,000 tiny files make
    a few hundred blocks, not 20,000. A row larger than BLOCK_BYTES is written in spans.
    """
    o = plan.options
    chunk: list[np.ndarray] = []
    chunk_rest: tuple[int, ...] = ()
    chunk_dtype = np.dtype("float32")

    def flush() -> Padded:
        lengths = np.array([len(s) for s in chunk], dtype=np.int64)
        padded = pad_list(chunk, maxlen, o.padding, o.truncating, value, chunk_dtype, chunk_rest)
        chunk.clear()
        return Padded(padded, mask_rows(lengths, maxlen, o.padding), lengths, maxlen)

    for info in infos:
        assert info.shape is not None
        rest = tuple(int(d or 0) for d in info.shape[2:])
        out_dtype = dtype or np.dtype(info.dtype or "float32")
        if info.ragged:
            if chunk and (rest != chunk_rest or out_dtype != chunk_dtype):
                yield flush()
            chunk_rest, chunk_dtype = rest, out_dtype
            limit = rows_per_block(maxlen, rest, out_dtype, 0)
            for seq in discover.iter_sequences(info):
                if too_big(len(seq), maxlen, rest, out_dtype.itemsize):
                    if chunk:
                        yield flush()
                    read = functools.partial(span_of, seq)
                    yield from _giant_row(read, len(seq), rest, maxlen, plan, value, out_dtype)
                    continue
                chunk.append(seq)
                if len(chunk) >= limit:
                    yield flush()
            continue
        if _small(info, maxlen, out_dtype):  # a tiny batch (often one sequence): its rows join
            if chunk and (rest != chunk_rest or out_dtype != chunk_dtype):
                yield flush()
            chunk_rest, chunk_dtype = rest, out_dtype
            for block in discover.iter_blocks(info, max(1, info.sequences)):
                chunk.extend(block)
            if len(chunk) >= rows_per_block(maxlen, rest, out_dtype, 0):
                yield flush()
            continue
        if chunk:
            yield flush()
        yield from _batch_blocks(info, plan, maxlen, out_dtype, value, rest)
    if chunk:
        yield flush()


SMALL_BATCH = 1 << 16  # bytes: a batch array this small is padded with others, not alone


def _small(info: ArrayInfo, maxlen: int, out_dtype: np.dtype) -> bool:
    """A batch array of a few KB whose padded rows are small too (a row of maxlen larger
    than BLOCK_BYTES is written in spans instead)."""
    assert info.shape is not None
    dims = [int(d or 0) for d in info.shape]
    itemsize = max(np.dtype(info.dtype or "float32").itemsize, out_dtype.itemsize)
    length = dims[1] if len(dims) > 1 else 0
    return math.prod(dims) * itemsize <= SMALL_BATCH and not too_big(
        length, maxlen, tuple(dims[2:]), itemsize
    )


def _batch_blocks(
    info: ArrayInfo,
    plan: PadPlan,
    maxlen: int,
    out_dtype: np.dtype,
    value: float,
    rest: tuple[int, ...],
) -> Iterator[Padded]:
    assert info.shape is not None
    o = plan.options
    length = int(info.shape[1] or 0)
    in_dtype = np.dtype(info.dtype or "float32")
    widest = max(out_dtype, in_dtype, key=lambda d: d.itemsize)
    if too_big(length, maxlen, rest, widest.itemsize):
        for row in range(info.sequences):
            yield from _giant_row(
                functools.partial(discover.read_span, info, row),
                length,
                rest,
                maxlen,
                plan,
                value,
                out_dtype,
            )
        return
    rows = rows_per_block(maxlen, rest, widest, length)
    for block in discover.iter_blocks(info, rows):
        lengths = np.full(block.shape[0], length, dtype=np.int64)
        padded = pad_block(block, maxlen, o.padding, o.truncating, value, out_dtype)
        yield Padded(padded, mask_rows(lengths, maxlen, o.padding), lengths, maxlen)


def _remove_stale(plan: PadPlan) -> list[str]:
    """Temporary files a killed earlier run left in the output folders: removed, and said."""
    folders = {plan.options.stack.parent} if plan.options.stack is not None else set()
    folders |= {i.target.parent for i in plan.items if i.target is not None}
    notes = []
    for folder in sorted(folders):
        removed = remove_stale(folder)
        if removed:
            notes.append(
                f"removed {len(removed)} temporary file{'s' if len(removed) > 1 else ''} that a "
                f"killed lstmdiag run left in {folder}"
            )
    return notes


def _tally(state: dict[str, int], value: float, p: Padded) -> None:
    state["sequences"] += len(p.lengths)
    state["truncated"] += int((p.lengths > p.maxlen).sum())
    state["padded"] += int((p.lengths < p.maxlen).sum())
    state["collisions"] += collisions(p.data, p.real, value)
    state["done"] += len(p.lengths)


def run_pad(
    plan: PadPlan,
    progress: Callable[[int, int], None] | None = None,
    mapper: Mapper | None = None,
) -> PadResult:
    """Write every output atomically; on any error no partial output is left behind.
    ``mapper`` (a Dask cluster's): per-file outputs are written by the cluster's workers."""
    o = plan.options
    plan.notes.extend(_remove_stale(plan))
    value = choose_value(plan) if plan.value is None else float(plan.value)
    total = sum(i.info.sequences for i in plan.items if i.sequence)
    state = dict.fromkeys(("done", "sequences", "truncated", "padded", "collisions"), 0)
    outputs: list[PadOutput] = []

    def account(p: Padded) -> None:
        _tally(state, value, p)
        if progress is not None and len(p.lengths):
            progress(state["done"], total)

    if o.stack is not None:
        _run_stack(plan, value, account, outputs)
    elif mapper is not None:
        jobs = [(replace(plan, items=[]), value, t, g) for t, g in _groups(plan).items()]
        for outs, counts in mapper(_group_job, jobs):
            outputs.extend(outs)
            for key, count in counts.items():
                state[key] += count
            if progress is not None:
                progress(state["done"], total)
    else:
        _run_per_file(plan, value, account, outputs)
    sample_int = any(np.dtype(p.dtype).kind in "iu" and len(p.shape) == 2 for p in outputs)
    mask_layer = None
    if o.mask and not plan.with_model:  # with one, `unmasked` says what it lacks, if anything
        mask_layer = (
            "Embedding(input_dim, output_dim, mask_zero=True)"
            if sample_int and value == 0
            else f"Masking(mask_value={value!r})"
        )
    return PadResult(
        outputs=tuple(outputs),
        maxlen=plan.maxlen,
        maxlen_reason=plan.maxlen_reason,
        value=value,
        sequences=state["sequences"],
        truncated=state["truncated"],
        padded=state["padded"],
        collisions=state["collisions"],
        mask_layer=mask_layer,
        notes=tuple(plan.notes) + (tuple(plan.unmasked) if state["padded"] else ()),
        maxlens=tuple(plan.maxlens.items()) if len(plan.maxlens) > 1 else (),
        value_text=_value_text(value, [out_dtype(i.info, o) for i in plan.items if i.sequence]),
    )


def _value_text(value: float, dtypes: list[np.dtype]) -> str:
    """The padding value as the data holds it: ``0`` for integer data, ``0.0`` for floats."""
    if dtypes and all(d.kind in "iub" for d in dtypes) and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _run_stack(
    plan: PadPlan,
    value: float,
    account: Callable[[Padded], None],
    outputs: list[PadOutput],
) -> None:
    o = plan.options
    assert o.stack is not None
    seqs = [i.info for i in plan.items]
    count = sum(i.sequences for i in seqs)
    rest = tuple(int(d or 0) for d in (seqs[0].shape or ())[2:])
    dtype = (
        np.dtype(o.dtype)
        if o.dtype
        else np.result_type(*[np.dtype(i.dtype or "float32") for i in seqs])
    )
    maxlen = plan.items[0].maxlen
    shape = (count, maxlen, *rest)
    mask_shape = (count, maxlen)
    h5 = o.stack.suffix != ".npy"
    lens_name, lens_type = (
        (LENS, np.dtype(np.int32)) if plan.time_major else ("lengths", np.dtype(np.int64))
    )
    lengths_path, mask_path = sidecar(o.stack, lens_name), sidecar(o.stack, "mask")
    with contextlib.ExitStack() as stack:
        box = stack.enter_context(Container(o.stack, "h5" if h5 else "npy"))
        data = box.array("sequences", shape, dtype, time_major=plan.time_major)
        if h5:
            lens = box.array(lens_name, (count,), lens_type)
            masks = box.array("mask", mask_shape, np.dtype(bool)) if o.mask else None
        else:
            lens = stack.enter_context(Container(lengths_path, "npy")).array(
                None, (count,), lens_type
            )
            masks = (
                stack.enter_context(Container(mask_path, "npy")).array(
                    None, mask_shape, np.dtype(bool)
                )
                if o.mask
                else None
            )
        for p in _padded_blocks(seqs, plan, maxlen, dtype, value):
            account(p)
            data.put(p.data, p.piece)
            lens.write(np.minimum(p.lengths, maxlen).astype(lens_type))  # kept steps
            if masks is not None:
                masks.put(p.real, p.piece)
    shown = remote_outputs.shown(o.stack)
    written = _as_written(shape, plan.time_major)
    outputs.append(PadOutput(shown, "sequences" if h5 else None, written, dtype.name, "stack"))
    outputs.append(
        PadOutput(
            shown if h5 else remote_outputs.shown(lengths_path),
            lens_name if h5 else None,
            (count,),
            lens_type.name,
            "stack",
        )
    )
    if o.mask:
        outputs.append(
            PadOutput(
                shown if h5 else remote_outputs.shown(mask_path),
                "mask" if h5 else None,
                mask_shape,
                "bool",
                "stack",
            )
        )


def _as_written(shape: tuple[int, ...], time_major: bool) -> tuple[int, ...]:
    return (shape[1], shape[0], *shape[2:]) if time_major else shape


def _groups(plan: PadPlan) -> dict[Path, list[PadItem]]:
    """The items of each per-file output, in order."""
    groups: dict[Path, list[PadItem]] = {}
    for item in plan.items:
        assert item.target is not None
        groups.setdefault(item.target, []).append(item)
    return groups


def _run_per_file(
    plan: PadPlan,
    value: float,
    account: Callable[[Padded], None],
    outputs: list[PadOutput],
) -> None:
    for target, items in _groups(plan).items():
        _write_group(plan, value, account, outputs, target, items)


def _group_job(
    job: tuple[PadPlan, float, Path, list[PadItem]],
) -> tuple[list[PadOutput], dict[str, int]]:
    """One per-file output, written on a cluster worker: what it wrote and its tallies."""
    plan, value, target, items = job
    state = dict.fromkeys(("done", "sequences", "truncated", "padded", "collisions"), 0)
    outputs: list[PadOutput] = []
    _write_group(plan, value, functools.partial(_tally, state, value), outputs, target, items)
    return outputs, state


def _write_group(
    plan: PadPlan,
    value: float,
    account: Callable[[Padded], None],
    outputs: list[PadOutput],
    target: Path,
    items: list[PadItem],
) -> None:
    fmt = items[0].info.format
    with Container(target, fmt) as box:
        for item in items:
            info = item.info
            key = info.key
            if not item.sequence:
                values = discover.read_small(info)
                box.copy(key or "data", values)
                outputs.append(
                    PadOutput(
                        remote_outputs.shown(target),
                        key,
                        tuple(values.shape),
                        values.dtype.name,
                        info.label,
                        f"copied unchanged: {item.note}" if item.note else "copied unchanged",
                    )
                )
                continue
            _pad_one(plan, value, account, outputs, box, target, item)


def _pad_one(
    plan: PadPlan,
    value: float,
    account: Callable[[Padded], None],
    outputs: list[PadOutput],
    box: Container,
    target: Path,
    item: PadItem,
) -> None:
    """Pad one array into ``box`` (and its mask beside it: a sibling .npy, an h5 dataset,
    or an npz member written after the data, since zip members cannot interleave)."""
    o = plan.options
    info, maxlen = item.info, item.maxlen
    assert info.shape is not None
    key, fmt = info.key, box.fmt
    dtype = out_dtype(info, o)
    rows = info.sequences
    shape = (rows, maxlen, *tuple(int(d or 0) for d in info.shape[2:]))
    mask_shape = (rows, maxlen)
    all_lengths: list[np.ndarray] = []
    with contextlib.ExitStack() as stack:
        sink = box.array(key, shape, dtype, time_major=plan.time_major)
        mask_sink = None
        if o.mask and fmt == "h5":
            mask_sink = box.array(f"{key}_mask", mask_shape, np.dtype(bool))
        elif o.mask and fmt == "npy":
            mask_box = stack.enter_context(Container(mask_path(target), "npy"))
            mask_sink = mask_box.array(None, mask_shape, np.dtype(bool))
        for p in _padded_blocks([info], plan, maxlen, dtype, value):
            account(p)
            sink.put(p.data, p.piece)
            if mask_sink is not None:
                mask_sink.put(p.real, p.piece)
            all_lengths.append(p.lengths)
        sink.close()
    written = _as_written(shape, plan.time_major)
    outputs.append(PadOutput(remote_outputs.shown(target), key, written, dtype.name, info.label))
    lengths = np.concatenate(all_lengths) if all_lengths else np.zeros(0, np.int64)
    if plan.time_major:
        outputs.append(_write_lens(box, target, key, np.minimum(lengths, maxlen), info.label))
    if info.ragged:
        box.copy(f"{key}_lengths", np.minimum(lengths, maxlen))  # kept, as the mask
    if o.mask and fmt == "npz":  # zip members cannot interleave: the mask, after the data
        mask_sink = box.array(f"{key}_mask", mask_shape, np.dtype(bool))
        for real in mask_blocks(lengths, maxlen, o.padding):
            mask_sink.put(real, real.shape[1] != maxlen)
        mask_sink.close()
    if o.mask:
        where = remote_outputs.shown(mask_path(target) if fmt == "npy" else target)
        outputs.append(
            PadOutput(
                where, None if fmt == "npy" else f"{key}_mask", mask_shape, "bool", info.label
            )
        )


def _write_lens(
    box: Container, target: Path, key: str | None, kept: np.ndarray, source: str
) -> PadOutput:
    """A time-major output's lengths: int32 sequence_lens, beside it (npy) or in it (h5)."""
    lens = kept.astype(np.int32)
    if box.fmt == "npy":
        with Container(lens_path(target), "npy") as side:
            side.copy(LENS, lens)
        return PadOutput(remote_outputs.shown(lens_path(target)), None, lens.shape, "int32", source)
    name = f"{key}_{LENS}" if key else LENS
    box.copy(name, lens)
    return PadOutput(remote_outputs.shown(target), name, lens.shape, "int32", source)
