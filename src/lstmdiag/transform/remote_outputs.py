"""Outputs behind URLs (``--out s3://...``): written to a local staging folder, each file
uploaded once complete; on a Dask cluster the workers adopt the client's staging folders."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..data import remote
from ..data.discover import printable
from ..errors import LstmdiagError

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


def publish(final: Path) -> None:
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
