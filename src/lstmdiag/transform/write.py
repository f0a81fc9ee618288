"""Streaming, atomic writers: every output goes to a temporary name beside its final path and
is renamed into place only when complete; any error or interrupt removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import h5py
import numpy as np

from ..errors import LstmdiagError
from ..text import human_bytes
from .remote_outputs import publish

TMP_PREFIX = ".lstmdiag-tmp-"


DROP_EVERY = 64 * 1024 * 1024  # written bytes between page-cache drops


def ensure_room(root: Path, need: int, what: str) -> None:
    """Refuse before writing when ``need`` bytes of ``what`` cannot fit on ``root``'s disk
    (``root`` may not exist yet: its nearest existing parent is asked)."""
    probe = root
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return
    if need > free:
        raise LstmdiagError(
            f"{what} need {human_bytes(need)} but only {human_bytes(free)} is free on {probe}; "
            "nothing was written"
        )


def _drop_cache(fh: IO[bytes]) -> None:
    """Written pages need not stay in memory: flush and tell the kernel to drop them."""
    try:
        fh.flush()
        os.fdatasync(fh.fileno())
        os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    except (AttributeError, OSError):
        pass


FSYNC = True  # fsync each output and its folder before reporting success (benchmarks toggle it)


_STALE = re.compile(rf"^{re.escape(TMP_PREFIX)}(\d+)-")


def _fsync_dir(folder: Path) -> None:
    if not FSYNC:
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_name(final: Path) -> Path:
    """A hidden name beside ``final`` that says which process wrote it."""
    return final.with_name(f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{final.suffix}")


def _anonymous(folder: Path) -> int | None:
    """An unnamed file in ``folder`` (Linux O_TMPFILE): nothing is visible until it is linked,
    so even SIGKILL leaves nothing behind. None where the system or filesystem lacks it."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o666)  # the umask applies, as for open()
    except OSError:
        return None


