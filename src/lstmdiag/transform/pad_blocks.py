"""What keras.utils.pad_sequences does, on arrays: sequences in, padded blocks and masks out,
in blocks of bounded size (a giant sequence is padded row by row)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from ..data import discover
from ..data.info import ArrayInfo
from ..errors import LstmdiagError

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


def rows_per_block(maxlen: int, rest: tuple[int, ...], dtype: np.dtype, in_len: int) -> int:
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


def row_spans(length: int, maxlen: int, padding: str, truncating: str) -> tuple[int, int, int]:
    """(first source step kept, how many kept, where they start in the padded row)."""
    kept = min(length, maxlen)
    source = length - kept if truncating == "pre" else 0
    place = maxlen - kept if padding == "pre" else 0
    return source, kept, place


def mask_blocks(lengths: np.ndarray, maxlen: int, padding: str) -> Iterator[np.ndarray]:
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


def span_of(seq: np.ndarray, start: int, stop: int) -> np.ndarray:
    return np.asarray(seq[start:stop])


def too_big(length: int, maxlen: int, rest: tuple[int, ...], itemsize: int) -> bool:
    return max(length, maxlen) * math.prod(rest) * itemsize > BLOCK_BYTES


def raw_sequences(info: ArrayInfo) -> Iterator[np.ndarray]:
    """Unpadded values as (sequences, time, ...) blocks."""
    if info.ragged:
        for seq in discover.iter_sequences(info):
            yield seq[None]
        return
    yield from discover.iter_blocks(info, 4096)
