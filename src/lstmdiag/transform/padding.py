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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..data import discover
from ..data.info import ArrayInfo
from ..errors import LstmdiagError
from ..judge.layout import Placed, place
from ..judge.stats import compute_stats, length_counts
from ..model.spec import ModelSpec
from . import Mapper, write
from .write import Container, ensure_room, remove_stale

BLOCK_BYTES = 16 * 1024 * 1024  # per padded block: input + output stay ~2x this


# -- pure semantics -------------------------------------------------------------------------
def pad_block(
    block: np.ndarray, maxlen: int, padding: str, truncating: str, value: float, dtype: np.dtype
) -> np.ndarray:
    """Pad/truncate axis 1 of ``block`` (every row one sequence of the same length) exactly as
    ``pad_sequences(list(block), maxlen, dtype, padding, truncating, value)`` would."""
    rows, length = block.shape[0], block.shape[1]
    out = np.full((rows, maxlen, *block.shape[2:]), value, dtype=dtype)
    if length == 0 or rows == 0:  # Keras skips empty sequences: all padding
        return out
    kept = block[:, -maxlen:] if truncating == "pre" else block[:, :maxlen]
    kept = np.asarray(kept, dtype=dtype)
    n = kept.shape[1]
    if padding == "post":
        out[:, :n] = kept
    else:
        out[:, maxlen - n :] = kept
    return out


def pad_list(
    sequences: list[np.ndarray],
    maxlen: int,
    padding: str,
    truncating: str,
    value: float,
    dtype: np.dtype,
    sample_shape: tuple[int, ...] | None = None,
) -> np.ndarray:
    """``pad_sequences`` for sequences of different lengths (a ragged chunk).

    Without ``sample_shape`` it follows Keras to the letter: the shape of the first
    non-empty sequence, or ``()`` when every sequence is empty. Files pass their declared
    shape, so an all-empty chunk keeps its feature axes.
    """
    if sample_shape is None:
        first = next((s for s in sequences if len(s)), None)
        sample_shape = () if first is None else tuple(np.asarray(first).shape[1:])
    out = np.full((len(sequences), maxlen, *sample_shape), value, dtype=dtype)
    for index, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise LstmdiagError(f"a sequence shaped {kept.shape[1:]} among {sample_shape}")
        if padding == "post":
            out[index, : len(kept)] = kept
        else:
            out[index, maxlen - len(kept) :] = kept
    return out


def mask_rows(lengths: np.ndarray, maxlen: int, padding: str) -> np.ndarray:
    """(sequences, maxlen) booleans, True on real (kept) timesteps."""
    kept = np.minimum(lengths, maxlen)[:, None]
    steps = np.arange(maxlen)[None, :]
    if padding == "post":
        return np.asarray(steps < kept)
    return np.asarray(steps >= maxlen - kept)


def collisions(padded: np.ndarray, real: np.ndarray, value: float) -> int:
    """Real timesteps whose every feature equals the padding value (a mask would hide them)."""
    hits = padded == np.asarray(value, dtype=padded.dtype)
    if hits.ndim > 2:
        hits = hits.reshape(hits.shape[0], hits.shape[1], -1).all(axis=2)
    return int((hits & real).sum())


# -- planning -------------------------------------------------------------------------------
FAR_BEYOND = 4  # a given maxlen more than this many times the longest sequence needs --force


@dataclass(frozen=True)
class PadOptions:
    maxlen: int | None = None
    maxlen_auto: bool = False
    maxlen_longest: bool = False  # the longest sequence: nothing is cut (pad_sequences' default)
    padding: str = "pre"
    truncating: str = "pre"
    value: float | None = 0.0  # None: pick a value absent from the data (--value auto)
    value_set: bool = False  # --value was given: else a masked model's mask value pads
    dtype: str | None = None  # None: keep each input's dtype
    mask: bool = False
    sequence_files: bool = False  # every array is one sequence (time, ...), no batch axis
    out: Path | None = None
    stack: Path | None = None
    force: bool = False
    time_axis: int | None = None  # 0: one sequence per array, 1: batch-first; None: decide
    exclude: tuple[str, ...] = ()  # glob patterns of arrays to leave out
    mapping: dict[str, str] = field(default_factory=dict)  # data path (or path:key) -> input


