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
from dataclasses import dataclass, replace
from typing import Any, TypeGuard

from ..errors import LstmdiagError
from . import shapes as S
from .composed import compose  # a subclassed root whose config holds its sub-models
from .spec import (
    EmbeddingSpec,
    InputSpec,
    MaskSpec,
    ModelSpec,
    Note,
    RecurrentLayer,
    Shape,
    fmt_shape,
)

MaybeShape = Shape | None


@dataclass(frozen=True)
class _Tensor:
    shape: MaybeShape
    source: str | None  # the model input on this tensor's main path
    deps: frozenset[str] = frozenset()  # every model input this tensor depends on

    def derive(self, shape: MaybeShape) -> _Tensor:
        """A tensor computed from this one (same main path, same dependencies)."""
        return _Tensor(shape, self.source, self.deps)


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


def _layers_of(cfg: Any) -> list[dict[str, Any]]:
    layers = cfg if isinstance(cfg, list) else cfg.get("layers") if isinstance(cfg, dict) else None
    if not isinstance(layers, list):
        raise LstmdiagError("the model config has no layer list")
    return [layer for layer in layers if isinstance(layer, dict)]


def _layer_cfg(layer: dict[str, Any]) -> dict[str, Any]:
    cfg = layer.get("config")
    return cfg if isinstance(cfg, dict) else {}


def _layer_name(layer: dict[str, Any], fallback: str) -> str:
    name = layer.get("name") or _layer_cfg(layer).get("name")
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
        return declared_input_shape(str(inner.get("class_name")), _layer_cfg(inner))
    return None


def _declared_dtype(cfg: dict[str, Any]) -> str:
    if "input_dtype" in cfg:  # Keras 1
        return dtype_name(cfg["input_dtype"])
    return dtype_name(cfg.get("dtype"))


def is_graph(cfg: Any) -> bool:
    """A functional graph config (``layers`` + ``input_layers``), whatever the class: a
    ``keras.Model`` subclass built functionally saves one under its own class name."""
    return isinstance(cfg, dict) and "layers" in cfg and "input_layers" in cfg


def _is_model(layer: dict[str, Any]) -> bool:
    cfg = layer.get("config")
    if is_graph(cfg):
        return True
    return (
        isinstance(layer.get("class_name"), str)
        and layer["class_name"] in S.MODEL_CLASSES
        and isinstance(cfg, dict | list)
        and (isinstance(cfg, list) or "layers" in cfg)
    )


def _first(inputs: list[_Tensor]) -> _Tensor:
    return inputs[0] if inputs else _Tensor(None, None)


