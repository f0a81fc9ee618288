"""In-memory data for the Python API: numpy arrays (or tensors), lists of arrays (ragged
sequences), and a dataset's declared element (shapes only)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .info import ArrayInfo, dtype_label
from .live import Spec


def describe(name: str, data: Any) -> ArrayInfo:
    """An ArrayInfo for an array (axis 0 = batch) or a list/tuple of sequences."""
    file = Path(f"<{name}>")
    if isinstance(data, Spec):  # a dataset's declared element: shapes, no values
        return ArrayInfo(name, file, "spec", None, data.shape, data.dtype)
    if isinstance(data, np.ndarray) and data.dtype == object and data.ndim == 1:
        data = list(data)  # np.array(sequences, dtype=object): the sequences
    elif not isinstance(data, np.ndarray | Sequence) and hasattr(data, "__array__"):
        data = np.asarray(data)  # a tensor (TensorFlow, JAX, torch): its values
    if isinstance(data, np.ndarray) and data.dtype != object:
        return ArrayInfo(
            name, file, "memory", None, tuple(data.shape), dtype_label(data.dtype), values=data
        )
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        seqs = [np.asarray(s) for s in data]
        if not seqs:
            return ArrayInfo(name, file, "memory", None, (0,), "float32", values=data)
        if any(s.dtype == object for s in seqs):
            return ArrayInfo(
                name,
                file,
                "memory",
                None,
                None,
                "object",
                problem="a nested Python object; give numeric arrays",
            )
        rests = {s.shape[1:] for s in seqs}
        if len(rests) != 1 or any(s.ndim == 0 for s in seqs):
            return ArrayInfo.unusable(
                name, file, "memory", f"sequences of different shapes {sorted(rests)}"
            )
        lengths = np.array([len(s) for s in seqs], dtype=np.int64)
        same = int(lengths.min()) == int(lengths.max())
        dtype = np.result_type(*seqs)
        return ArrayInfo(
            name,
            file,
            "memory",
            None,
            (len(seqs), int(lengths[0]) if same else None, *next(iter(rests))),
            dtype_label(np.dtype(dtype)),
            ragged=True,
            lengths=lengths,
            values=seqs,
        )
    return ArrayInfo.unusable(
        name, file, "memory", f"not an array or a list of arrays ({type(data).__name__})"
    )


def iter_blocks(info: ArrayInfo, rows: int) -> Iterator[np.ndarray]:
    arr = np.asarray(info.values)
    if arr.ndim == 0:
        yield arr
        return
    for start in range(0, arr.shape[0], max(1, rows)):
        yield arr[start : start + rows]


def iter_sequences(info: ArrayInfo) -> Iterator[np.ndarray]:
    for seq in info.values:
        yield np.asarray(seq)
