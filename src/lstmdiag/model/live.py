"""A live ``keras.Model`` (Keras 3 or tf.keras), read as its saved file is read: through the
config it serializes itself to (``model.to_json()``, what ``model.save`` writes as the
architecture), walked by the same static reader. The model is never called, and nothing here
imports Keras or TensorFlow: a live model's own package is already loaded."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from ..errors import LstmdiagError
from .config import spec_from_config
from .json_arch import parse_config_text
from .spec import ModelSpec
from .weights import witness

_PACKAGES = ("keras", "tf_keras", "tensorflow")


def is_live_model(obj: object) -> bool:
    """A Keras model object: from Keras 3, tf-keras or tf.keras, with ``to_json``."""
    package = type(obj).__module__.split(".", 1)[0]
    return (
        package in _PACKAGES and callable(getattr(obj, "to_json", None)) and hasattr(obj, "layers")
    )


def shown_name(obj: object) -> str:
    """How a live model is named in reports: ``<Sequential 'my_model'>``."""
    return f"<{type(obj).__name__} {getattr(obj, 'name', '?')!r}>"


def read_live(obj: Any) -> ModelSpec:
    """The ModelSpec of a live model, from its own serialized config."""
    shown = shown_name(obj)
    try:
        text = obj.to_json()
    except Exception as exc:  # a custom layer without get_config, an unbuilt subclass...
        raise LstmdiagError(
            f"{shown}: its config cannot be serialized ({type(exc).__name__}: {exc}); save "
            "it with model.save('model.keras') and check the file"
        ) from None
    top = parse_config_text(text, shown, "its config")
    package = sys.modules.get(type(obj).__module__.split(".", 1)[0])
    version = top.get("keras_version") if isinstance(top, dict) else None
    if version is None and package is not None and package.__name__ != "tensorflow":
        version = getattr(package, "__version__", None)
    try:
        spec = spec_from_config(top, path=shown, fmt="live", keras_version=version)
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: {exc}") from None
    return witness(spec, _kernels(obj, {r.name for r in spec.recurrent}))


def _kernels(model: Any, names: set[str]) -> dict[str, tuple[int, ...]]:
    """The weights as the second witness, as for a saved file: each recurrent layer's input
    kernel shape (its first weight; a Bidirectional's forward layer's), read off the live
    variables (their shapes only; nothing is computed)."""
    found: dict[str, tuple[int, ...]] = {}
    pending, seen = [model], 0
    while pending and seen < 10_000:
        for layer in getattr(pending.pop(), "layers", None) or ():
            seen += 1
            pending.append(layer)
            name = getattr(layer, "name", None)
            if name in names and name not in found:
                with contextlib.suppress(Exception):  # unbuilt, or no weights: no witness
                    found[name] = tuple(int(d) for d in layer.weights[0].shape)
    return found