class _Walker:
    """Walks one top-level config, collecting recurrent/masking/embedding layers."""

    def __init__(self) -> None:
        self.recurrent: list[tuple[tuple[int, ...], RecurrentLayer]] = []
        self.masking: list[tuple[tuple[int, ...], MaskSpec]] = []
        self.embeddings: list[tuple[tuple[int, ...], EmbeddingSpec]] = []
        self.unknown: list[str] = []
        self.notes: list[Note] = []
        self._silent = 0  # > 0 while re-walking a shared nested model (node index >= 1)

    # -- models ---------------------------------------------------------------------------
    def model(
        self,
        class_name: str,
        cfg: Any,
        given: list[_Tensor] | None,
        key: tuple[int, ...],
        build_config: Any = None,
    ) -> tuple[list[InputSpec], list[_Tensor]]:
        layers = _layers_of(cfg)
        is_graph = isinstance(cfg, dict) and "input_layers" in cfg and class_name != "Sequential"
        if is_graph:
            return self._functional(cfg, layers, given, key)
        return self._sequential(cfg, layers, given, key, build_config)

    def _sequential(
        self,
        cfg: Any,
        layers: list[dict[str, Any]],
        given: list[_Tensor] | None,
        key: tuple[int, ...],
        build_config: Any,
    ) -> tuple[list[InputSpec], list[_Tensor]]:
        inputs: list[InputSpec] = []
        start = 0
        if layers and layers[0].get("class_name") == "InputLayer":
            first_cfg = _layer_cfg(layers[0])
            name = _layer_name(layers[0], "input")
            shape = declared_input_shape("InputLayer", first_cfg)
            dtype = _declared_dtype(first_cfg)
            start = 1
        elif layers and _is_model(layers[0]) and given is None:
            # A Sequential whose first layer is itself a model: its inputs are ours.
            inner_inputs, outs = self.model(
                str(layers[0]["class_name"]), layers[0]["config"], None, (*key, 0)
            )
            return self._run_chain(layers, 1, outs, key, inner_inputs)
        elif layers:
            first_cfg = _layer_cfg(layers[0])
            name = f"{_layer_name(layers[0], 'layer')}_input"
            shape = declared_input_shape(str(layers[0].get("class_name")), first_cfg)
            dtype = _declared_dtype(first_cfg)
        else:
            raise LstmdiagError("the model config has no layers")
        if shape is None and isinstance(build_config, dict):
            shape = S.as_shape(build_config.get("input_shape"))
        if given is not None:
            tensor = given[0] if given else _Tensor(shape, None)
            if tensor.shape is None:
                tensor = tensor.derive(shape)
        else:
            if shape is None:
                raise LstmdiagError(
                    "the model config declares no input shape (an unbuilt Sequential model); "
                    "save it after it has been built or called on data"
                )
            inputs.append(InputSpec(name=name, shape=shape, dtype=dtype))
            tensor = _Tensor(shape, name, frozenset({name}))
        return self._run_chain(layers, start, [tensor], key, inputs)

    def _run_chain(
        self,
        layers: list[dict[str, Any]],
        start: int,
        current: list[_Tensor],
        key: tuple[int, ...],
        inputs: list[InputSpec],
    ) -> tuple[list[InputSpec], list[_Tensor]]:
        for index in range(start, len(layers)):
            layer = layers[index]
            current = self.layer(layer, current[:1], {}, (*key, index), f"layer_{index}")
        return inputs, current

    def _functional(
        self,
        cfg: dict[str, Any],
        layers: list[dict[str, Any]],
        given: list[_Tensor] | None,
        key: tuple[int, ...],
    ) -> tuple[list[InputSpec], list[_Tensor]]:
        by_name = {_layer_name(layer, f"layer_{i}"): (i, layer) for i, layer in enumerate(layers)}
        input_refs = _refs(cfg.get("input_layers"))
        outputs: dict[tuple[str, int], list[_Tensor]] = {}
        inputs: list[InputSpec] = []
        for position, (name, _, _) in enumerate(input_refs):
            if name not in by_name:
                raise LstmdiagError(f"input layer {name!r} is not among the model's layers")
            layer_cfg = _layer_cfg(by_name[name][1])
            shape = declared_input_shape("InputLayer", layer_cfg)
            if given is not None and position < len(given):
                tensor = given[position]
                if tensor.shape is None:
                    tensor = tensor.derive(shape)
            else:
                if shape is None:
                    raise LstmdiagError(f"input layer {name!r} declares no shape")
                inputs.append(InputSpec(name=name, shape=shape, dtype=_declared_dtype(layer_cfg)))
                tensor = _Tensor(shape, name, frozenset({name}))
            outputs[(name, 0)] = [tensor]

        pending = True
        passes = 0
        while pending and passes <= len(layers) + 1:
            pending, progressed = False, False
            passes += 1
            for index, layer in enumerate(layers):
                name = _layer_name(layer, f"layer_{index}")
                nodes = layer.get("inbound_nodes") or []
                if not isinstance(nodes, list):
                    continue
                for node_index, node in enumerate(nodes):
                    if (name, node_index) in outputs:
                        continue
                    fed = _fed(node, outputs, by_name)
                    if fed is None:
                        pending = True
                        continue
                    record_key = (*key, index) if node_index == 0 else None
                    outputs[(name, node_index)] = self.layer(layer, *fed, record_key, name)
                    progressed = True
            if not progressed:
                break
        out_refs = _refs(cfg.get("output_layers"))
        result = [(outputs.get((r[0], r[1])) or [_Tensor(None, None)])[0] for r in out_refs] or [
            _Tensor(None, None)
        ]
        return inputs, result

    # -- layers ---------------------------------------------------------------------------
    def layer(
        self,
        layer: dict[str, Any],
        inputs: list[_Tensor],
        keyword: dict[str, list[_Tensor]],
        key: tuple[int, ...] | None,
        fallback_name: str,
    ) -> list[_Tensor]:
        """Apply one layer to its positional ``inputs``; ``keyword`` tensors (``mask=``,
        ``initial_state=``, ``value=``) add only to what its outputs depend on."""
        class_name = str(layer.get("class_name", ""))
        cfg = _layer_cfg(layer)
        name = _layer_name(layer, fallback_name)
        main = self._recorded(layer, name, _first(inputs), key)
        everything = inputs + [t for ts in keyword.values() for t in ts]
        main = _Tensor(main.shape, main.source, frozenset().union(*(t.deps for t in everything)))
        if _is_model(layer):
            self._silent += key is None
            try:
                _, outs = self.model(
                    class_name, layer["config"], inputs, key or (), layer.get("build_config")
                )
            finally:
                self._silent -= key is None
            return outs
        if self._silent:
            key = None
        if key is not None and (
            class_name in S.RECURRENT_CLASSES or class_name in S.WRAPPER_CLASSES
        ):
            self._mask_arguments(name, main, keyword.get("mask", []), key)
        if class_name in S.RECURRENT_CLASSES:
            if key is not None:
                self._record_rnn(name, class_name, None, cfg, main, key)
            return [main.derive(s) for s in S.rnn_outputs(class_name, cfg, main.shape)]
        if class_name in S.WRAPPER_CLASSES:
            return self._wrapper(name, class_name, cfg, main, key)
        if class_name == "Masking" and key is not None:
            value = cfg.get("mask_value", 0.0)
            self.masking.append(
                (key, MaskSpec(name, "Masking", float(value) if _num(value) else None, main.source))
            )
        if class_name == "Embedding" and key is not None:
            mask_zero = bool(cfg.get("mask_zero", False))
            input_dim = cfg.get("input_dim")
            self.embeddings.append(
                (
                    key,
                    EmbeddingSpec(
                        name,
                        main.source,
                        input_dim if isinstance(input_dim, int) else None,
                        mask_zero,
                    ),
                )
            )
            if mask_zero:
                self.masking.append((key, MaskSpec(name, "Embedding", 0.0, main.source)))
        rule = S.RULES.get(class_name)
        if rule is None:
            module = str(layer.get("module") or "")
            is_op = module.startswith("keras.src.ops") or class_name in S.KERAS_OP_CLASSES
            if key is not None and not is_op:
                self.unknown.append(f"{name} ({class_name or '?'})")
            return [main.derive(None)]
        return [main.derive(s) for s in rule(cfg, [t.shape for t in inputs])]

    def _recorded(
        self, layer: dict[str, Any], name: str, main: _Tensor, key: tuple[int, ...] | None
    ) -> _Tensor:
        """Keras 3 records the shape each layer was built on (``build_config``): it fills a
        shape our propagation lost (after an unknown layer) and must agree with one we know."""
        built = _layer_cfg(layer).get("build_config") or layer.get("build_config")
        recorded = S.as_shape(built.get("input_shape")) if isinstance(built, dict) else None
        if recorded is None:
            return main
        if main.shape is None:
            # The batch a layer was first called with binds only a stateful layer.
            stateful = bool(_layer_cfg(layer).get("stateful"))
            return main.derive(recorded if stateful else (None, *recorded[1:]))
        clash = len(main.shape) != len(recorded) or any(
            a is not None and b is not None and a != b
            for a, b in zip(main.shape[1:], recorded[1:], strict=True)
        )
        if clash and key is not None and not self._silent:
            self.notes.append(
                Note(
                    f"layer {name!r}: the config's shapes give it {fmt_shape(main.shape)}, but it "
                    f"was built on {fmt_shape(recorded)}; the file is inconsistent (an edited "
                    "config?), so its shapes cannot be trusted",
                    "re-save the model from the code that trained it (model.save('model.keras'))",
                )
            )
        return main

    def _mask_arguments(
        self, name: str, main: _Tensor, masks: list[_Tensor], key: tuple[int, ...]
    ) -> None:
        """``layer(x, mask=m)`` with ``m`` from another model input: the sequence layer skips
        the steps where ``m`` is False. (Keras 3 also writes Embedding/Masking masks this way,
        as ops on the data's own input: those are recorded with their layer already.)"""
        for mask in masks:
            if mask.source == main.source:
                continue
            self.masking.append(
                (key, MaskSpec(name, "mask argument", None, main.source, mask.source))
            )

    def _wrapper(
        self,
        name: str,
        class_name: str,
        cfg: dict[str, Any],
        main: _Tensor,
        key: tuple[int, ...] | None,
    ) -> list[_Tensor]:
        inner = cfg.get("layer")
        if not isinstance(inner, dict):
            return [main.derive(None)]
        inner_class = str(inner.get("class_name", ""))
        inner_cfg = _layer_cfg(inner)
        shape = main.shape
        if class_name == "Bidirectional":
            if inner_class not in S.RECURRENT_CLASSES:
                return [main.derive(None)]
            if key is not None:
                self._record_rnn(name, inner_class, class_name, inner_cfg, main, key)
            fw = S.rnn_outputs(inner_class, inner_cfg, shape)[0]
            return [main.derive(s) for s in S.bidirectional_merge(cfg, fw)]
        # TimeDistributed: the inner layer sees (batch,) + shape[2:], once per timestep.
        if shape is None or len(shape) < 3:
            return [main.derive(None)]
        step = main.derive((shape[0], *shape[2:]))
        if inner_class in S.RECURRENT_CLASSES and key is not None:
            self._record_rnn(name, inner_class, class_name, inner_cfg, main, key)
        inner_out = self.layer(
            inner,
            [step],
            {},
            key if inner_class not in S.RECURRENT_CLASSES else None,
            f"{name}_inner",
        )
        out = inner_out[0].shape if inner_out else None
        if out is None:
            return [main.derive(None)]
        return [main.derive((shape[0], shape[1], *out[1:]))]

    def _record_rnn(
        self,
        name: str,
        class_name: str,
        wrapper: str | None,
        cfg: dict[str, Any],
        main: _Tensor,
        key: tuple[int, ...],
    ) -> None:
        self.recurrent.append(
            (
                key,
                RecurrentLayer(
                    name=name,
                    class_name=class_name,
                    wrapper=wrapper,
                    units=S.rnn_units(class_name, cfg),
                    input=main.source,
                    inputs=tuple(main.deps),  # put in the model's input order at the end
                    input_shape=main.shape,
                    return_sequences=bool(cfg.get("return_sequences", False)),
                    stateful=bool(cfg.get("stateful", False)),
                    unroll=bool(cfg.get("unroll", False)),
                    go_backwards=bool(cfg.get("go_backwards", False)),
                ),
            )
        )


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class _Ref:
    layer: str
    node: int
    tensor: int
    shape: MaybeShape = None


