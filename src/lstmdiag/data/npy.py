"""``.npy`` files: shape and dtype from the header; values through a memory map, in blocks."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO

import numpy as np

from .info import ArrayInfo, Location, dtype_label, open_file, read_start

MAGIC = b"\x93NUMPY"


class HeaderError(ValueError):
    """The ``.npy`` header cannot be used; the message says why."""


# The header numpy itself writes; anything else goes through numpy's own (slower) parser.
_PLAIN_HEADER = re.compile(
    rb"\{'descr': '([<>|=]?[a-zA-Z]\d*)', 'fortran_order': (True|False), "
    rb"'shape': \(((?:\d+, ?)*\d*)\), \} *\n"
)


HEAD_BYTES = 4096  # one read answers the common header (numpy pads it to 64 or 128 bytes)


@functools.lru_cache(maxsize=256)
def _dtype(descr: bytes) -> tuple[np.dtype, str]:
    """The dtype and its label for a header's ``descr``, parsed once per run."""
    dtype = np.dtype(descr.decode())
    return dtype, dtype_label(dtype)


def _plain_header(head: bytes) -> tuple[tuple[int, ...], bytes, bool, int] | None:
    """(shape, descr, fortran_order, data offset) of the version-1 header numpy writes, when
    ``head`` (the file's first bytes) holds all of it; a regex, about 10x faster than numpy's."""
    if head[:8] != MAGIC + b"\x01\x00" or len(head) < 10:
        return None
    end = 10 + int.from_bytes(head[8:10], "little")
    return _parse_plain(head[10:end]) if end <= len(head) else None


@functools.lru_cache(maxsize=1024)
def _parse_plain(header: bytes) -> tuple[tuple[int, ...], bytes, bool, int] | None:
    """Parsed once per distinct header: files of one shape and dtype share theirs."""
    match = _PLAIN_HEADER.fullmatch(header)
    if match is None:
        return None
    dims = tuple(int(d) for d in match.group(3).split(b",") if d.strip())
    return dims, match.group(1), match.group(2) == b"True", 10 + len(header)


def _fast_header(fh: IO[bytes]) -> tuple[tuple[int, ...], np.dtype, bool] | None:
    """The plain header read from a seekable stream (left at the data), or None (rewound)."""
    start = fh.tell()
    prefix = fh.read(10)
    if len(prefix) == 10 and prefix[:8] == MAGIC + b"\x01\x00":
        head = prefix + fh.read(int.from_bytes(prefix[8:10], "little"))
        plain = _plain_header(head)
        if plain is not None:
            return plain[0], _dtype(plain[1])[0], plain[2]
    fh.seek(start)
    return None


def describe_head(
    head: bytes, size: int, *, path: str, file: Location, fmt: str, key: str | None
) -> ArrayInfo | None:
    """ArrayInfo from a file's first bytes alone, for the plain header (else None, and the
    file is read as a stream): the one read a local ``.npy`` needs."""
    plain = _plain_header(head)
    if plain is None:
        return None
    shape, descr, _, offset = plain
    try:
        dtype, label = _dtype(descr)
    except TypeError:
        return None  # numpy's own parser says what is wrong with it
    if dtype.hasobject:
        return None
    return _sized(ArrayInfo.plain(path, file, fmt, key, shape, label), dtype, size - offset)


def _sized(info: ArrayInfo, dtype: np.dtype, have: int | None) -> ArrayInfo:
    """``info``, or the same array marked truncated when fewer data bytes follow the header
    than its shape needs."""
    assert info.shape is not None
    need = math.prod(info.shape) * dtype.itemsize  # type: ignore[arg-type]
    if have is None or have >= need:
        return info
    return replace(
        info, problem=f"truncated: the header promises {need} data bytes, the file has {have}"
    )


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
    info = ArrayInfo(**base, shape=shape, dtype=dtype_label(dtype))  # type: ignore[arg-type]
    return _sized(info, dtype, None if size is None else size - fh.tell())


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


SMALL_FILE = 1 << 16  # bytes: a .npy this small is read whole, in one read


def _read_small(file: Path) -> np.ndarray | None:
    """A small C-order .npy with the plain header, read-only, from one read; else None."""
    raw = read_start(file, SMALL_FILE + 1)[0]
    plain = _plain_header(raw) if len(raw) <= SMALL_FILE else None
    if plain is None:
        return None
    shape, descr, fortran, offset = plain
    dtype = _dtype(descr)[0]
    if fortran or dtype.hasobject or len(shape) == 0:
        return None
    need = math.prod(shape) * dtype.itemsize
    if len(raw) - offset < need:
        raise ValueError("the file is shorter than its header says")
    return np.frombuffer(raw, dtype=dtype, count=math.prod(shape), offset=offset).reshape(shape)


def iter_blocks(file: Location, rows: int, reuse: bool = False) -> Iterator[np.ndarray]:
    """Blocks of ``rows`` items along axis 0, read with plain reads (no memory map, so the
    pages read do not stay resident). ``reuse``: every block is read into the same buffer
    (for a caller that is done with a block before asking for the next: no allocation per
    block), and is read-only."""
    small = _read_small(file) if isinstance(file, Path) else None
    if small is not None:  # one open and one read for a small file
        for start in range(0, len(small), max(1, rows)):
            yield small[start : start + rows]
        return
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