@dataclass(frozen=True)
class PadOutput:
    path: str  # printable (see discover.printable)
    key: str | None
    shape: tuple[int, ...]
    dtype: str
    source: str
    note: str | None = None  # copied unchanged: why


@dataclass(frozen=True)
class PadResult:
    outputs: tuple[PadOutput, ...]
    maxlen: int
    maxlen_reason: str
    value: float
    sequences: int
    truncated: int
    padded: int
    collisions: int
    mask_layer: str | None
    notes: tuple[str, ...] = ()
    maxlens: tuple[tuple[str, int], ...] = ()  # per model input, when they differ
    value_text: str = ""  # the padding value as the data holds it (0 for ints, 0.0 for floats)


@dataclass
class _Item:
    """One input array to pad (or copy), and where it goes."""

    info: ArrayInfo
    target: Path | None  # per-file output container
    sequence: bool  # False: copied unchanged (labels, scalars, inputs without a time axis)
    maxlen: int = 0
    note: str | None = None


@dataclass
class PadPlan:
    items: list[_Item]
    maxlen: int
    maxlen_reason: str
    value: float | None
    options: PadOptions
    notes: list[str] = field(default_factory=list)
    maxlens: dict[str, int] = field(default_factory=dict)
    unmasked: list[str] = field(default_factory=list)  # said when padding was added
    with_model: bool = False  # the model says what masks it: no mask layer is suggested


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def _relative_targets(paths: list[str], infos: list[ArrayInfo], out: Path) -> dict[str, Path]:
    """Output file per input file: the same relative name under ``out``."""
    targets: dict[str, Path] = {}
    # Real file paths, not the printable ones: names that are not UTF-8 keep their bytes.
    for info in infos:
        if info.path not in targets:
            targets[info.path] = out / discover.relative_name(info.file, paths)
    return targets


def _validate(options: PadOptions) -> None:
    if (options.out is None) == (options.stack is None):
        raise LstmdiagError(
            "give exactly one of --out DIR (one output per input) or "
            "--stack FILE (all sequences in one array)"
        )
    for opt, val in (("--padding", options.padding), ("--truncating", options.truncating)):
        if val not in ("pre", "post"):
            raise LstmdiagError(f"{opt} takes pre or post, not {val!r}")
    if options.maxlen is not None and options.maxlen < 1:
        raise LstmdiagError("--maxlen must be at least 1")
    if options.time_axis not in (None, 0, 1):
        raise LstmdiagError("--time-axis takes 0 (one sequence per array) or 1 (batch-first)")


def _auto_maxlen(seqs: list[ArrayInfo]) -> tuple[int, str]:
    """What `lstmdiag stats` recommends for these sequences, and its reason: one rule."""
    counts = length_counts(seqs)
    if not counts:
        return 1, "auto: no sequences"
    result = compute_stats(counts, None, None, ())
    pick = next(c for c in result.candidates if c.recommended)
    return max(1, pick.maxlen), f"auto, as lstmdiag stats recommends: {result.reason}"


