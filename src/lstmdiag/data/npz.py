"""``.npz`` archives: every member's header, read through the zip stream (no full load)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

import numpy as np

from . import npy
from .info import ArrayInfo, Location, open_file


def _member_name(name: str) -> str:
    return name[:-4] if name.endswith(".npy") else name


def describe(path: str, file: Location) -> list[ArrayInfo]:
    infos: list[ArrayInfo] = []
    try:
        with open_file(file) as raw, zipfile.ZipFile(raw) as archive:
            for member in archive.infolist():
                if member.is_dir():
                    continue
                key = _member_name(member.filename)
                try:
                    with archive.open(member) as fh:
                        infos.append(
                            npy.describe_stream(fh, None, path=path, file=file, fmt="npz", key=key)
                        )
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                    infos.append(
                        ArrayInfo(
                            path, file, "npz", key, None, None, problem=f"corrupt member ({exc})"
                        )
                    )
                    continue
                last = infos[-1]
                if last.problem is None and last.shape is not None and last.dtype is not None:
                    need = npy.expected_bytes(
                        tuple(int(d or 0) for d in last.shape), np.dtype(last.dtype)
                    )
                    if member.file_size < need:
                        infos[-1] = ArrayInfo(
                            path,
                            file,
                            "npz",
                            key,
                            last.shape,
                            last.dtype,
                            problem=f"truncated member: needs {need} bytes, has {member.file_size}",
                        )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return [
            ArrayInfo(path, file, "npz", None, None, None, problem=f"not a readable .npz ({exc})")
        ]
    if not infos:
        return [ArrayInfo(path, file, "npz", None, None, None, problem="an empty .npz archive")]
    return infos


def iter_blocks(file: Location, key: str, rows: int) -> Iterator[np.ndarray]:
    """Blocks of ``rows`` items along axis 0, decompressed as a stream (flat memory)."""
    with open_file(file, stream=True) as raw, zipfile.ZipFile(raw) as archive:
        name = key if key in archive.namelist() else f"{key}.npy"
        with archive.open(name) as fh:
            shape, dtype, fortran = npy.read_header(fh)
            if fortran or len(shape) == 0:
                fh.seek(0)
                arr = np.lib.format.read_array(fh, allow_pickle=False)
                for start in range(0, max(1, arr.shape[0] if arr.ndim else 1), max(1, rows)):
                    yield arr[start : start + rows] if arr.ndim else arr
                return
            row_items = int(np.prod(shape[1:], dtype=np.int64)) if len(shape) > 1 else 1
            row_bytes = row_items * dtype.itemsize
            for start in range(0, shape[0], max(1, rows)):
                count = min(rows, shape[0] - start)
                buf = fh.read(count * row_bytes)
                if len(buf) < count * row_bytes:
                    raise ValueError(f"{key}: truncated member")
                yield np.frombuffer(buf, dtype=dtype).reshape((count, *shape[1:]))
