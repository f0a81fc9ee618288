"""Subclassed root models: a user class whose ``call()`` no file describes.

A subclassed Keras model saves an empty (or user-defined) config for itself, but a tf.keras
SavedModel's ``keras_metadata.pb`` still holds complete configs for the functional or
Sequential sub-models it owns (``self.encoder = keras.Model(...)``). We describe those: their
inputs and recurrent layers are real, only how the root feeds them is unknown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ..errors import LstmdiagError
from . import shapes as S
from .config import is_graph, opaque_subclass, spec_from_config
from .keras_metadata import Objects, with_recorded_shapes
from .spec import ModelSpec, Note

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


def compose(
    root: str, subs: list[tuple[str, ModelSpec]], shown: str, fmt: str, version: str | None
) -> ModelSpec:
    """One spec whose inputs are every sub-model's (qualified as ``sub/input`` if two share a
    name), with a note saying the root's own call is not known."""
    counts = Counter(i.name for _, spec in subs for i in spec.inputs)
    subs = [(name, _qualified(name, spec, counts)) for name, spec in subs]
    inputs = [i for _, spec in subs for i in spec.inputs]
    listing = "; ".join(f"{name}: {', '.join(i.name for i in s.inputs)}" for name, s in subs)
    first = subs[0][0]
    note = Note(
        f"the root model {root!r} is subclassed: its call() cannot be read statically, so these "
        f"are the inputs of its sub-models ({listing}); the root may feed them differently",
        f"to check exactly what a sub-model receives, save it on its own "
        f"(model.{first}.save('{first}.keras')) and check against that file",
    )
    return ModelSpec(
        path=shown,
        format=fmt,
        keras_version=version,
        model_class=f"{root} (subclassed)",
        sequential=False,
        inputs=tuple(inputs),
        recurrent=tuple(r for _, s in subs for r in s.recurrent),
        masking=tuple(m for _, s in subs for m in s.masking),
        embeddings=tuple(e for _, s in subs for e in s.embeddings),
        unknown_layers=tuple(u for _, s in subs for u in s.unknown_layers),
        keras_generation=next((s.keras_generation for _, s in subs if s.keras_generation), None),
        notes=(note,),
        submodels=tuple((name, spec) for name, spec in subs),
    )


def _qualified(sub: str, spec: ModelSpec, counts: Counter[str]) -> ModelSpec:
    """``spec`` with every input name that another sub-model shares renamed ``sub/name``."""
    rename = {i.name: f"{sub}/{i.name}" for i in spec.inputs if counts[i.name] > 1}
    if not rename:
        return spec

    def new(name: str | None) -> str | None:
        return rename.get(name, name) if name is not None else None

    return replace(
        spec,
        inputs=tuple(replace(i, name=rename.get(i.name, i.name)) for i in spec.inputs),
        recurrent=tuple(
            replace(r, input=new(r.input), inputs=tuple(rename.get(n, n) for n in r.inputs))
            for r in spec.recurrent
        ),
        masking=tuple(
            replace(m, input=new(m.input), mask_input=new(m.mask_input)) for m in spec.masking
        ),
        embeddings=tuple(replace(e, input=new(e.input)) for e in spec.embeddings),
    )
