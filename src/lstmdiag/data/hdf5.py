"""HDF5 data files: every dataset (groups walked, links never followed), read header first.

Two layouts are ragged collections of sequences: a variable-length (vlen) dataset, whose items
are 1-D sequences, and a group whose children are all datasets with numbered names (``0``,
``1``, ``seq_0002`` ...), same dtype and same trailing dims, each child one sequence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import h5py
import numpy as np

from .info import ArrayInfo, Location, dtype_label, h5_file

_NUMBERED = re.compile(r"\d+$")
_LENGTH_BLOCK = 4096


def _natural(name: str) -> tuple[str, int]:
    match = _NUMBERED.search(name)
    return (name[: match.start()], int(match.group())) if match else (name, -1)


def _vlen_base(ds: Any) -> np.dtype | None:
    base = h5py.check_vlen_dtype(ds.dtype)
    return None if base is None else np.dtype(base)


def _collection_members(group: Any) -> list[tuple[str, Any]] | None:
    """The numbered datasets of ``group`` if it is a ragged collection, else None."""
    names = list(group.keys())
    if len(names) < 2 or not all(_NUMBERED.search(n) for n in names):
        return None
    members = []
    for name in sorted(names, key=_natural):
        link = group.get(name, getlink=True)
        if not isinstance(link, h5py.HardLink):
            return None
        obj = group.get(name)
        if not isinstance(obj, h5py.Dataset) or obj.ndim < 1 or _vlen_base(obj) is not None:
            return None
        members.append((name, obj))
    first = members[0][1]
    if any(m.dtype != first.dtype or m.shape[1:] != first.shape[1:] for _, m in members):
        return None
    return members


def _ragged_info(
    path: str, file: Location, key: str, lengths: Any, rest: tuple[int, ...], dtype: np.dtype
) -> ArrayInfo:
    lengths = np.asarray(lengths, dtype=np.int64)
    same = lengths.size > 0 and int(lengths.min()) == int(lengths.max())
    time = int(lengths[0]) if same else None
    return ArrayInfo(
        path,
        file,
        "h5",
        key,
        (len(lengths), time, *rest),
        dtype_label(dtype),
        ragged=True,
        lengths=lengths,
    )


def describe(path: str, file: Location) -> list[ArrayInfo]:
    infos: list[ArrayInfo] = []
    try:
        with h5_file(file) as f:
            _walk(f, path, file, infos, set())
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        return [
            ArrayInfo(
                path, file, "h5", None, None, None, problem=f"not a readable HDF5 file ({exc})"
            )
        ]
    if not infos:
        return [
            ArrayInfo(path, file, "h5", None, None, None, problem="an HDF5 file with no datasets")
        ]
    return infos


def _walk(group: Any, path: str, file: Location, infos: list[ArrayInfo], seen: set[Any]) -> None:
    key_of = group.name.lstrip("/")
    members = _collection_members(group) if group.name != "/" else None
    if members is not None:
        lengths = [int(ds.shape[0]) for _, ds in members]
        first = members[0][1]
        infos.append(_ragged_info(path, file, key_of, lengths, tuple(first.shape[1:]), first.dtype))
        return
    for name in sorted(group.keys(), key=_natural):
        link = group.get(name, getlink=True)
        key = f"{key_of}/{name}" if key_of else name
        if not isinstance(link, h5py.HardLink):
            kind = "an external link" if isinstance(link, h5py.ExternalLink) else "a soft link"
            infos.append(
                ArrayInfo(
                    path,
                    file,
                    "h5",
                    key,
                    None,
                    None,
                    problem=f"{kind}: lstmdiag does not follow links",
                    skipped=True,
                )
            )
            continue
        obj = group.get(name)
        if obj is None:
            continue
        addr = obj.id.__hash__()
        if addr in seen:
            continue
        seen.add(addr)
        if isinstance(obj, h5py.Group):
            _walk(obj, path, file, infos, seen)
        elif isinstance(obj, h5py.Dataset):
            infos.append(_dataset_info(obj, path, file, key))


def _dataset_info(ds: Any, path: str, file: Location, key: str) -> ArrayInfo:
    base = _vlen_base(ds)
    if base is not None:
        if ds.ndim != 1:
            return ArrayInfo(
                path,
                file,
                "h5",
                key,
                None,
                base.name,
                problem="a multi-dimensional vlen dataset is not supported",
            )
        lengths = np.empty(ds.shape[0], dtype=np.int64)
        for start in range(0, ds.shape[0], _LENGTH_BLOCK):
            block = ds[start : start + _LENGTH_BLOCK]
            lengths[start : start + len(block)] = [len(item) for item in block]
        return _ragged_info(path, file, key, lengths, (), base)
    try:
        dtype = np.dtype(ds.dtype)
    except TypeError:
        return ArrayInfo(
            path,
            file,
            "h5",
            key,
            tuple(ds.shape),
            None,
            problem=f"an HDF5 type numpy cannot use ({ds.dtype})",
        )
    if dtype.hasobject or dtype.kind in "SUV" or ds.shape is None:
        return ArrayInfo(
            path,
            file,
            "h5",
            key,
            ds.shape,
            str(dtype),
            problem=f"not a numeric array (dtype {dtype})",
        )
    return ArrayInfo(path, file, "h5", key, tuple(int(d) for d in ds.shape), dtype_label(dtype))


def iter_blocks(file: Location, key: str, rows: int) -> Iterator[np.ndarray]:
    """Blocks of ``rows`` items along axis 0 of a plain dataset."""
    with h5_file(file) as f:
        ds = f[key]
        if ds.ndim == 0:
            yield np.asarray(ds[()])
            return
        for start in range(0, ds.shape[0], max(1, rows)):
            yield np.asarray(ds[start : start + rows])


def iter_sequences(file: Location, key: str) -> Iterator[np.ndarray]:
    """The sequences of a ragged collection (vlen dataset or numbered group), in order."""
    with h5_file(file) as f:
        obj = f[key] if key else f
        if isinstance(obj, h5py.Dataset):
            for start in range(0, obj.shape[0], _LENGTH_BLOCK):
                for item in obj[start : start + _LENGTH_BLOCK]:
                    yield np.asarray(item)
            return
        members = _collection_members(obj) or []
        for _, ds in members:
            yield np.asarray(ds[()])
