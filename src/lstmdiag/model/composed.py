"""One ModelSpec for a subclassed root from the specs of the sub-models it owns (its own
``call()`` cannot be read statically)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .spec import ModelSpec, Note


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
