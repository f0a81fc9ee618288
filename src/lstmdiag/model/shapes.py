"""Static output-shape rules for the Keras layers that sit in front of recurrent layers.

Each rule takes a layer's config and the shapes of its inputs and returns the shapes of its
outputs, or ``None`` for a shape it cannot know. Keys from every Keras generation are read:
Keras 1 (``output_dim``, ``nb_filter``, ``border_mode``, ``dim_ordering``), Keras 2 / tf.keras
and Keras 3. Nothing here imports Keras.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .spec import Shape

MaybeShape = Shape | None
Rule = Callable[[dict[str, Any], list[MaybeShape]], list[MaybeShape]]

RNN_CLASSES = frozenset(
    {"LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU", "RNN", "LSTMV1", "GRUV1"}
)
CONV_RNN_CLASSES = frozenset({"ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"})
RECURRENT_CLASSES = RNN_CLASSES | CONV_RNN_CLASSES
WRAPPER_CLASSES = frozenset({"Bidirectional", "TimeDistributed"})
MODEL_CLASSES = frozenset({"Sequential", "Functional", "Model"})

# Layers whose output shape is their (first) input's shape.
IDENTITY_CLASSES = frozenset(
    {
        "Masking",
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "GaussianNoise",
        "GaussianDropout",
        "AlphaDropout",
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "UnitNormalization",
        "Normalization",
        "Activation",
        "ReLU",
        "LeakyReLU",
        "PReLU",
        "ELU",
        "Softmax",
        "ThresholdedReLU",
        "ActivityRegularization",
        "Rescaling",
        "Identity",
        "InputLayer",
        "MultiHeadAttention",
        "Attention",
        "AdditiveAttention",
    }
)
# Keras 3 serializes the ops behind masks and tensor arithmetic as layers; not custom layers.
KERAS_OP_CLASSES = frozenset(
    {
        "NotEqual",
        "Equal",
        "Any",
        "All",
        "Cast",
        "Not",
        "LogicalAnd",
        "LogicalOr",
        "Squeeze",
        "ExpandDims",
        "GetItem",
    }
)
ELEMENTWISE_CLASSES = frozenset({"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"})


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_shape(value: Any) -> MaybeShape:
    """A shape from config JSON (list, or SavedModel's ``{"class_name": "__tuple__"}``)."""
    if isinstance(value, dict) and value.get("class_name") in ("__tuple__", "TensorShape"):
        value = value.get("items")
    if not isinstance(value, list | tuple):
        return None
    dims: list[int | None] = []
    for d in value:
        if d is None:
            dims.append(None)
        elif isinstance(d, int) and not isinstance(d, bool) and d >= 0:
            dims.append(d)
        else:
            return None
    return tuple(dims)


def _tuple(value: Any, rank: int, default: int) -> tuple[int, ...]:
    if isinstance(value, dict):
        value = value.get("items")
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * rank
    if isinstance(value, list | tuple) and len(value) == rank and all(_int(v) for v in value):
        return tuple(int(v) for v in value)
    return (default,) * rank


def _channels_first(cfg: dict[str, Any]) -> bool:
    return cfg.get("data_format") == "channels_first" or cfg.get("dim_ordering") == "th"


def conv_length(
    length: int | None, kernel: int, stride: int, padding: str, dilation: int = 1
) -> int | None:
    """Output length of one convolved axis (Keras ``conv_output_length``)."""
    if length is None:
        return None
    span = dilation * (kernel - 1) + 1
    if padding in ("same", "causal"):
        out = length
    elif padding == "full":
        out = length + span - 1
    else:
        out = length - span + 1
    return max(0, (out + stride - 1) // stride)


def pool_length(length: int | None, pool: int, stride: int, padding: str) -> int | None:
    if length is None:
        return None
    if padding == "same":
        return (length + stride - 1) // stride
    return max(0, (length - pool) // stride + 1)


def _split(shape: Shape, rank: int, cf: bool) -> tuple[tuple[int | None, ...], int | None]:
    """(spatial dims, channels) of a ``(batch, ...)`` shape with ``rank`` spatial axes."""
    if cf:
        return tuple(shape[2 : 2 + rank]), shape[1]
    return tuple(shape[1 : 1 + rank]), shape[-1]


def _join(batch: int | None, spatial: Sequence[int | None], ch: int | None, cf: bool) -> Shape:
    return (batch, ch, *spatial) if cf else (batch, *spatial, ch)


def _conv_params(cfg: dict[str, Any], rank: int) -> tuple[Any, ...]:
    if rank == 1 and "filter_length" in cfg:  # Keras 1
        kernel: tuple[int, ...] = (int(cfg["filter_length"]),)
        strides: tuple[int, ...] = (int(cfg.get("subsample_length") or 1),)
    elif rank == 2 and "nb_row" in cfg:
        kernel = (int(cfg["nb_row"]), int(cfg["nb_col"]))
        strides = _tuple(cfg.get("subsample"), 2, 1)
    else:
        kernel = _tuple(cfg.get("kernel_size"), rank, 1)
        strides = _tuple(cfg.get("strides"), rank, 1)
    dilation = _tuple(cfg.get("dilation_rate", cfg.get("atrous_rate")), rank, 1)
    padding = str(cfg.get("padding", cfg.get("border_mode", "valid")))
    filters = _int(cfg.get("filters", cfg.get("nb_filter")))
    return kernel, strides, dilation, padding, filters


def conv_rule(rank: int) -> Rule:
    def rule(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
        shape = inputs[0] if inputs else None
        if shape is None or len(shape) != rank + 2:
            return [None]
        cf = _channels_first(cfg)
        kernel, strides, dilation, padding, filters = _conv_params(cfg, rank)
        spatial, _ = _split(shape, rank, cf)
        out = [
            conv_length(n, k, s, padding, d)
            for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True)
        ]
        return [_join(shape[0], out, filters, cf)]

    return rule


def pool_rule(rank: int) -> Rule:
    def rule(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
        shape = inputs[0] if inputs else None
        if shape is None or len(shape) != rank + 2:
            return [None]
        cf = _channels_first(cfg)
        if rank == 1 and "pool_length" in cfg:  # Keras 1
            pool: tuple[int, ...] = (int(cfg.get("pool_length") or 2),)
            strides_raw = cfg.get("stride")
        else:
            pool = _tuple(cfg.get("pool_size"), rank, 2)
            strides_raw = cfg.get("strides")
        strides = pool if strides_raw is None else _tuple(strides_raw, rank, 1)
        padding = str(cfg.get("padding", cfg.get("border_mode", "valid")))
        spatial, ch = _split(shape, rank, cf)
        out = [
            pool_length(n, p, s, padding) for n, p, s in zip(spatial, pool, strides, strict=True)
        ]
        return [_join(shape[0], out, ch, cf)]

    return rule


def global_pool_rule(rank: int) -> Rule:
    def rule(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
        shape = inputs[0] if inputs else None
        if shape is None or len(shape) != rank + 2:
            return [None]
        cf = _channels_first(cfg)
        _, ch = _split(shape, rank, cf)
        if cfg.get("keepdims"):
            return [_join(shape[0], (1,) * rank, ch, cf)]
        return [(shape[0], ch)]

    return rule


def _identity(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    return [inputs[0] if inputs else None]


def _dense(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    shape = inputs[0] if inputs else None
    units = _int(cfg.get("units", cfg.get("output_dim")))
    if shape is None or len(shape) < 2:
        return [None]
    return [(*shape[:-1], units)]


def _attention(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    """MultiHeadAttention: the query's shape, its last axis ``output_shape`` when set."""
    query = inputs[0] if inputs else None
    if query is None or len(query) < 3:
        return [None]
    out = cfg.get("output_shape")
    if out is None:
        return [query]
    tail = as_shape(out if isinstance(out, list | tuple) else [out])
    return [None if tail is None else (*query[:-1], *tail)]


def _embedding(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    shape = inputs[0] if inputs else None
    dim = _int(cfg.get("output_dim"))
    if shape is None:
        return [None]
    return [(*shape, dim)]


def _flatten(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    shape = inputs[0] if inputs else None
    if shape is None:
        return [None]
    rest = shape[1:]
    size = None if any(d is None for d in rest) else math.prod(d for d in rest if d is not None)
    return [(shape[0], size)]


def _reshape(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    shape = inputs[0] if inputs else None
    raw = cfg.get("target_shape", cfg.get("dims"))
    if isinstance(raw, dict):
        raw = raw.get("items")
    if not isinstance(raw, list | tuple) or not all(isinstance(d, int) for d in raw):
        return [None]
    target = [int(d) for d in raw]
    batch = shape[0] if shape else None
    if -1 in target:
        known = math.prod(d for d in target if d != -1)
        total = None
        if shape is not None and all(d is not None for d in shape[1:]):
            total = math.prod(d for d in shape[1:] if d is not None)
        fill = total // known if total is not None and known else None
        return [(batch, *[fill if d == -1 else d for d in target])]
    return [(batch, *target)]


def _permute(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    shape = inputs[0] if inputs else None
    dims = cfg.get("dims")
    if isinstance(dims, dict):
        dims = dims.get("items")
    if shape is None or not isinstance(dims, list | tuple):
        return [None]
    try:
        return [(shape[0], *[shape[int(d)] for d in dims])]
    except (IndexError, TypeError, ValueError):
        return [None]


def _repeat_vector(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    shape = inputs[0] if inputs else None
    if shape is None or len(shape) != 2:
        return [None]
    return [(shape[0], _int(cfg.get("n")), shape[1])]


def _merge_dims(shapes: list[Shape]) -> Shape:
    """Elementwise merge: the known size wins on each axis."""
    out: list[int | None] = list(shapes[0])
    for s in shapes[1:]:
        for i, d in enumerate(s[-len(out) :] if len(s) >= len(out) else s):
            if out[i] is None:
                out[i] = d
    return tuple(out)


def _elementwise(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    known = [s for s in inputs if s is not None]
    if not known or len(known) != len(inputs) or len({len(s) for s in known}) != 1:
        return [None]
    return [_merge_dims(known)]


def _concatenate(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    if not inputs or any(s is None for s in inputs):
        return [None]
    shapes = [s for s in inputs if s is not None]
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        return [None]
    axis = cfg.get("axis", cfg.get("concat_axis", -1))
    axis = int(axis) if isinstance(axis, int) else -1
    axis = axis % rank
    merged = list(_merge_dims(shapes))
    parts = [s[axis] for s in shapes]
    merged[axis] = None if any(p is None for p in parts) else sum(p for p in parts if p)
    return [tuple(merged)]


def _merge_keras1(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    mode = cfg.get("mode", "sum")
    if mode == "concat":
        return _concatenate({"axis": cfg.get("concat_axis", -1)}, inputs)
    if mode in ("sum", "mul", "ave", "max"):
        return _elementwise(cfg, inputs)
    return [None]


def _padding_1d(cfg: dict[str, Any], inputs: list[MaybeShape], sign: int) -> list[MaybeShape]:
    shape = inputs[0] if inputs else None
    if shape is None or len(shape) != 3:
        return [None]
    key = "padding" if sign > 0 else "cropping"
    left, right = (
        _tuple(cfg.get(key), 2, 1) if not isinstance(cfg.get(key), int) else (cfg[key], cfg[key])
    )
    n = shape[1]
    return [(shape[0], None if n is None else n + sign * (left + right), shape[2])]


def _upsampling_1d(cfg: dict[str, Any], inputs: list[MaybeShape]) -> list[MaybeShape]:
    shape = inputs[0] if inputs else None
    size = _int(cfg.get("size", cfg.get("length", 2))) or 2
    if shape is None or len(shape) != 3:
        return [None]
    return [(shape[0], None if shape[1] is None else shape[1] * size, shape[2])]


def rnn_units(class_name: str, cfg: dict[str, Any]) -> int | None:
    """``units`` of a recurrent layer (``output_dim`` in Keras 1, the cell's for ``RNN``)."""
    if class_name in CONV_RNN_CLASSES:
        return _int(cfg.get("filters"))
    units = _int(cfg.get("units", cfg.get("output_dim")))
    if units is not None or class_name != "RNN":
        return units
    cell = cfg.get("cell")
    while True:
        if isinstance(cell, list) and cell:
            cell = cell[-1]
        elif isinstance(cell, dict) and isinstance(cell.get("config"), dict):
            inner = cell["config"]
            if "cells" in inner:  # StackedRNNCells
                cell = inner["cells"]
                continue
            return _int(inner.get("units"))
        else:
            return None


def _state_count(class_name: str, cfg: dict[str, Any]) -> int:
    if "LSTM" in class_name:
        return 2
    if class_name == "RNN":
        cell = cfg.get("cell")
        name = cell.get("class_name", "") if isinstance(cell, dict) else ""
        return 2 if "LSTM" in str(name) else 1
    return 1


def rnn_outputs(class_name: str, cfg: dict[str, Any], shape: MaybeShape) -> list[MaybeShape]:
    """Outputs of a recurrent layer: the sequence or last output, then any returned states."""
    units = rnn_units(class_name, cfg)
    seq = bool(cfg.get("return_sequences", False))
    if shape is None:
        return [None]
    if class_name in CONV_RNN_CLASSES:
        rank = len(shape) - 3
        if rank < 1:
            return [None]
        cf = _channels_first(cfg)
        step = (shape[0], *shape[2:])
        kernel, strides, dilation, padding, filters = _conv_params(cfg, rank)
        spatial, _ = _split(step, rank, cf)
        out = [
            conv_length(n, k, s, padding, d)
            for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True)
        ]
        last = _join(shape[0], out, filters, cf)
        state: MaybeShape = last
        main: MaybeShape = (last[0], shape[1], *last[1:]) if seq else last
    else:
        if len(shape) < 3:
            return [None]
        state = (shape[0], units)
        main = (shape[0], shape[1], units) if seq else state
    if cfg.get("return_state"):
        return [main] + [state] * _state_count(class_name, cfg)
    return [main]


def bidirectional_merge(cfg: dict[str, Any], inner: MaybeShape) -> list[MaybeShape]:
    mode = cfg.get("merge_mode", "concat")
    if inner is None:
        return [None]
    if mode is None:
        return [inner, inner]
    if mode == "concat":
        last = inner[-1]
        return [(*inner[:-1], None if last is None else 2 * last)]
    return [inner]


RULES: dict[str, Rule] = {
    "Dense": _dense,
    "TimeDistributedDense": _dense,
    "Embedding": _embedding,
    "MultiHeadAttention": _attention,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "Permute": _permute,
    "RepeatVector": _repeat_vector,
    "Concatenate": _concatenate,
    "Merge": _merge_keras1,
    "ZeroPadding1D": lambda c, i: _padding_1d(c, i, 1),
    "Cropping1D": lambda c, i: _padding_1d(c, i, -1),
    "UpSampling1D": _upsampling_1d,
    "Conv1D": conv_rule(1),
    "Convolution1D": conv_rule(1),
    "Conv2D": conv_rule(2),
    "Convolution2D": conv_rule(2),
    "Conv3D": conv_rule(3),
    "Convolution3D": conv_rule(3),
    "SeparableConv1D": conv_rule(1),
    "SeparableConv2D": conv_rule(2),
}
for _cls in ELEMENTWISE_CLASSES:
    RULES[_cls] = _elementwise
for _cls in IDENTITY_CLASSES:
    RULES[_cls] = _identity
for _rank in (1, 2, 3):
    for _kind in ("MaxPooling", "AveragePooling", "MaxPool", "AvgPool"):
        RULES[f"{_kind}{_rank}D"] = pool_rule(_rank)
    for _kind in ("GlobalMaxPooling", "GlobalAveragePooling", "GlobalMaxPool", "GlobalAvgPool"):
        RULES[f"{_kind}{_rank}D"] = global_pool_rule(_rank)
