"""Subclassed root models: a user class whose ``call()`` no file describes.

A subclassed Keras model saves an empty (or user-defined) config for itself, but a tf.keras
SavedModel's ``keras_metadata.pb`` still holds complete configs for the functional or
Sequential sub-models it owns (``self.encoder = keras.Model(...)``). We describe those: their
inputs and recurrent layers are real, only how the root feeds them is unknown.
"""

from __future__ import annotations

from ..errors import LstmdiagError
from . import shapes as S
from .composed import compose
from .config import opaque_subclass, spec_from_config
from .config_fields import is_graph
from .keras_metadata import Objects, with_recorded_shapes
from .spec import ModelSpec

NETWORKS = (b"_tf_keras_network", b"_tf_keras_sequential")


def is_subclassed_root(objects: Objects) -> str | None:
    """The root's class name when the root is a subclassed model, else None."""
    for path, identifier, meta in objects:
        if path == "root" and identifier == b"_tf_keras_model" and isinstance(meta, dict):
            cls = str(meta.get("class_name") or "")
            graph = cls in S.MODEL_CLASSES or is_graph(meta.get("config"))
            if not graph or not meta.get("is_graph_network", True):
                return cls or "?"
    return None


def from_metadata(objects: Objects, root: str, shown: str) -> ModelSpec:
    """The root described by its outermost functional/Sequential sub-models."""
    networks = [
        (path.removeprefix("root."), meta)
        for path, identifier, meta in objects
        if identifier in NETWORKS and path.startswith("root.") and isinstance(meta, dict)
    ]
    outer = [
        (name, meta)
        for name, meta in networks
        if not any(name.startswith(other + ".") for other, _ in networks)
    ]
    subs: list[tuple[str, ModelSpec]] = []
    for name, meta in outer:
        try:
            meta = with_recorded_shapes(meta, objects)
            spec = spec_from_config(meta, path=name, fmt="savedmodel", keras_version=None)
            subs.append((name, spec))
        except LstmdiagError:
            continue  # an undescribable sub-model: the others still are
    version = next(
        (
            str(m["keras_version"])
            for p, _, m in objects
            if p == "root" and isinstance(m, dict) and "keras_version" in m
        ),
        None,
    )
    if not subs:
        raise LstmdiagError(f"{shown}: {opaque_subclass(root)}")
    return compose(root, subs, shown, "savedmodel", version)
