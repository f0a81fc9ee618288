"""Reading a saved Keras model into a ModelSpec, statically (no TensorFlow, no Keras)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data import remote
from ..data.info import Location
from ..errors import DAMAGED, READING, LstmdiagError, one_line
from . import json_arch, keras_zip, mlflow, onnx, savedmodel, tflite, triton
from .spec import EmbeddingSpec, InputSpec, MaskSpec, ModelSpec, RecurrentLayer, Shape

__all__ = [
    "EmbeddingSpec",
    "InputSpec",
    "MaskSpec",
    "ModelSpec",
    "RecurrentLayer",
    "Shape",
    "read_model",
]

ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def read_model(path: str | Path) -> ModelSpec:
    """Read ``path`` by what its bytes are, not by its name (a ``.keras`` may hold HDF5).
    A URL is read the same way, through fsspec (only the parts that are needed)."""
    shown = str(path)
    READING.set(shown)
    if remote.is_url(shown):
        return _read_remote(shown)
    p = Path(path)
    if p.name in (mlflow.MLMODEL, triton.CONFIG) and p.is_file():
        p = p.parent  # the MLmodel / config.pbtxt itself: its folder is the model
    if p.is_dir() and (p / mlflow.MLMODEL).is_file():
        return mlflow.read(p, shown, read_model)
    if p.is_dir() and (p / triton.CONFIG).is_file():
        return triton.read(p, shown, read_model)
    if p.is_dir():
        try:
            return savedmodel.read(p, shown)
        except LstmdiagError:
            raise
        except DAMAGED as exc:
            raise LstmdiagError(f"{shown}: not a readable SavedModel ({one_line(exc)})") from None
    from ..data.discover import special_file

    special = special_file(p)
    if special is not None:
        raise LstmdiagError(f"{shown}: not a regular file: {special}; not read")
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise LstmdiagError(f"{shown}: no such file") from None
    except OSError as exc:
        raise LstmdiagError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    return _read_by_magic(p, shown, head)


DATA_SUFFIXES = (".npy", ".npz", ".csv", ".tsv", ".parquet")


def looks_like_model(path: str) -> bool:
    """A cheap look, for a swapped command line: a .keras zip, a SavedModel folder, or an
    HDF5 file with a Keras model_config."""
    p = Path(path)
    if remote.is_url(path):
        return path.endswith((".keras", ".json"))
    if p.is_dir():
        return any((p / n).is_file() for n in ("saved_model.pb", mlflow.MLMODEL, triton.CONFIG))
    if p.name in (mlflow.MLMODEL, triton.CONFIG):
        return p.is_file()
    if p.suffix in (".keras", ".tflite", ".onnx"):
        return p.is_file()
    if p.suffix in (".h5", ".hdf5") and p.is_file():
        try:
            import h5py

            with h5py.File(p, "r") as f:
                return "model_config" in f.attrs
        except (OSError, ValueError, RuntimeError, KeyError):
            return False
    return False


def looks_like_data(path: str) -> bool:
    """A data file by its name or its .npy magic, or a data folder (no SavedModel, MLmodel or
    config.pbtxt in it)."""
    p = Path(path)
    if path.endswith(DATA_SUFFIXES) or (p.is_dir() and not looks_like_model(path)):
        return True
    if p.suffix in (".h5", ".hdf5"):
        return p.is_file() and not looks_like_model(path)
    try:
        with p.open("rb") as fh:
            return fh.read(6) == b"\x93NUMPY"
    except OSError:
        return False


def _read_by_magic(p: Location, shown: str, head: bytes) -> ModelSpec:
    try:
        return _dispatch(p, shown, head)
    except LstmdiagError:
        raise
    except DAMAGED as exc:  # the format libraries' own errors on damaged bytes
        raise LstmdiagError(f"{shown}: not a readable model ({one_line(exc)})") from None


def _dispatch(p: Location, shown: str, head: bytes) -> ModelSpec:
    if head[4:8] == tflite.MAGIC and isinstance(p, Path):
        return tflite.read(p, shown)
    if onnx.looks_like_onnx(head) and isinstance(p, Path):
        return onnx.read(p, shown)
    if head.startswith(ZIP_MAGIC):
        return keras_zip.read(p, shown)
    if head.startswith(HDF5_MAGIC):
        from . import hdf5  # h5py costs ~25 ms to import: only when needed

        return hdf5.read(p, shown)
    if head.lstrip()[:1] in (b"{", b"[", b""):
        if not head:
            raise LstmdiagError(f"{shown}: the file is empty")
        return json_arch.read(p, shown)
    raise LstmdiagError(
        f"{shown}: not a Keras model file (expected a .keras zip, an HDF5 .h5, an architecture "
        ".json, a SavedModel folder, a .tflite or an .onnx)"
    )


WHOLE_MODEL = 4 << 20  # bytes: a model this small is fetched in one request, not in parts


def _read_remote(url: str) -> ModelSpec:
    """A model behind a URL. Every request is a round trip across the network, so: one to
    learn what it is; a file of up to WHOLE_MODEL bytes is then fetched in one more and read
    like a local file; a larger one is read in parts through a block cache (the zip
    directory, config.json, the weights' headers); a SavedModel prefix has its two protobufs
    fetched into a temporary folder."""
    fs, path = remote.filesystem(url)
    try:
        info = fs.info(path)
    except FileNotFoundError:
        raise LstmdiagError(f"{url}: no such file") from None
    except Exception as exc:  # backends raise their own types (botocore, aiohttp, ...)
        raise LstmdiagError(f"{url}: cannot read: {remote.one_line(exc)}") from None
    if info.get("type") == "directory":
        return _read_remote_folder(url, fs, path)
    size = info.get("size")
    try:
        if isinstance(size, int) and size <= WHOLE_MODEL:  # a ranged GET: no second HEAD
            whole = remote.heads([remote.RemoteFile(url, size)], max(1, size))[0]
            if isinstance(whole, BaseException):
                raise LstmdiagError(f"{url}: cannot read: {remote.one_line(whole)}")
            return _read_fetched(url, whole)
        head = remote.heads([remote.RemoteFile(url, size)], 8)[0]
        if isinstance(head, BaseException):
            raise LstmdiagError(f"{url}: cannot read: {remote.one_line(head)}")
        if not head:
            raise LstmdiagError(f"{url}: the file is empty")
        return _read_by_magic(remote.RemoteFile(url, size), url, head)
    except LstmdiagError:
        raise
    except Exception as exc:  # a network failure after the first bytes
        raise LstmdiagError(f"{url}: cannot read: {remote.one_line(exc)}") from None


def _read_fetched(url: str, data: bytes) -> ModelSpec:
    """A model fetched whole, read from a temporary file like a local one."""
    import tempfile

    if not data:
        raise LstmdiagError(f"{url}: the file is empty")
    with tempfile.TemporaryDirectory(prefix="lstmdiag-model-") as tmp:
        local = Path(tmp, url.rstrip("/").rsplit("/", 1)[-1] or "model")
        local.write_bytes(data)
        return _read_by_magic(local, url, data[:8])


def _read_remote_folder(url: str, fs: Any, path: str) -> ModelSpec:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lstmdiag-model-") as tmp:
        for name in ("keras_metadata.pb", "saved_model.pb"):
            if fs.isfile(f"{path.rstrip('/')}/{name}"):
                fs.get_file(f"{path.rstrip('/')}/{name}", str(Path(tmp, name)))
        return savedmodel.read(Path(tmp), url)
