"""Legacy HDF5 model files (``model.save("m.h5")`` in Keras 1, 2 and 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data.info import Location, h5_file
from ..errors import LstmdiagError
from .bounded import run_bounded
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


_ATTRS = ("model_config", "keras_version", "layer_names")


def _parts(path: Location) -> tuple[dict[str, str | None], list[str], dict[str, list[int]]]:
    """What a legacy .h5 model says, as plain data: its attributes as text (by name, never
    by iteration), its top groups, the recurrent kernels' shapes."""
    with h5_file(path) as f:
        attrs = {n: _text(f.attrs[n]) for n in _ATTRS if n in f.attrs}
        groups = sorted(f.keys())
        kernels = {k: list(v) for k, v in legacy_kernels(f).items()}
    return attrs, groups, kernels


def read(path: Location, shown: str) -> ModelSpec:
    try:
        if isinstance(path, Path):  # local: in a child with a deadline (see bounded.py)
            attrs, groups, kernels = run_bounded(lambda: _parts(path), shown)
        else:
            attrs, groups, kernels = _parts(path)
    except (OSError, ValueError) as exc:
        raise LstmdiagError(f"{shown}: not a readable HDF5 file ({exc})") from None
    config = attrs.get("model_config")
    if config is None:
        if "layer_names" in attrs or groups:
            raise LstmdiagError(
                f"{shown}: a weights-only HDF5 file (save_weights): it has no architecture. "
                "Check the model saved with model.save(), or its model.to_json() file"
            )
        raise LstmdiagError(f"{shown}: an HDF5 file without a Keras model_config attribute")
    top = parse_config_text(config, shown, "model_config")
    try:
        spec = spec_from_config(top, path=shown, fmt="h5", keras_version=attrs.get("keras_version"))
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: {exc}") from None
    return witness(spec, {k: tuple(v) for k, v in kernels.items()})