def _refs(raw: Any) -> list[tuple[str, int, int]]:
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


def _node_refs(node: Any) -> tuple[list[_Ref], dict[str, list[_Ref]]]:
    """The tensors a node consumes: positional ones in call order, and keyword ones by name
    (a Keras 3 call with keyword arguments only counts them as positional, in order)."""
    positional: list[_Ref] = []
    keyword: dict[str, list[_Ref]] = {}
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        _collect_keras3(node.get("args"), positional)
        kwargs = node.get("kwargs")
        for name, value in kwargs.items() if isinstance(kwargs, dict) else ():
            _collect_keras3(value, keyword.setdefault(str(name), []) if positional else positional)
    elif isinstance(node, list):  # Keras 1/2: [[name, node, tensor, kwargs?], ...]
        for entry in node:
            if _is_triple(entry):
                positional.append(_Ref(entry[0], entry[1], entry[2]))
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


def _collect_triples(value: Any, refs: list[_Ref]) -> None:
    """Keras 2 call kwargs: a tensor argument is serialized as ``[layer, node, tensor]``."""
    if _is_triple(value):
        refs.append(_Ref(value[0], value[1], value[2]))
    elif isinstance(value, dict):
        for item in value.values():
            _collect_triples(item, refs)
    elif isinstance(value, list):
        for item in value:
            _collect_triples(item, refs)