def _link_into(fd: int, name: Path) -> None:
    """Give the unnamed file ``fd`` the name ``name``: linkat(AT_SYMLINK_FOLLOW) on its
    /proc/self/fd link (Python calls linkat only when a dir_fd is passed)."""
    folder = os.open(name.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(f"/proc/self/fd/{fd}", name.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """A path to write ``final`` through; ``final`` appears only complete and synced.

    Linux: an O_TMPFILE file, reached through /proc/self/fd, linked into place when complete.
    Elsewhere: a hidden temporary name carrying this process's id (a killed run's leftovers are
    removed by the next run: :func:`remove_stale`). Either way the mode is what a plain
    ``open(path, "w")`` gives (0666 minus the umask), and any error leaves nothing.
    """
    made = [f for f in (final.parent, *final.parent.parents) if not f.exists()]
    final.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _atomic(final) as path:
            yield path
    except BaseException:
        for folder in made:  # deepest first: folders made for an output that never came
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


@contextlib.contextmanager
def _atomic(final: Path) -> Iterator[Path]:
    fd = _anonymous(final.parent)
    if fd is not None:
        try:
            yield Path(f"/proc/self/fd/{fd}")
            if FSYNC:
                os.fsync(fd)
            tmp = _temp_name(final)
            _link_into(fd, tmp)
            try:
                os.replace(tmp, final)
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
            _fsync_dir(final.parent)
        finally:
            os.close(fd)
        publish(final)
        return
    tmp = _temp_name(final)
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        yield tmp
        if FSYNC:
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, final)
        _fsync_dir(final.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    publish(final)


def remove_stale(folder: Path) -> list[Path]:
    """Remove temporary files in ``folder`` that a killed lstmdiag run left behind (their
    process id is no longer running); returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _STALE.match(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(match.group(1))
        if pid != os.getpid() and not _alive(pid):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


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
        self.column = 0  # within the current row, while it is written in pieces

    def put(self, block: np.ndarray, piece: bool) -> None:
        """Whole rows, or (``piece``) the next span of the current row along axis 1."""
        if piece:
            self.write_piece(block)
        else:
            self.write(block)

    def write_piece(self, piece: np.ndarray) -> None:
        """``piece`` is (1, span, *rest): the next ``span`` items of the current row."""
        span = piece.shape[1]
        if (
            piece.shape[0] != 1
            or piece.shape[2:] != self.shape[2:]
            or piece.dtype != self.dtype
            or self.column + span > self.shape[1]
        ):
            raise LstmdiagError(f"internal: piece {piece.shape} does not fit {self.shape}")
        self._write_piece(np.ascontiguousarray(piece))
        self.column += span
        if self.column == self.shape[1]:
            self.rows += 1
            self.column = 0

    def _write_piece(self, piece: np.ndarray) -> None:
        raise NotImplementedError

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
        if self.rows != self.shape[0] or self.column:
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

    def _write_piece(self, piece: np.ndarray) -> None:
        self._write(piece)  # C order: a row's spans follow each other in the file


class _H5Sink(ArraySink):
    def __init__(self, ds: Any, shape: tuple[int, ...], dtype: np.dtype) -> None:
        super().__init__(shape, dtype)
        self.ds = ds

    def _write(self, block: np.ndarray) -> None:
        self.ds[self.rows : self.rows + block.shape[0]] = block

    def _write_piece(self, piece: np.ndarray) -> None:
        self.ds[self.rows, self.column : self.column + piece.shape[1]] = piece[0]


class _TimeMajorFileSink(ArraySink):
    """A ``.npy`` file written (time, batch, ...) from batch-major rows: each row's steps are
    written where they go, so it needs a seekable file (not a zip member)."""

    def __init__(self, fh: IO[bytes], shape: tuple[int, ...], dtype: np.dtype) -> None:
        super().__init__(shape, dtype)
        self.fh = fh
        header = npy_header((shape[1], shape[0], *shape[2:]), dtype)
        fh.write(header)
        self.start = len(header)
        self.step = int(np.prod(shape[2:], dtype=np.int64)) * dtype.itemsize  # one step's bytes

    def _steps(self, block: np.ndarray, row: int, first: int) -> None:
        """block is (rows, span, *rest): its steps first.. of the rows from ``row``."""
        for t in range(block.shape[1]):
            self.fh.seek(self.start + ((first + t) * self.shape[0] + row) * self.step)
            self.fh.write(np.ascontiguousarray(block[:, t]).data)

    def _write(self, block: np.ndarray) -> None:
        self._steps(block, self.rows, 0)

    def _write_piece(self, piece: np.ndarray) -> None:
        self._steps(piece, self.rows, self.column)

    def close(self) -> None:
        super().close()
        self.fh.seek(0, 2)


class _H5TimeMajorSink(_H5Sink):
    def _write(self, block: np.ndarray) -> None:
        self.ds[:, self.rows : self.rows + block.shape[0]] = np.swapaxes(block, 0, 1)

    def _write_piece(self, piece: np.ndarray) -> None:
        self.ds[self.column : self.column + piece.shape[1], self.rows] = piece[0]


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
            target: Any = self._tmp
            if str(self._tmp).startswith("/proc/self/fd/"):  # HDF5 wants a real path: a file object
                target = self._stack.enter_context(self._tmp.open("w+b"))
            self._handle = self._stack.enter_context(h5py.File(target, "w"))
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

    def array(
        self, key: str | None, shape: tuple[int, ...], dtype: np.dtype, time_major: bool = False
    ) -> ArraySink:
        """Start the next array; the previous one must be complete. Rows always come
        batch-major; ``time_major`` writes them (time, batch, ...) (npy and h5)."""
        self._finish_member()
        if time_major:
            return self._time_major(key, shape, dtype)
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

    def _time_major(self, key: str | None, shape: tuple[int, ...], dtype: np.dtype) -> ArraySink:
        if self.fmt == "npy":
            return _TimeMajorFileSink(self._handle, shape, dtype)
        if self.fmt == "h5":
            steps = (shape[1], shape[0], *shape[2:])
            ds = self._handle.create_dataset(key, shape=steps, dtype=dtype)
            return _H5TimeMajorSink(ds, shape, dtype)
        raise LstmdiagError(f"cannot write {self.fmt} time-major: use .npy or .h5 outputs")

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
