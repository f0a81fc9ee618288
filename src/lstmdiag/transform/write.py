"""Streaming, atomic writers: every output goes to a temporary name beside its final path and
is renamed into place only when complete; any error or interrupt removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import h5py
import numpy as np

from ..data import remote
from ..data.discover import printable
from ..errors import LstmdiagError
from ..text import human_bytes

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
        _publish(final)
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
    _publish(final)


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


# --- Outputs behind URLs -------------------------------------------------------------------
# pad and window write a URL destination through a local staging folder: each output is
# written there atomically as usual, then uploaded as one multipart upload that is completed
# only when every byte is up (aborted on any error or interrupt, so nothing partial is ever
# visible), then removed, so the staging folder holds at most one finished output at a time.

UPLOAD_PART = 16 << 20


@dataclass(frozen=True)
class _Mirror:
    root: Path  # the local staging folder
    url: str  # the prefix it stands for
    folder: bool = False  # an --out folder (listed to find existing outputs), not a --stack's


_MIRRORS: list[_Mirror] = []


@contextlib.contextmanager
def staged(out: str | None, stack: str | None) -> Iterator[tuple[Path | None, Path | None]]:
    """``--out`` / ``--stack`` as local paths to write to. A URL becomes a staging path whose
    finished files are uploaded to the URL (a ``--stack`` URL's sidecars go beside it)."""
    dest = out if out is not None else stack
    if dest is None or not remote.is_url(dest) or (out is not None and stack is not None):
        # (both given: the plan refuses that before anything is written)
        yield (Path(out) if out else None), (Path(stack) if stack else None)
        return
    remote.filesystem(dest)  # the extra and the backend, before any work
    root = Path(tempfile.mkdtemp(prefix="lstmdiag-upload-")).resolve()
    base = dest.rstrip("/") if out is not None else dest.rsplit("/", 1)[0]
    mirror = _Mirror(root, base, folder=out is not None)
    _MIRRORS.append(mirror)
    try:
        if out is not None:
            yield root, None
        else:
            yield None, root / dest.rsplit("/", 1)[1]
    finally:
        _MIRRORS.remove(mirror)
        _LISTED.pop(base, None)
        shutil.rmtree(root, ignore_errors=True)


def mirrors() -> list[tuple[str, str]]:
    """The staging folders of this run and their URLs, to hand to cluster workers."""
    return [(str(m.root), m.url) for m in _MIRRORS]


@contextlib.contextmanager
def adopted(pairs: list[tuple[str, str]]) -> Iterator[None]:
    """On a cluster worker: the client's staging folders, so outputs written under them are
    uploaded from the worker (folders made here are removed after)."""
    added: list[_Mirror] = []
    made: list[Path] = []
    for root, url in pairs:
        mirror = _Mirror(Path(root), url)
        if mirror in _MIRRORS:
            continue
        if not mirror.root.exists():
            mirror.root.mkdir(parents=True)
            made.append(mirror.root)
        _MIRRORS.append(mirror)
        added.append(mirror)
    try:
        yield
    finally:
        for mirror in added:
            _MIRRORS.remove(mirror)
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


def remote_url(path: Path) -> str | None:
    """The URL a staging path stands for; None for a plain local path."""
    resolved = path.resolve()
    for mirror in _MIRRORS:
        if resolved == mirror.root:
            return mirror.url
        if mirror.root in resolved.parents:
            return f"{mirror.url}/{resolved.relative_to(mirror.root).as_posix()}"
    return None


def shown(path: Path) -> str:
    """An output's name as the user should see it: its URL when it goes to one."""
    return remote_url(path) or printable(str(path))


_LISTED: dict[str, set[str]] = {}  # --out prefix -> the objects under it, listed once


def remote_exists(url: str) -> bool:
    """Whether an output object is already there. Under an ``--out`` prefix the prefix is
    listed once (one request per 1,000 objects, not one per output)."""
    try:
        prefix = next((m.url for m in _MIRRORS if m.folder and url.startswith(m.url + "/")), None)
        if prefix is None:
            fs, path = remote.filesystem(url)
            return bool(fs.exists(path))
        if prefix not in _LISTED:
            _LISTED[prefix] = {shown for shown, _ in remote.list_files(prefix + "/", ("*",))}
        return url in _LISTED[prefix]
    except LstmdiagError:
        raise
    except Exception as exc:  # backends raise their own types
        raise LstmdiagError(f"{url}: cannot check the output ({remote.one_line(exc)})") from None


def refuse_remote_inside(out: Path, paths: list[str]) -> bool:
    """For a URL destination: refuse one inside an input prefix. False for a local one."""
    url = remote_url(out)
    if url is None:
        return False
    for given in paths:
        prefix = given.rstrip("/") + "/"
        if remote.is_url(given) and (url.rstrip("/") + "/").startswith(prefix):
            raise LstmdiagError(
                f"the output {url} is inside the input {given}; lstmdiag never writes into "
                "the input tree"
            )
    return True


def _publish(final: Path) -> None:
    url = remote_url(final)
    if url is not None:
        upload(final, url)
        final.unlink()


def upload(local: Path, url: str) -> None:
    """``local`` to ``url`` as one multipart upload, completed only after the last part;
    any error or interrupt aborts it, so the object is never seen half-written."""
    fs, path = remote.filesystem(url)
    try:
        dst = fs.open(path, "wb", autocommit=False, block_size=UPLOAD_PART)
    except Exception as exc:
        raise LstmdiagError(f"{url}: cannot write ({remote.one_line(exc)})") from None
    try:
        with local.open("rb") as src:
            while chunk := src.read(UPLOAD_PART):
                dst.write(chunk)
        dst.close()  # sends the last part; with autocommit off nothing is visible yet
        dst.commit()
    except BaseException as exc:
        with contextlib.suppress(Exception):
            dst.discard()
        if isinstance(exc, Exception) and not isinstance(exc, OSError | LstmdiagError):
            raise LstmdiagError(f"{url}: upload failed ({remote.one_line(exc)})") from None
        raise
