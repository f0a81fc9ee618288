"""Legacy HDF5 model files (``model.save("m.h5")`` in Keras 1, 2 and 3)."""

from __future__ import annotations

from typing import Any

from ..data.info import Location, h5_file
from ..errors import LstmdiagError
from .config import spec_from_config
from .json_arch import parse_config_text
from .spec import ModelSpec
from .weights import legacy_kernels, witness


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return value
    return None


def read(path: Location, shown: str) -> ModelSpec:
    try:
        with h5_file(path) as f:
            attrs = dict(f.attrs.items())
            groups = sorted(f.keys())
            kernels = legacy_kernels(f)
    except (OSError, ValueError) as exc:
        raise LstmdiagError(f"{shown}: not a readable HDF5 file ({exc})") from None
    config = _text(attrs.get("model_config"))
    if config is None:
        if "layer_names" in attrs or groups:
            raise LstmdiagError(
                f"{shown}: a weights-only HDF5 file (save_weights): it has no architecture. "
                "Check the model saved with model.save(), or its model.to_json() file"
            )
        raise LstmdiagError(f"{shown}: an HDF5 file without a Keras model_config attribute")
    top = parse_config_text(config, shown, "model_config")
    try:
        spec = spec_from_config(
            top, path=shown, fmt="h5", keras_version=_text(attrs.get("keras_version"))
        )
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: {exc}") from None
    return witness(spec, kernels)