Fed = tuple[list[_Tensor], dict[str, list[_Tensor]]]


def _fed(
    node: Any, outputs: dict[tuple[str, int], list[_Tensor]], layers: dict[str, Any]
) -> Fed | None:
    """The positional and keyword tensors of a node, or None while one is not computed yet.
    A keyword "triple" naming no layer of this model is a plain value, not a tensor."""
    positional, keyword = _node_refs(node)
    keyword = {k: [r for r in refs if r.layer in layers] for k, refs in keyword.items()}
    needed = positional + [r for refs in keyword.values() for r in refs]
    if any((r.layer, r.node) not in outputs for r in needed):
        return None
    return (
        [_resolve(r, outputs) for r in positional],
        {k: [_resolve(r, outputs) for r in refs] for k, refs in keyword.items() if refs},
    )


def _resolve(ref: _Ref, outputs: dict[tuple[str, int], list[_Tensor]]) -> _Tensor:
    produced = outputs[(ref.layer, ref.node)]
    if ref.tensor < len(produced):
        tensor = produced[ref.tensor]
    else:
        tensor = produced[0].derive(None) if produced else _Tensor(None, None)
    if tensor.shape is None and ref.shape is not None:
        tensor = tensor.derive(ref.shape)
    return tensor


def _collect_keras3(value: Any, refs: list[_Ref]) -> None:
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            cfg = value.get("config") or {}
            history = cfg.get("keras_history")
            if _is_triple(history):
                refs.append(_Ref(history[0], history[1], history[2], S.as_shape(cfg.get("shape"))))
            return
        for item in value.values():
            _collect_keras3(item, refs)
    elif isinstance(value, list):
        for item in value:
            _collect_keras3(item, refs)


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
    walker = _Walker()
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
