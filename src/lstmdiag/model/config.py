"""The Keras config walker: a model config (any Keras generation) in, a ModelSpec out.

It understands Sequential configs (Keras 1 bare lists, Keras 2 ``{"layers": ...}``, Keras 3
with ``module``/``registered_name``), Functional/``Model`` graphs (Keras 1/2 list-form
``inbound_nodes``, Keras 3 ``{"args", "kwargs"}`` nodes with ``__keras_tensor__`` entries),
nested models and the ``Bidirectional``/``TimeDistributed`` wrappers. Shapes are propagated
statically through :mod:`.shapes`; ``Lambda`` and custom layers are never executed, only
reported as unknown.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from ..errors import LstmdiagError
from . import shapes as S
from .composed import compose  # a subclassed root whose config holds its sub-models
from .config_fields import is_graph
from .spec import (
    InputSpec,
    ModelSpec,
    RecurrentLayer,
)
from .walker import Walker


def spec_from_config(top: Any, *, path: str, fmt: str, keras_version: str | None) -> ModelSpec:
    """Build a ModelSpec from a top-level ``{"class_name", "config"}`` model config."""
    if not isinstance(top, dict) or "class_name" not in top or "config" not in top:
        raise LstmdiagError("not a Keras model config (no 'class_name'/'config' at the top)")
    class_name = str(top["class_name"])
    if class_name not in S.MODEL_CLASSES and not is_graph(top["config"]):
        nested = _nested_models(top["config"])
        if not nested:
            raise LstmdiagError(_not_a_model(class_name, top))
        subs = [
            (name, spec_from_config(sub, path=name, fmt=fmt, keras_version=keras_version))
            for name, sub in nested
        ]
        return compose(class_name, subs, path, fmt, keras_version or _version_of(top))
    walker = Walker()
    try:
        inputs, outs = walker.model(class_name, top["config"], None, (), top.get("build_config"))
    except RecursionError as exc:
        raise LstmdiagError("the model config is nested too deeply to read") from exc
    version = keras_version or _version_of(top)
    generation = _generation(version, top)
    return ModelSpec(
        path=path,
        format=fmt,
        keras_version=version,
        model_class=class_name,
        sequential=class_name == "Sequential",
        inputs=tuple(inputs),
        recurrent=_in_input_order(walker.recurrent, inputs),
        masking=tuple(m for _, m in sorted(walker.masking, key=lambda kv: kv[0])),
        embeddings=tuple(e for _, e in sorted(walker.embeddings, key=lambda kv: kv[0])),
        unknown_layers=tuple(walker.unknown),
        keras_generation=generation,
        outputs=tuple(t.shape for t in outs),
        notes=tuple(walker.notes),
    )


def _nested_models(cfg: Any, prefix: str = "", depth: int = 0) -> list[tuple[str, Any]]:
    """Model configs inside a subclassed root's own config (``get_config()`` returning
    ``{"encoder": serialize_keras_object(self.encoder)}``), outermost only, by their key."""
    found: list[tuple[str, Any]] = []
    if not isinstance(cfg, dict) or depth > 4:
        return found
    for key, value in cfg.items():
        name = f"{prefix}{key}"
        if isinstance(value, list):
            items = [(f"{name}[{i}]", v) for i, v in enumerate(value)]
        else:
            items = [(name, value)]
        for label, item in items:
            if not isinstance(item, dict):
                continue
            cls = item.get("class_name")
            if (
                isinstance(cls, str)
                and cls in S.MODEL_CLASSES
                and isinstance(item.get("config"), dict)
            ):
                found.append((label, item))
            else:
                found += _nested_models(item, f"{label}.", depth + 1)
    return found


def _version_of(top: dict[str, Any]) -> str | None:
    return str(top["keras_version"]) if isinstance(top.get("keras_version"), str) else None


def _not_a_model(class_name: str, top: dict[str, Any]) -> str:
    """Why a config whose root is no Keras model class cannot be read: a subclassed model (its
    config has no layers; it may say what it was built on) or some other object."""
    cfg = top.get("config")
    if isinstance(cfg, dict) and "layers" in cfg:
        return (
            f"the config describes a {class_name!r} with layers but no input_layers: not a "
            "functional graph lstmdiag can follow"
        )
    built = top.get("build_config")
    shape = built.get("input_shape") if isinstance(built, dict) else None
    on = f"; it was built on inputs shaped {json.dumps(shape)}" if shape else ""
    module = str(top.get("module") or "")
    saved_as_model = bool(top.get("registered_name")) or "build_config" in top
    if saved_as_model and not module.startswith("keras.") and isinstance(cfg, dict):
        return opaque_subclass(class_name, on)
    return f"the config describes a {class_name!r}, not a model"


def opaque_subclass(class_name: str, built_on: str = "") -> str:
    """The refusal for a subclassed root whose file describes no sub-model either."""
    return (
        f"the root model {class_name!r} is a subclassed model: its call() cannot be read "
        f"statically and the file describes none of its sub-models{built_on}. Save a "
        "functional model, or each functional sub-model on its own (model.encoder.save("
        "'encoder.keras')), and check against that"
    )


def _in_input_order(
    found: list[tuple[tuple[int, ...], RecurrentLayer]], inputs: list[InputSpec]
) -> tuple[RecurrentLayer, ...]:
    """Recurrent layers in layer order, each listing its model inputs in the model's order."""
    order = {spec.name: n for n, spec in enumerate(inputs)}
    return tuple(
        replace(
            r, inputs=tuple(sorted(r.inputs, key=lambda name: (order.get(name, 1 << 30), name)))
        )
        for _, r in sorted(found, key=lambda kv: kv[0])
    )


def _generation(version: str | None, top: dict[str, Any]) -> int | None:
    """2 (Keras 1/2, tf.keras) or 3, from the version or, without one, from the dialect:
    Keras 3 InputLayers say ``batch_shape``, Keras 1/2 ones ``batch_input_shape``."""
    if version:
        head = version.split(".", 1)[0]
        if head.isdigit():
            return 3 if int(head) >= 3 else 2
    text = json.dumps(top)
    if '"batch_shape"' in text:
        return 3
    if '"batch_input_shape"' in text:
        return 2
    return None