def _maxlen_for(
    name: str, seqs: list[ArrayInfo], inp_time: int | None, options: PadOptions, model: bool
) -> tuple[int, str]:
    """The maxlen for the arrays feeding one input (``name`` empty without a model)."""
    whose = f" of input '{name}'" if name else ""
    if options.maxlen is not None:
        if inp_time is not None and options.maxlen != inp_time:
            raise LstmdiagError(
                f"--maxlen {options.maxlen} contradicts the model: input '{name}' takes exactly "
                f"{inp_time} timesteps (leave --maxlen out to use it)"
            )
        return options.maxlen, "given"
    if inp_time is not None:
        return inp_time, f"the model's fixed time axis{whose}"
    if options.maxlen_auto:
        return _auto_maxlen(seqs)
    if options.maxlen_longest:
        longest = max((_longest(i) for i in seqs), default=0)
        return max(1, longest), "longest: the longest sequence, nothing is cut"
    if model:
        raise LstmdiagError(
            f"the model does not fix the time axis{whose}; give --maxlen N, --maxlen longest "
            "(nothing is cut) or --maxlen auto"
        )
    raise LstmdiagError("give --maxlen N, --maxlen longest, --maxlen auto or --model MODEL")


def _longest(info: ArrayInfo) -> int:
    if info.ragged and info.lengths is not None and len(info.lengths):
        return int(np.max(info.lengths))
    return int(info.shape[1] or 0) if info.shape and len(info.shape) > 1 else 0


def _plan_maxlens(
    placed: list[Placed], options: PadOptions, model: ModelSpec | None
) -> dict[str, tuple[int, str]]:
    groups: dict[str, list[Placed]] = {}
    for p in placed:
        if p.pad:
            groups.setdefault(p.input.name if p.input else "", []).append(p)
    result = {}
    for name, members in groups.items():
        inp = members[0].input
        fixed = inp.shape[1] if inp is not None and len(inp.shape) > 1 else None
        result[name] = _maxlen_for(
            name, [m.info for m in members], fixed, options, model is not None
        )
    if options.maxlen is not None and not options.force:
        longest = max((_longest(p.info) for p in placed if p.pad), default=0)
        if options.maxlen > FAR_BEYOND * max(longest, 1):
            raise LstmdiagError(
                f"--maxlen {options.maxlen} is more than {FAR_BEYOND}x the longest sequence "
                f"({longest} timesteps): the outputs would be at least "
                f"{100 * (1 - longest / options.maxlen):.1f}% padding. Pass --force to write them"
            )
    return result


def plan_pad(
    paths: list[str], infos: list[ArrayInfo], options: PadOptions, model: ModelSpec | None = None
) -> PadPlan:
    """Validate everything and decide maxlen and outputs before a single byte is written."""
    _validate(options)
    notes: list[str] = [f"skipped {i.label}: {i.problem}" for i in infos if i.skipped]
    infos = discover.drop_excluded([i for i in infos if not i.skipped], options.exclude)
    for info in infos:  # after --exclude: an excluded unreadable file is no reason to stop
        if info.problem is not None:
            raise LstmdiagError(f"{info.label}: {info.problem}")
    axis = 0 if options.sequence_files else options.time_axis
    placed = place(infos, model, axis=axis, mapping=options.mapping)
    if not any(p.pad for p in placed):
        raise LstmdiagError(
            "no sequence arrays to pad (arrays need a time axis: (batch, timesteps, ...))"
        )
    maxlens = _plan_maxlens(placed, options, model)
    options = replace(options, value=_pad_value(model, [n for n in maxlens if n], options))
    maxlen, reason = next(iter(maxlens.values()))
    if len(maxlens) > 1:
        reason = "the model's inputs: " + ", ".join(f"{n} {m}" for n, (m, _) in maxlens.items())

    out_root = (options.out or options.stack or Path(".")).resolve()
    _refuse_input_tree(paths, out_root)
    if options.out is not None:
        items, planned = _per_file_items(paths, placed, maxlens, options)
    else:
        items, planned = _stack_items(placed, maxlens, options, notes)
    _refuse_existing(paths, infos, planned, options.force)
    _check_room(items, options, out_root)
    return PadPlan(
        items,
        maxlen,
        reason,
        options.value,
        options,
        notes,
        {n: m for n, (m, _) in maxlens.items() if n},
        _unmasked(model, [n for n in maxlens if n], options.value),
        model is not None,
    )


