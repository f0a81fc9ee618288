"""The edges of a functional model's layer graph: the inbound-node references of Keras 2
(``[name, node, tensor]`` triples) and Keras 3 (``__keras_tensor__`` histories), resolved to
the tensors the walk has made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from . import shapes as S
from .config_fields import MaybeShape


@dataclass(frozen=True)
class Tensor:
    shape: MaybeShape
    source: str | None  # the model input on this tensor's main path
    deps: frozenset[str] = frozenset()  # every model input this tensor depends on

    def derive(self, shape: MaybeShape) -> Tensor:
        """A tensor computed from this one (same main path, same dependencies)."""
        return Tensor(shape, self.source, self.deps)


def first_tensor(inputs: list[Tensor]) -> Tensor:
    return inputs[0] if inputs else Tensor(None, None)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Ref:
    layer: str
    node: int
    tensor: int
    shape: MaybeShape = None


def refs_of(raw: Any) -> list[tuple[str, int, int]]:
    """``input_layers`` / ``output_layers``: a list of triples, or one bare triple (Keras 3)."""
    if not isinstance(raw, list):
        return []
    if len(raw) >= 1 and isinstance(raw[0], str):
        raw = [raw]
    refs = []
    for item in raw:
        if _is_triple(item):
            refs.append((item[0], item[1], item[2]))
    return refs


def node_refs(node: Any) -> tuple[list[Ref], dict[str, list[Ref]]]:
    """The tensors a node consumes: positional ones in call order, and keyword ones by name
    (a Keras 3 call with keyword arguments only counts them as positional, in order)."""
    positional: list[Ref] = []
    keyword: dict[str, list[Ref]] = {}
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        _collect_keras3(node.get("args"), positional)
        kwargs = node.get("kwargs")
        for name, value in kwargs.items() if isinstance(kwargs, dict) else ():
            _collect_keras3(value, keyword.setdefault(str(name), []) if positional else positional)
    elif isinstance(node, list):  # Keras 1/2: [[name, node, tensor, kwargs?], ...]
        for entry in node:
            if _is_triple(entry):
                positional.append(Ref(entry[0], entry[1], entry[2]))
                kwargs = entry[3] if len(entry) >= 4 else None
                for name, value in kwargs.items() if isinstance(kwargs, dict) else ():
                    _collect_triples(value, keyword.setdefault(str(name), []))
    # Keras 2 repeats the call's kwargs on every entry of the node: count each tensor once.
    return positional, {k: list(dict.fromkeys(refs)) for k, refs in keyword.items()}


def _is_triple(value: Any) -> TypeGuard[list[Any]]:
    return (
        isinstance(value, list)
        and len(value) >= 3
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and isinstance(value[2], int)
    )


def _collect_triples(value: Any, refs: list[Ref]) -> None:
    """Keras 2 call kwargs: a tensor argument is serialized as ``[layer, node, tensor]``."""
    if _is_triple(value):
        refs.append(Ref(value[0], value[1], value[2]))
    elif isinstance(value, dict):
        for item in value.values():
            _collect_triples(item, refs)
    elif isinstance(value, list):
        for item in value:
            _collect_triples(item, refs)


Fed = tuple[list[Tensor], dict[str, list[Tensor]]]


def fed_by(
    node: Any, outputs: dict[tuple[str, int], list[Tensor]], layers: dict[str, Any]
) -> Fed | None:
    """The positional and keyword tensors of a node, or None while one is not computed yet.
    A keyword "triple" naming no layer of this model is a plain value, not a tensor."""
    positional, keyword = node_refs(node)
    keyword = {k: [r for r in refs if r.layer in layers] for k, refs in keyword.items()}
    needed = positional + [r for refs in keyword.values() for r in refs]
    if any((r.layer, r.node) not in outputs for r in needed):
        return None
    return (
        [resolve(r, outputs) for r in positional],
        {k: [resolve(r, outputs) for r in refs] for k, refs in keyword.items() if refs},
    )


def resolve(ref: Ref, outputs: dict[tuple[str, int], list[Tensor]]) -> Tensor:
    produced = outputs[(ref.layer, ref.node)]
    if ref.tensor < len(produced):
        tensor = produced[ref.tensor]
    else:
        tensor = produced[0].derive(None) if produced else Tensor(None, None)
    if tensor.shape is None and ref.shape is not None:
        tensor = tensor.derive(ref.shape)
    return tensor


def _collect_keras3(value: Any, refs: list[Ref]) -> None:
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            cfg = value.get("config") or {}
            history = cfg.get("keras_history")
            if _is_triple(history):
                refs.append(Ref(history[0], history[1], history[2], S.as_shape(cfg.get("shape"))))
            return
        for item in value.values():
            _collect_keras3(item, refs)
    elif isinstance(value, list):
        for item in value:
            _collect_keras3(item, refs)
