"""tf.keras SavedModel ``keras_metadata.pb``: one JSON description per saved object, read
without TensorFlow (the protobuf is decoded by hand, like the signatures)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .signatures import fields

Objects = list[tuple[str, bytes, Any]]


def metadata_objects(data: bytes) -> list[tuple[str, bytes, Any]]:
    """``keras_metadata.pb`` (SavedMetadata.nodes = 1; SavedObject.node_path = 3,
    identifier = 4, metadata = 5): (path, identifier, decoded JSON or None) per object."""
    out = []
    for number, _, value in fields(data):
        if number != 1 or not isinstance(value, bytes):
            continue
        parts = {n: v for n, _, v in fields(value) if isinstance(v, bytes)}
        try:
            meta = json.loads(parts.get(5, b"null"))
        except ValueError:
            meta = None
        out.append((parts.get(3, b"").decode("utf-8", "replace"), parts.get(4, b""), meta))
    return out


def with_recorded_shapes(top: Any, objects: Objects) -> Any:
    """``top`` with each layer's ``build_input_shape`` (what it was built on) added as the
    Keras 3 style ``build_config`` the config walker reads; layers whose name is not unique
    among the saved objects are left alone."""
    names = Counter(m.get("name") for _, _, m in objects if isinstance(m, dict))
    recorded = {
        m["name"]: m["build_input_shape"]
        for _, _, m in objects
        if isinstance(m, dict) and names[m.get("name")] == 1 and m.get("build_input_shape")
    }

    def walk(cfg: Any) -> None:
        layers = cfg.get("layers") if isinstance(cfg, dict) else None
        for layer in layers if isinstance(layers, list) else ():
            if not isinstance(layer, dict):
                continue
            name = (layer.get("config") or {}).get("name") or layer.get("name")
            if name in recorded and "build_config" not in layer:
                layer["build_config"] = {"input_shape": recorded[name]}
            walk(layer.get("config"))

    if isinstance(top, dict):
        walk(top.get("config"))
    return top