def _pad_value(model: ModelSpec | None, inputs: list[str], options: PadOptions) -> float | None:
    """The padding value: the one the model's mask skips, unless --value says otherwise (and
    another value under a mask is read as real data: refused without --force)."""
    if model is None:
        return options.value
    masks = {n: v for n in inputs if (v := model.mask_value(n)) is not None}
    if not masks:
        return options.value
    if len(set(masks.values())) > 1:
        raise LstmdiagError(
            "the inputs are masked with different values ("
            + ", ".join(f"{n}: {v:g}" for n, v in masks.items())
            + "): pad each input on its own (--input NAME=PATH)"
        )
    name, want = next(iter(masks.items()))
    if not options.value_set:
        return want
    if options.value != want and not options.force:
        given = "a value picked from the data" if options.value is None else f"{options.value:g}"
        raise LstmdiagError(
            f"input '{name}' is masked by the value {want:g} (the model's mask): padding with "
            f"{given} would be read as real timesteps. Leave --value out to pad with {want:g}, "
            "or pass --force to write it anyway"
        )
    return options.value


def _unmasked(model: ModelSpec | None, inputs: list[str], value: float | None) -> list[str]:
    """Inputs whose padding the model will read as data: no Masking, no mask_zero."""
    if model is None:
        return []
    out = []
    for name in inputs:
        embedding = next((e for e in model.embeddings if e.input == name), None)
        if model.is_masked(name):
            continue
        if embedding is not None and value == 0:
            out.append(
                f"input '{name}': token 0 pads it, but Embedding '{embedding.layer}' has "
                "mask_zero=False, so the model reads the padding as token 0. Use "
                "Embedding(..., mask_zero=True) with real ids from 1"
            )
        elif embedding is None:
            out.append(
                f"input '{name}' has no mask (no Masking, no Embedding(mask_zero=True)): the "
                "model reads the padded timesteps as real data. Add "
                f"keras.layers.Masking(mask_value={value if value is not None else 'V'}) right "
                "after the input"
            )
    return out


def _refuse_input_tree(paths: list[str], out_root: Path) -> None:
    if write.refuse_remote_inside(out_root, paths):
        return
    for given in paths:
        resolved = Path(given).resolve()
        if resolved.is_dir() and _inside(out_root, resolved):
            raise LstmdiagError(
                f"the output {out_root} is inside the input folder {given}; "
                "lstmdiag never writes into the input tree"
            )


def _per_file_items(
    paths: list[str],
    placed: list[Placed],
    maxlens: dict[str, tuple[int, str]],
    options: PadOptions,
) -> tuple[list[_Item], list[Path]]:
    assert options.out is not None
    infos = [p.info for p in placed]
    targets = _relative_targets(paths, infos, options.out)
    items = [
        _Item(
            p.info,
            targets[p.info.path],
            p.pad,
            maxlens[p.input.name if p.input else ""][0] if p.pad else 0,
            p.note,
        )
        for p in placed
    ]
    planned = sorted(set(targets.values()))
    planned += [
        _mask_path(targets[i.info.path])
        for i in items
        if i.info.format == "npy" and options.mask and i.sequence
    ]
    by_target: dict[Path, str] = {}
    for info in infos:
        other = by_target.setdefault(targets[info.path], info.path)
        if other != info.path:
            raise LstmdiagError(
                f"{other} and {info.path} would both be written to {targets[info.path]}"
            )
    return items, planned


