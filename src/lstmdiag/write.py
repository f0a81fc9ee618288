"""Streaming, atomic writers: every output goes to a temporary name beside its final path and
is renamed into place only when complete; any error or interrupt removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import h5py
import numpy as np

from .errors import LstmdiagError

TMP_PREFIX = ".lstmdiag-tmp-"
DROP_EVERY = 64 * 1024 * 1024  # written bytes between page-cache drops


def _drop_cache(fh: IO[bytes]) -> None:
    """Written pages need not stay in memory: flush and tell the kernel to drop them."""
    try:
        fh.flush()
        os.fdatasync(fh.fileno())
        os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    except (AttributeError, OSError):
        pass


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """A temporary path in ``final``'s folder, renamed to ``final`` on success."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=final.suffix, dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def npy_header(shape: tuple[int, ...], dtype: np.dtype) -> bytes:
    """The bytes of a ``.npy`` header for a C-order array."""
    import io

    buf = io.BytesIO()
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
    try:
        np.lib.format.write_array_header_1_0(buf, header)
    except ValueError:
        buf = io.BytesIO()
        np.lib.format.write_array_header_2_0(buf, header)
    return buf.getvalue()


class ArraySink:
    """Receives row blocks of one output array, in order."""

    def __init__(self, shape: tuple[int, ...], dtype: np.dtype) -> None:
        self.shape = shape
        self.dtype = dtype
        self.rows = 0

    def write(self, block: np.ndarray) -> None:
        if block.shape[1:] != self.shape[1:] or block.dtype != self.dtype:
            raise LstmdiagError(
                f"internal: block {block.shape} {block.dtype} does not fit "
                f"{self.shape} {self.dtype}"
            )
        self._write(np.ascontiguousarray(block))
        self.rows += block.shape[0]

    def _write(self, block: np.ndarray) -> None:
        raise NotImplementedError

    def close(self) -> None:
        if self.rows != self.shape[0]:
            raise LstmdiagError(f"internal: wrote {self.rows} of {self.shape[0]} rows")


class _StreamSink(ArraySink):
    """A ``.npy`` stream (a file or an npz member): header, then raw C-order rows."""

    def __init__(
        self, fh: IO[bytes], shape: tuple[int, ...], dtype: np.dtype, drop_cache: bool
    ) -> None:
        super().__init__(shape, dtype)
        self.fh = fh
        self.drop_cache = drop_cache
        self.unsynced = 0
        self.fh.write(npy_header(shape, dtype))

    def _write(self, block: np.ndarray) -> None:
        self.fh.write(block.data)  # C-contiguous: no copy
        self.unsynced += block.nbytes
        if self.drop_cache and self.unsynced >= DROP_EVERY:
            _drop_cache(self.fh)
            self.unsynced = 0


class _H5Sink(ArraySink):
    def __init__(self, ds: Any, shape: tuple[int, ...], dtype: np.dtype) -> None:
        super().__init__(shape, dtype)
        self.ds = ds

    def _write(self, block: np.ndarray) -> None:
        self.ds[self.rows : self.rows + block.shape[0]] = block


class Container:
    """One output file holding one or more named arrays (npy: exactly one, unnamed)."""

    def __init__(self, final: Path, fmt: str) -> None:
        self.final = final
        self.fmt = fmt
        self._stack = contextlib.ExitStack()
        self._tmp: Path | None = None
        self._handle: Any = None
        self._open_member: Any = None

    def __enter__(self) -> Container:
        self._tmp = self._stack.enter_context(atomic_path(self.final))
        if self.fmt == "npy":
            self._handle = self._stack.enter_context(self._tmp.open("wb"))
        elif self.fmt == "npz":
            self._handle = self._stack.enter_context(
                zipfile.ZipFile(self._tmp, "w", zipfile.ZIP_STORED, allowZip64=True)
            )
        elif self.fmt == "h5":
            self._handle = self._stack.enter_context(h5py.File(self._tmp, "w"))
        else:
            raise LstmdiagError(f"cannot write format {self.fmt!r}")
        return self

    def __exit__(self, *exc: object) -> bool | None:
        self._finish_member()
        return self._stack.__exit__(*exc)  # type: ignore[arg-type]

    def _finish_member(self) -> None:
        if self._open_member is not None:
            self._open_member.close()
            self._open_member = None

    def array(self, key: str | None, shape: tuple[int, ...], dtype: np.dtype) -> ArraySink:
        """Start the next array; the previous one must be complete."""
        self._finish_member()
        if self.fmt == "npy":
            return _StreamSink(self._handle, shape, dtype, drop_cache=True)
        if self.fmt == "npz":
            member = self._handle.open(f"{key}.npy", "w", force_zip64=True)
            self._open_member = member
            return _StreamSink(member, shape, dtype, drop_cache=False)
        rows = max(1, min(shape[0], (1 << 20) // max(1, int(np.prod(shape[1:])) * dtype.itemsize)))
        ds = self._handle.create_dataset(
            key, shape=shape, dtype=dtype, chunks=(rows, *shape[1:]) if shape[0] else None
        )
        return _H5Sink(ds, shape, dtype)

    def copy(self, key: str, array: np.ndarray) -> None:
        """Write a small array unchanged (labels and other non-sequence members)."""
        self._finish_member()
        array = np.ascontiguousarray(array)
        if self.fmt == "h5":
            self._handle.create_dataset(key, data=array)
            return
        if self.fmt == "npy":
            fh = self._handle
            fh.write(npy_header(tuple(array.shape), array.dtype))
            fh.write(array.tobytes())
            return
        with self._handle.open(f"{key}.npy", "w", force_zip64=True) as member:
            member.write(npy_header(tuple(array.shape), array.dtype))
            member.write(array.tobytes())
