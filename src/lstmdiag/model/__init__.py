"""Reading a saved Keras model into a ModelSpec, statically (no TensorFlow, no Keras)."""

from __future__ import annotations

from pathlib import Path

from ..errors import LstmdiagError
from . import json_arch, keras_zip, savedmodel
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
    """Read ``path`` by what its bytes are, not by its name (a ``.keras`` may hold HDF5)."""
    p = Path(path)
    shown = str(path)
    if p.is_dir():
        return savedmodel.read(p, shown)
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
        ".json or a SavedModel folder)"
    )
