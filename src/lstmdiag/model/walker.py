"""The walk over a model config's layer graph: every tensor's shape propagated layer by layer,
the inputs, recurrent layers and masking recorded as it goes."""

from __future__ import annotations

from typing import Any

from ..errors import LstmdiagError
from . import shapes as S
from .config_fields import (
    config_of,
    declared_dtype,
    declared_input_shape,
    is_model,
    layer_name,
    layers_of,
)
from .graph_refs import Tensor, fed_by, first_tensor, is_number, refs_of
from .spec import (
    EmbeddingSpec,
    InputSpec,
    MaskSpec,
    Note,
    RecurrentLayer,
    fmt_shape,
)


class Walker:
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
        given: list[Tensor] | None,
        key: tuple[int, ...],
        build_config: Any = None,
    ) -> tuple[list[InputSpec], list[Tensor]]:
        layers = layers_of(cfg)
        is_graph = isinstance(cfg, dict) and "input_layers" in cfg and class_name != "Sequential"
        if is_graph:
            return self._functional(cfg, layers, given, key)
        return self._sequential(cfg, layers, given, key, build_config)

    def _sequential(
        self,
        cfg: Any,
        layers: list[dict[str, Any]],
        given: list[Tensor] | None,
        key: tuple[int, ...],
        build_config: Any,
    ) -> tuple[list[InputSpec], list[Tensor]]:
        inputs: list[InputSpec] = []
        start = 0
        if layers and layers[0].get("class_name") == "InputLayer":
            first_cfg = config_of(layers[0])
            name = layer_name(layers[0], "input")
            shape = declared_input_shape("InputLayer", first_cfg)
            dtype = declared_dtype(first_cfg)
            start = 1
        elif layers and is_model(layers[0]) and given is None:
            # A Sequential whose first layer is itself a model: its inputs are ours.
            inner_inputs, outs = self.model(
                str(layers[0]["class_name"]), layers[0]["config"], None, (*key, 0)
            )
            return self._run_chain(layers, 1, outs, key, inner_inputs)
        elif layers:
            first_cfg = config_of(layers[0])
            name = f"{layer_name(layers[0], 'layer')}_input"
            shape = declared_input_shape(str(layers[0].get("class_name")), first_cfg)
            dtype = declared_dtype(first_cfg)
        else:
            raise LstmdiagError("the model config has no layers")
        if shape is None and isinstance(build_config, dict):
            shape = S.as_shape(build_config.get("input_shape"))
        if given is not None:
            tensor = given[0] if given else Tensor(shape, None)
            if tensor.shape is None:
                tensor = tensor.derive(shape)
        else:
            if shape is None:
                raise LstmdiagError(
                    "the model config declares no input shape (an unbuilt Sequential model); "
                    "save it after it has been built or called on data"
                )
            inputs.append(InputSpec(name=name, shape=shape, dtype=dtype))
            tensor = Tensor(shape, name, frozenset({name}))
        return self._run_chain(layers, start, [tensor], key, inputs)

    def _run_chain(
        self,
        layers: list[dict[str, Any]],
        start: int,
        current: list[Tensor],
        key: tuple[int, ...],
        inputs: list[InputSpec],
    ) -> tuple[list[InputSpec], list[Tensor]]:
        for index in range(start, len(layers)):
            layer = layers[index]
            current = self.layer(layer, current[:1], {}, (*key, index), f"layer_{index}")
        return inputs, current

    def _functional(
        self,
        cfg: dict[str, Any],
        layers: list[dict[str, Any]],
        given: list[Tensor] | None,
        key: tuple[int, ...],
    ) -> tuple[list[InputSpec], list[Tensor]]:
        by_name = {layer_name(layer, f"layer_{i}"): (i, layer) for i, layer in enumerate(layers)}
        input_refs = refs_of(cfg.get("input_layers"))
        outputs: dict[tuple[str, int], list[Tensor]] = {}
        inputs: list[InputSpec] = []
        for position, (name, _, _) in enumerate(input_refs):
            if name not in by_name:
                raise LstmdiagError(f"input layer {name!r} is not among the model's layers")
            layer_cfg = config_of(by_name[name][1])
            shape = declared_input_shape("InputLayer", layer_cfg)
            if given is not None and position < len(given):
                tensor = given[position]
                if tensor.shape is None:
                    tensor = tensor.derive(shape)
            else:
                if shape is None:
                    raise LstmdiagError(f"input layer {name!r} declares no shape")
                inputs.append(InputSpec(name=name, shape=shape, dtype=declared_dtype(layer_cfg)))
                tensor = Tensor(shape, name, frozenset({name}))
            outputs[(name, 0)] = [tensor]

        pending = True
        passes = 0
        while pending and passes <= len(layers) + 1:
            pending, progressed = False, False
            passes += 1
            for index, layer in enumerate(layers):
                name = layer_name(layer, f"layer_{index}")
                nodes = layer.get("inbound_nodes") or []
                if not isinstance(nodes, list):
                    continue
                for node_index, node in enumerate(nodes):
                    if (name, node_index) in outputs:
                        continue
                    fed = fed_by(node, outputs, by_name)
                    if fed is None:
                        pending = True
                        continue
                    record_key = (*key, index) if node_index == 0 else None
                    outputs[(name, node_index)] = self.layer(layer, *fed, record_key, name)
                    progressed = True
            if not progressed:
                break
        out_refs = refs_of(cfg.get("output_layers"))
        result = [(outputs.get((r[0], r[1])) or [Tensor(None, None)])[0] for r in out_refs] or [
            Tensor(None, None)
        ]
        return inputs, result

    # -- layers ---------------------------------------------------------------------------
    def layer(
        self,
        layer: dict[str, Any],
        inputs: list[Tensor],
        keyword: dict[str, list[Tensor]],
        key: tuple[int, ...] | None,
        fallback_name: str,
    ) -> list[Tensor]:
        """Apply one layer to its positional ``inputs``; ``keyword`` tensors (``mask=``,
        ``initial_state=``, ``value=``) add only to what its outputs depend on."""
        class_name = str(layer.get("class_name", ""))
        cfg = config_of(layer)
        name = layer_name(layer, fallback_name)
        main = self._recorded(layer, name, first_tensor(inputs), key)
        everything = inputs + [t for ts in keyword.values() for t in ts]
        main = Tensor(main.shape, main.source, frozenset().union(*(t.deps for t in everything)))
        if is_model(layer):
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
                (
                    key,
                    MaskSpec(
                        name, "Masking", float(value) if is_number(value) else None, main.source
                    ),
                )
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
        return self._propagated(layer, class_name, name, cfg, inputs, main, key)

    def _propagated(
        self,
        layer: dict[str, Any],
        class_name: str,
        name: str,
        cfg: dict[str, Any],
        inputs: list[Tensor],
        main: Tensor,
        key: tuple[int, ...] | None,
    ) -> list[Tensor]:
        """The layer's output shapes by its rule; unknown for a layer without one."""
        rule = S.RULES.get(class_name)
        if rule is None:
            module = str(layer.get("module") or "")
            is_op = module.startswith("keras.src.ops") or class_name in S.KERAS_OP_CLASSES
            if key is not None and not is_op:
                self.unknown.append(f"{name} ({class_name or '?'})")
            return [main.derive(None)]
        try:
            shapes = rule(cfg, [t.shape for t in inputs])
        except (IndexError, TypeError, ValueError, ZeroDivisionError, OverflowError):
            # a config whose shapes do not fit its layer (hand-edited, hostile): unknown
            shapes = [None]
        return [main.derive(s) for s in shapes]

    def _recorded(
        self, layer: dict[str, Any], name: str, main: Tensor, key: tuple[int, ...] | None
    ) -> Tensor:
        """Keras 3 records the shape each layer was built on (``build_config``): it fills a
        shape our propagation lost (after an unknown layer) and must agree with one we know."""
        built = config_of(layer).get("build_config") or layer.get("build_config")
        recorded = S.as_shape(built.get("input_shape")) if isinstance(built, dict) else None
        if recorded is None:
            return main
        if main.shape is None:
            # The batch a layer was first called with binds only a stateful layer.
            stateful = bool(config_of(layer).get("stateful"))
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
        self, name: str, main: Tensor, masks: list[Tensor], key: tuple[int, ...]
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
        main: Tensor,
        key: tuple[int, ...] | None,
    ) -> list[Tensor]:
        inner = cfg.get("layer")
        if not isinstance(inner, dict):
            return [main.derive(None)]
        inner_class = str(inner.get("class_name", ""))
        inner_cfg = config_of(inner)
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
        main: Tensor,
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
