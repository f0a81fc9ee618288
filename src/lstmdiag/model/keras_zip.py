"""``.keras`` zip archives (Keras 3 and tf-keras >= 2.13): ``config.json`` + ``metadata.json``."""

from __future__ import annotations

import zipfile
from typing import Any

from ..data.info import Location, open_file
from ..errors import LstmdiagError
from .config import spec_from_config
from .json_arch import MAX_JSON_BYTES, parse_config_text
from .spec import ModelSpec


def _member(archive: zipfile.ZipFile, name: str, shown: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_JSON_BYTES:
        raise LstmdiagError(f"{shown}: {name} declares {info.file_size} bytes; refusing to inflate")
    with archive.open(info) as fh:
        data = fh.read(MAX_JSON_BYTES + 1)  # never trust the declared size alone (zip bombs)
    if len(data) > MAX_JSON_BYTES:
        raise LstmdiagError(f"{shown}: {name} inflates past {MAX_JSON_BYTES >> 20} MiB")
    return data


def read(path: Location, shown: str) -> ModelSpec:
    try:
        with open_file(path) as raw, zipfile.ZipFile(raw) as archive:
            config = _member(archive, "config.json", shown)
            metadata = _member(archive, "metadata.json", shown)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise LstmdiagError(f"{shown}: not a readable .keras archive ({exc})") from None
    except (OSError, NotImplementedError, RuntimeError) as exc:
        raise LstmdiagError(f"{shown}: cannot read the .keras archive ({exc})") from None
    if config is None:
        raise LstmdiagError(f"{shown}: the .keras archive has no config.json")
    top = parse_config_text(config, shown, "config.json")
    version: str | None = None
    if metadata is not None:
        meta: Any = parse_config_text(metadata, shown, "metadata.json")
        if isinstance(meta, dict) and isinstance(meta.get("keras_version"), str):
            version = meta["keras_version"]
    try:
        spec = spec_from_config(top, path=shown, fmt="keras", keras_version=version)
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: {exc}") from None
    from .weights import keras3_kernels, witness  # h5py: only when there are weights to read

    return witness(spec, keras3_kernels(path, top))