def _stack_items(
    placed: list[Placed],
    maxlens: dict[str, tuple[int, str]],
    options: PadOptions,
    notes: list[str],
) -> tuple[list[_Item], list[Path]]:
    assert options.stack is not None
    if options.stack.suffix not in (".npy", ".h5", ".hdf5"):
        raise LstmdiagError("--stack takes a .npy or .h5 file name")
    if len(maxlens) > 1:
        raise LstmdiagError(
            "--stack writes one array, but the data feeds the inputs "
            f"{', '.join(maxlens)}: use --out DIR (one output per input file)"
        )
    seqs = [p.info for p in placed if p.pad]
    maxlen = next(iter(maxlens.values()))[0]
    items = [_Item(info, None, True, maxlen) for info in seqs]
    skipped = [f"{p.info.label} ({p.note})" for p in placed if not p.pad]
    if skipped:
        notes.append(f"not stacked: {', '.join(skipped[:5])}" + (" …" if len(skipped) > 5 else ""))
    rests = {tuple(i.shape[2:]) for i in seqs if i.shape is not None}
    if len(rests) > 1:
        raise LstmdiagError(
            "the inputs' sequences have different feature shapes "
            f"{sorted(rests)}; they cannot be stacked into one array"
        )
    planned = [options.stack]
    if options.stack.suffix == ".npy":
        planned.append(_sidecar(options.stack, "lengths"))
        if options.mask:
            planned.append(_sidecar(options.stack, "mask"))
    return items, planned


def _refuse_existing(
    paths: list[str], infos: list[ArrayInfo], planned: list[Path], force: bool
) -> None:
    input_ids: set[tuple[int, int]] | None = None  # (device, inode) of inputs, on demand
    roots = [Path(p).resolve() for p in paths]
    for path in planned:
        url = write.remote_url(path)
        if url is not None:
            if not force and write.remote_exists(url):
                raise LstmdiagError(f"{url} exists; use --force to overwrite it")
            continue
        resolved = path.resolve()
        if path.exists():
            if input_ids is None:
                input_ids = {
                    (st.st_dev, st.st_ino)
                    for st in (i.file.stat() for i in infos if isinstance(i.file, Path))
                }
            st = path.stat()
            if (st.st_dev, st.st_ino) in input_ids:
                raise LstmdiagError(f"{path} is an input; lstmdiag never overwrites its inputs")
        for given, root in zip(paths, roots, strict=True):
            if root.is_dir() and _inside(resolved, root):
                raise LstmdiagError(f"{path} is inside the input folder {given}")
        if path.exists() and not force:
            raise LstmdiagError(f"{path} exists; use --force to overwrite it")


def _check_room(items: list[_Item], options: PadOptions, out_root: Path) -> None:
    """Refuse before writing when the outputs cannot fit on the output's disk (for a URL:
    the staging folder, which holds one per-file output at a time)."""
    need: dict[Path | None, int] = {}
    for item in items:
        info = item.info
        if info.shape is None or not item.sequence:
            continue
        rows = info.sequences
        per_step = math.prod(int(d or 0) for d in info.shape[2:])
        dtype = np.dtype(options.dtype) if options.dtype else np.dtype(info.dtype or "float32")
        size = rows * item.maxlen * (per_step * dtype.itemsize + (1 if options.mask else 0))
        need[item.target] = need.get(item.target, 0) + size
    staged_one_by_one = options.out is not None and write.remote_url(out_root) is not None
    total = max(need.values(), default=0) if staged_one_by_one else sum(need.values())
    ensure_room(out_root, total, "the padded outputs")


def _sidecar(path: Path, what: str) -> Path:
    return path.with_name(f"{path.stem}.{what}{path.suffix}")


def _mask_path(path: Path) -> Path:
    return _sidecar(path, "mask")


# -- running --------------------------------------------------------------------------------
def _out_dtype(info: ArrayInfo, options: PadOptions) -> np.dtype:
    return np.dtype(options.dtype) if options.dtype else np.dtype(info.dtype or "float32")


