"""Reading single fields of a Keras layer config as every Keras version writes them: names,
declared input shapes and dtypes, nested layer lists."""

from __future__ import annotations

from typing import Any

from ..errors import LstmdiagError
from . import shapes as S
from .spec import (
    Shape,
)

MaybeShape = Shape | None


def dtype_name(raw: Any) -> str:
    """A canonical dtype from a string, a Keras 3 ``DTypePolicy`` dict or ``None``."""
    if isinstance(raw, dict):
        cfg = raw.get("config")
        raw = cfg.get("name") if isinstance(cfg, dict) else None
    if not isinstance(raw, str) or not raw:
        return "float32"
    if raw.startswith("mixed_") or raw == "float":  # policies compute in float16 from float32
        return "float32"
    return raw


def layers_of(cfg: Any) -> list[dict[str, Any]]:
    layers = cfg if isinstance(cfg, list) else cfg.get("layers") if isinstance(cfg, dict) else None
    if not isinstance(layers, list):
        raise LstmdiagError("the model config has no layer list")
    return [layer for layer in layers if isinstance(layer, dict)]


def config_of(layer: dict[str, Any]) -> dict[str, Any]:
    cfg = layer.get("config")
    return cfg if isinstance(cfg, dict) else {}


def layer_name(layer: dict[str, Any], fallback: str) -> str:
    name = layer.get("name") or config_of(layer).get("name")
    return str(name) if name else fallback


def declared_input_shape(class_name: str, cfg: dict[str, Any]) -> MaybeShape:
    """The input shape a first layer (or InputLayer) declares, in any Keras generation."""
    for key in ("batch_shape", "batch_input_shape"):
        shape = S.as_shape(cfg.get(key))
        if shape is not None:
            return shape
    for key in ("input_shape", "shape"):
        shape = S.as_shape(cfg.get(key))
        if shape is not None:
            batch = cfg.get("batch_size")
            return (batch if isinstance(batch, int) else None, *shape)
    length = cfg.get("input_length")
    dim = cfg.get("input_dim")
    if class_name == "Embedding":  # input_dim is the vocabulary here
        if "input_length" in cfg and (length is None or isinstance(length, int)):
            return (None, length)
        return None
    if isinstance(dim, int):
        if class_name in S.RECURRENT_CLASSES or "input_length" in cfg:
            return (None, length if isinstance(length, int) else None, dim)
        return (None, dim)
    inner = cfg.get("layer")
    if class_name in S.WRAPPER_CLASSES and isinstance(inner, dict):
        return declared_input_shape(str(inner.get("class_name")), config_of(inner))
    return None


def declared_dtype(cfg: dict[str, Any]) -> str:
    if "input_dtype" in cfg:  # Keras 1
        return dtype_name(cfg["input_dtype"])
    return dtype_name(cfg.get("dtype"))


def is_graph(cfg: Any) -> bool:
    """A functional graph config (``layers`` + ``input_layers``), whatever the class: a
    ``keras.Model`` subclass built functionally saves one under its own class name."""
    return isinstance(cfg, dict) and "layers" in cfg and "input_layers" in cfg


def is_model(layer: dict[str, Any]) -> bool:
    cfg = layer.get("config")
    if is_graph(cfg):
        return True
    return (
        isinstance(layer.get("class_name"), str)
        and layer["class_name"] in S.MODEL_CLASSES
        and isinstance(cfg, dict | list)
        and (isinstance(cfg, list) or "layers" in cfg)
    )
