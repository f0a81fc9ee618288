"""``.npy`` files: shape and dtype from the header; values through a memory map, in blocks."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

from .info import ArrayInfo, Location, dtype_label, open_file

MAGIC = b"\x93NUMPY"


class HeaderError(ValueError):
    """The ``.npy`` header cannot be used; the message says why."""


# The header numpy itself writes; anything else goes through numpy's own (slower) parser.
_PLAIN_HEADER = re.compile(
    rb"\{'descr': '([<>|=]?[a-zA-Z]\d*)', 'fortran_order': (True|False), "
    rb"'shape': \(((?:\d+, ?)*\d*)\), \} *\n"
)


def _fast_header(fh: IO[bytes]) -> tuple[tuple[int, ...], np.dtype, bool] | None:
    """Parse the common version-1 header with a regex (about 10x faster than numpy's)."""
    start = fh.tell()
    prefix = fh.read(10)
    if len(prefix) == 10 and prefix[:8] == MAGIC + b"\x01\x00":
        size = int.from_bytes(prefix[8:10], "little")
        header = fh.read(size)
        match = _PLAIN_HEADER.fullmatch(header)
        if match:
            dims = tuple(int(d) for d in match.group(3).split(b",") if d.strip())
            return dims, np.dtype(match.group(1).decode()), match.group(2) == b"True"
    fh.seek(start)
    return None


def read_header(fh: IO[bytes]) -> tuple[tuple[int, ...], np.dtype, bool]:
    """(shape, dtype, fortran_order) from an open ``.npy`` stream, leaving it at the data."""
    if fh.seekable():
        fast = _fast_header(fh)
        if fast is not None:
            return fast
    try:
        version = np.lib.format.read_magic(fh)
    except ValueError as exc:
        raise HeaderError(f"not a .npy file ({exc})") from None
    try:
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh, max_header_size=65536)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh, max_header_size=65536)
        else:
            raise HeaderError(f"unsupported .npy version {version}")
    except HeaderError:
        raise
    except (ValueError, SyntaxError, TypeError, OverflowError, EOFError) as exc:
        raise HeaderError(f"corrupt .npy header ({exc})") from None
    return tuple(int(d) for d in shape), np.dtype(dtype), bool(fortran)


def expected_bytes(shape: tuple[int, ...], dtype: np.dtype) -> int:
    return math.prod(shape) * dtype.itemsize


def describe_stream(
    fh: IO[bytes], size: int | None, *, path: str, file: Location, fmt: str, key: str | None
) -> ArrayInfo:
    """ArrayInfo from a ``.npy`` stream whose total size (if known) is ``size`` bytes."""
    base = dict(path=path, file=file, format=fmt, key=key)
    try:
        shape, dtype, _ = read_header(fh)
    except HeaderError as exc:
        return ArrayInfo(**base, shape=None, dtype=None, problem=str(exc))  # type: ignore[arg-type]
    if dtype.hasobject:
        return ArrayInfo(
            **base,  # type: ignore[arg-type]
            shape=shape,
            dtype="object",
            pickled=True,
            problem="an object-dtype (pickled) array: lstmdiag never unpickles data",
        )
    if size is not None:
        need = expected_bytes(shape, dtype)
        have = size - fh.tell()
        if have < need:
            return ArrayInfo(
                **base,  # type: ignore[arg-type]
                shape=shape,
                dtype=dtype_label(dtype),
                problem=f"truncated: the header promises {need} data bytes, the file has {have}",
            )
    return ArrayInfo(**base, shape=shape, dtype=dtype_label(dtype))  # type: ignore[arg-type]


def _mapped(file: Location) -> np.ndarray:
    """The array without reading it all: a memory map locally; a URL is read whole (the
    rare Fortran-order and 0-d arrays only come here)."""
    if isinstance(file, Path):
        return np.load(file, mmap_mode="r", allow_pickle=False)  # type: ignore[no-any-return]
    with open_file(file, stream=True) as fh:
        return np.lib.format.read_array(fh, allow_pickle=False)


def read_array(file: Location) -> np.ndarray:
    """The whole array, read directly (fast header, one read; never unpickles)."""
    with open_file(file, stream=True) as fh:
        shape, dtype, fortran = read_header(fh)
        if dtype.hasobject:
            raise ValueError("object arrays are never unpickled")
        need = math.prod(shape) * dtype.itemsize
        buf = fh.read(need)
    if len(buf) < need:
        raise ValueError("the file is shorter than its header says")
    return np.frombuffer(buf, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def iter_blocks(file: Location, rows: int, reuse: bool = False) -> Iterator[np.ndarray]:
    """Blocks of ``rows`` items along axis 0, read with plain reads (no memory map, so the
    pages read do not stay resident). ``reuse``: every block is read into the same buffer
    (for a caller that is done with a block before asking for the next: no allocation per
    block), and is read-only."""
    with open_file(file, stream=True) as fh:
        shape, dtype, fortran = read_header(fh)
        if dtype.hasobject:
            raise ValueError("object arrays are never unpickled")
        if fortran or len(shape) == 0:
            arr = _mapped(file)
            if arr.ndim == 0:
                yield np.asarray(arr)
                return
            for start in range(0, shape[0], max(1, rows)):
                yield np.array(arr[start : start + rows])
            return
        row_bytes = math.prod(shape[1:]) * dtype.itemsize
        shared = bytearray(min(rows, shape[0]) * row_bytes) if reuse else None
        for start in range(0, shape[0], max(1, rows)):
            count = min(rows, shape[0] - start)
            if shared is None:
                buf: bytes | memoryview = fh.read(count * row_bytes)
                got = len(buf)
            else:
                buf = memoryview(shared)[: count * row_bytes]
                got = fh.readinto(buf)  # type: ignore[attr-defined]
            if got < count * row_bytes:
                raise ValueError("the file is shorter than its header says")
            block = np.frombuffer(buf, dtype=dtype).reshape((count, *shape[1:]))
            if shared is not None:
                block.flags.writeable = False
            yield block


def read_span(file: Location, row: int, start: int, stop: int) -> np.ndarray:
    """Items ``start:stop`` of axis 1 of row ``row`` (a span of one sequence's timesteps),
    reading only those bytes."""
    with open_file(file, stream=True) as fh:
        shape, dtype, fortran = read_header(fh)
        if dtype.hasobject:
            raise ValueError("object arrays are never unpickled")
        if fortran:
            arr = _mapped(file)
            return np.array(arr[row, start:stop])
        step = math.prod(shape[2:]) * dtype.itemsize
        fh.seek(fh.tell() + (row * shape[1] + start) * step)
        count = stop - start
        buf = fh.read(count * step)
        if len(buf) < count * step:
            raise ValueError("the file is shorter than its header says")
        return np.frombuffer(buf, dtype=dtype).reshape((count, *shape[2:]))


def read_rows(file: Location, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` along axis 0, reading only those bytes."""
    with open_file(file, stream=True) as fh:
        shape, dtype, fortran = read_header(fh)
        if dtype.hasobject:
            raise ValueError("object arrays are never unpickled")
        if fortran or not shape:
            arr = _mapped(file)
            return np.array(arr[start:stop])
        row = math.prod(shape[1:]) * dtype.itemsize
        fh.seek(fh.tell() + start * row)
        count = max(0, min(stop, shape[0]) - start)
        buf = fh.read(count * row)
        if len(buf) < count * row:
            raise ValueError("the file is shorter than its header says")
        return np.frombuffer(buf, dtype=dtype).reshape((count, *shape[1:]))