def _rows_per_block(maxlen: int, rest: tuple[int, ...], dtype: np.dtype, in_len: int) -> int:
    per_row = max(maxlen, in_len, 1) * math.prod(rest) * dtype.itemsize
    return max(1, BLOCK_BYTES // max(1, per_row))


class Padded(NamedTuple):
    """A block of padded rows, or (``piece``) a span of one padded row too large to build
    whole. ``lengths`` holds the real length of every sequence the block completes."""

    data: np.ndarray  # (rows, maxlen, ...) or, for a piece, (1, span, ...)
    real: np.ndarray  # (rows, maxlen) or (1, span) booleans: True on real timesteps
    lengths: np.ndarray
    maxlen: int
    piece: bool = False


def _row_spans(length: int, maxlen: int, padding: str, truncating: str) -> tuple[int, int, int]:
    """(first source step kept, how many kept, where they start in the padded row)."""
    kept = min(length, maxlen)
    source = length - kept if truncating == "pre" else 0
    place = maxlen - kept if padding == "pre" else 0
    return source, kept, place


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
    source, kept, place = _row_spans(length, maxlen, o.padding, o.truncating)
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


def _mask_blocks(lengths: np.ndarray, maxlen: int, padding: str) -> Iterator[np.ndarray]:
    """The (rows, maxlen) mask for ``lengths``, in blocks of rows or spans of one row that
    stay under BLOCK_BYTES."""
    if maxlen <= BLOCK_BYTES:
        rows = max(1, BLOCK_BYTES // max(1, maxlen))
        for start in range(0, len(lengths), rows):
            yield mask_rows(lengths[start : start + rows], maxlen, padding)
        return
    for length in lengths:
        kept = min(int(length), maxlen)
        place = maxlen - kept if padding == "pre" else 0
        for start in range(0, maxlen, BLOCK_BYTES):
            stop = min(maxlen, start + BLOCK_BYTES)
            steps = np.arange(start, stop)
            yield ((steps >= place) & (steps < place + kept))[None, :]


def _span_of(seq: np.ndarray, start: int, stop: int) -> np.ndarray:
    return np.asarray(seq[start:stop])


def _too_big(length: int, maxlen: int, rest: tuple[int, ...], itemsize: int) -> bool:
    return max(length, maxlen) * math.prod(rest) * itemsize > BLOCK_BYTES


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
            limit = _rows_per_block(maxlen, rest, out_dtype, 0)
            for seq in discover.iter_sequences(info):
                if _too_big(len(seq), maxlen, rest, out_dtype.itemsize):
                    if chunk:
                        yield flush()
                    read = functools.partial(_span_of, seq)
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
            if len(chunk) >= _rows_per_block(maxlen, rest, out_dtype, 0):
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
    return math.prod(dims) * itemsize <= SMALL_BATCH and not _too_big(
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
    if _too_big(length, maxlen, rest, widest.itemsize):
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
    rows = _rows_per_block(maxlen, rest, widest, length)
    for block in discover.iter_blocks(info, rows):
        lengths = np.full(block.shape[0], length, dtype=np.int64)
        padded = pad_block(block, maxlen, o.padding, o.truncating, value, out_dtype)
        yield Padded(padded, mask_rows(lengths, maxlen, o.padding), lengths, maxlen)


def choose_value(plan: PadPlan) -> float:
    """``--value auto``: a padding value no real timestep equals (so a mask hides only
    padding). Tries 0, then -1, then one below the data's minimum."""
    candidates = [0.0, -1.0]
    hits = dict.fromkeys(candidates, 0)
    lo: float | None = None
    for item in plan.items:
        if not item.sequence:
            continue
        for seq_block in _raw_sequences(item.info):
            arr = np.asarray(seq_block)
            if arr.size == 0:
                continue
            finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
            if finite.size:
                m = float(finite.min())
                lo = m if lo is None else min(lo, m)
            real = np.ones(arr.shape[:2], dtype=bool)
            for c in candidates:
                hits[c] += collisions(arr, real, c)
    for c in candidates:
        if hits[c] == 0:
            return c
    return math.floor(lo) - 1.0 if lo is not None else -1.0


def _raw_sequences(info: ArrayInfo) -> Iterator[np.ndarray]:
    """Unpadded values as (sequences, time, ...) blocks."""
    if info.ragged:
        for seq in discover.iter_sequences(info):
            yield seq[None]
        return
    yield from discover.iter_blocks(info, 4096)


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
        value_text=_value_text(value, [_out_dtype(i.info, o) for i in plan.items if i.sequence]),
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
    lengths_path, mask_path = _sidecar(o.stack, "lengths"), _sidecar(o.stack, "mask")
    with contextlib.ExitStack() as stack:
        box = stack.enter_context(Container(o.stack, "h5" if h5 else "npy"))
        data = box.array("sequences", shape, dtype)
        if h5:
            lens = box.array("lengths", (count,), np.dtype(np.int64))
            masks = box.array("mask", mask_shape, np.dtype(bool)) if o.mask else None
        else:
            lens = stack.enter_context(Container(lengths_path, "npy")).array(
                None, (count,), np.dtype(np.int64)
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
            lens.write(p.lengths)
            if masks is not None:
                masks.put(p.real, p.piece)
    shown = write.shown(o.stack)
    outputs.append(PadOutput(shown, "sequences" if h5 else None, shape, dtype.name, "stack"))
    outputs.append(
        PadOutput(
            shown if h5 else write.shown(lengths_path),
            "lengths" if h5 else None,
            (count,),
            "int64",
            "stack",
        )
    )
    if o.mask:
        outputs.append(
            PadOutput(
                shown if h5 else write.shown(mask_path),
                "mask" if h5 else None,
                mask_shape,
                "bool",
                "stack",
            )
        )


def _groups(plan: PadPlan) -> dict[Path, list[_Item]]:
    """The items of each per-file output, in order."""
    groups: dict[Path, list[_Item]] = {}
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
    job: tuple[PadPlan, float, Path, list[_Item]],
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
    items: list[_Item],
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
                        write.shown(target),
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
    item: _Item,
) -> None:
    """Pad one array into ``box`` (and its mask beside it: a sibling .npy, an h5 dataset,
    or an npz member written after the data, since zip members cannot interleave)."""
    o = plan.options
    info, maxlen = item.info, item.maxlen
    assert info.shape is not None
    key, fmt = info.key, box.fmt
    dtype = _out_dtype(info, o)
    rows = info.sequences
    shape = (rows, maxlen, *tuple(int(d or 0) for d in info.shape[2:]))
    mask_shape = (rows, maxlen)
    all_lengths: list[np.ndarray] = []
    with contextlib.ExitStack() as stack:
        sink = box.array(key, shape, dtype)
        mask_sink = None
        if o.mask and fmt == "h5":
            mask_sink = box.array(f"{key}_mask", mask_shape, np.dtype(bool))
        elif o.mask and fmt == "npy":
            mask_box = stack.enter_context(Container(_mask_path(target), "npy"))
            mask_sink = mask_box.array(None, mask_shape, np.dtype(bool))
        for p in _padded_blocks([info], plan, maxlen, dtype, value):
            account(p)
            sink.put(p.data, p.piece)
            if mask_sink is not None:
                mask_sink.put(p.real, p.piece)
            all_lengths.append(p.lengths)
        sink.close()
    outputs.append(PadOutput(write.shown(target), key, shape, dtype.name, info.label))
    lengths = np.concatenate(all_lengths) if all_lengths else np.zeros(0, np.int64)
    if info.ragged:
        box.copy(f"{key}_lengths", lengths)
    if o.mask and fmt == "npz":  # zip members cannot interleave: the mask, after the data
        mask_sink = box.array(f"{key}_mask", mask_shape, np.dtype(bool))
        for real in _mask_blocks(lengths, maxlen, o.padding):
            mask_sink.put(real, real.shape[1] != maxlen)
        mask_sink.close()
    if o.mask:
        where = write.shown(_mask_path(target) if fmt == "npy" else target)
        outputs.append(
            PadOutput(
                where, None if fmt == "npy" else f"{key}_mask", mask_shape, "bool", info.label
            )
        )
