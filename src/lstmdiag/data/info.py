"""What lstmdiag knows about one array in a data file, read from headers only."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeAlias

import numpy as np

from .remote import RemoteFile

# Where an array's bytes are: a local file, or an object behind a URL (read through fsspec).
Location: TypeAlias = Path | RemoteFile


def open_file(file: Location, *, stream: bool = False) -> IO[bytes]:
    """``file`` opened for binary reading. ``stream``: it will be read front to back (a remote
    object then reads ahead in big blocks instead of caching small ones)."""
    if isinstance(file, RemoteFile):
        return file.open("rb", stream=stream)
    return file.open("rb")


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_start(file: Path, size: int) -> tuple[bytes, os.stat_result]:
    """A local file's first ``size`` bytes and its status: one open, one fstat and, for a
    regular file only, one read (nothing is read from a FIFO or device, and O_NONBLOCK
    keeps a FIFO from blocking the open)."""
    fd = os.open(file, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        return (os.read(fd, size) if stat.S_ISREG(st.st_mode) else b""), st
    finally:
        os.close(fd)


@contextlib.contextmanager
def h5_file(file: Location) -> Iterator[Any]:
    """An open ``h5py.File``: by path for a local file, through a cached file object for a URL."""
    import h5py

    if isinstance(file, RemoteFile):
        with file.open("rb") as fh, h5py.File(fh, "r") as f:
            yield f
    else:
        with h5py.File(file, "r") as f:
            yield f


def dtype_label(dtype: np.dtype) -> str:
    """``float32`` for native dtypes; ``>f4`` where the byte order matters; ``<U1`` and
    ``|S4`` for text (numpy's names for those, str32 and bytes32, do not parse back)."""
    if dtype.kind in "USV":
        return str(dtype.str)
    return str(dtype.name if dtype.isnative or dtype.itemsize == 1 else dtype.str)


def parsed_dtype(label: str) -> np.dtype:
    """The numpy dtype a label names; object for a name numpy does not parse back (numpy's
    own names for text, such as str32, from other readers)."""
    try:
        return np.dtype(label)
    except TypeError:
        return np.dtype(object)


@dataclass(frozen=True)
class ArrayInfo:
    """One array (or ragged collection of sequences) found in a data file.

    ``shape`` is the array's shape; for a ragged collection it is ``(count, None, *rest)`` when
    lengths differ (``lengths`` then holds every sequence's length). ``problem`` is set when the
    array cannot be used at all (unreadable, pickled); ``shape``/``dtype`` may then be None.
    """

    path: str  # as the user gave it, joined with the file's path below a given folder
    file: Location  # where the bytes are
    format: str  # "npy" | "npz" | "h5"
    key: str | None  # npz member or h5 dataset path; None for a plain .npy
    shape: tuple[int | None, ...] | None
    dtype: str | None
    ragged: bool = False
    # every sequence's length (an int64 array: a vlen dataset may hold millions)
    lengths: Any = field(default=None, compare=False)
    problem: str | None = None
    pickled: bool = False
    single: bool = False  # the whole array is one sequence (time, ...), no batch axis
    skipped: bool = False  # deliberately not read (an HDF5 soft/external link): info only
    values: Any = field(default=None, compare=False, repr=False)  # in-memory data (the API)

    @staticmethod
    def plain(
        path: str,
        file: Location,
        format: str,
        key: str | None,
        shape: tuple[int | None, ...],
        dtype: str,
    ) -> ArrayInfo:
        """``ArrayInfo(path, file, format, key, shape, dtype)`` without the frozen __init__'s
        thirteen __setattr__ calls (one per header of a large folder)."""
        new = object.__new__(ArrayInfo)
        # One key at a time, in the fields' order: the instance keeps the class's shared-key
        # dict (288 bytes; dict.update made a combined one of 464)
        fields = vars(new)
        fields["path"] = path
        fields["file"] = file
        fields["format"] = format
        fields["key"] = key
        fields["shape"] = shape
        fields["dtype"] = dtype
        fields["ragged"] = False
        fields["lengths"] = None
        fields["problem"] = None
        fields["pickled"] = False
        fields["single"] = False
        fields["skipped"] = False
        fields["values"] = None
        return new

    def as_single_sequence(self) -> ArrayInfo:
        """This array seen as one sequence: a ragged collection of one."""
        from dataclasses import replace

        assert self.shape is not None and len(self.shape) >= 1
        length = int(self.shape[0] or 0)
        return replace(
            self,
            shape=(1, length, *self.shape[1:]),
            ragged=True,
            lengths=np.array([length], np.int64),
            single=True,
        )

    @classmethod
    def unusable(
        cls, path: str, file: Location, fmt: str, problem: str, key: str | None = None
    ) -> ArrayInfo:
        """An array that cannot be used at all; ``problem`` says why."""
        return cls(path, file, fmt, key, None, None, problem=problem)

    @property
    def sequences(self) -> int:
        """How many sequences: a ragged collection's count, else the batch (axis 0)."""
        if self.ragged and self.lengths is not None:
            return len(self.lengths)
        return int(self.shape[0] or 0) if self.shape else 0

    @property
    def in_memory(self) -> bool:
        """Data the Python API was given (arrays, a dataset's element_spec), not a file: its
        fixes are Python."""
        return self.format in ("memory", "spec")

    @property
    def label(self) -> str:
        return f"{self.path}:{self.key}" if self.key else self.path
