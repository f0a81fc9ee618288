"""An ONNX model (``.onnx``), read statically: the graph's inputs (``graph.input`` minus the
initializers, as onnxruntime reports them, ``dim_param`` dims free), and its ``LSTM``, ``GRU``
and ``RNN`` nodes with ``direction``, ``hidden_size``, ``layout`` and ``sequence_lens``.

ONNX's recurrent ops are time-major: their ``X`` is ``[seq, batch, features]`` unless
``layout=1``. Each node's ``X`` is followed back to the graph input that feeds it (through
``Transpose`` and shape-keeping ops), so an input reads ``(time, batch, features)`` when it
reaches the node untransposed (PyTorch's default ``batch_first=False``) and ``(batch, time,
features)`` when a converter transposes it first (tf2onnx). No onnx package: the few protobuf
fields needed are read by hand, every length bounds-checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LstmdiagError
from .spec import SEQUENCE_LENS, InputSpec, MaskSpec, ModelSpec, Note, RecurrentLayer

MAX_BYTES = 1 << 31
# TensorProto.DataType -> numpy dtype name (onnx.proto)
_TYPES = {
    1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
    8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64",
    16: "bfloat16",
}  # fmt: skip
RECURRENT = ("LSTM", "GRU", "RNN")
# Ops whose output has the same axes as their first input.
_KEEPS_AXES = {
    "Identity", "Cast", "Relu", "Tanh", "Sigmoid", "Dropout", "Add", "Sub", "Mul", "Div",
    "Neg", "Abs", "Clip", "CastLike", "LeakyRelu", "Elu", "Selu", "Softsign", "Softplus",
}  # fmt: skip


@dataclass
class _Node:
    op: str = ""
    name: str = ""
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    ints: dict[str, list[int]] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)


@dataclass
class _Graph:
    nodes: list[_Node] = field(default_factory=list)
    inputs: list[InputSpec] = field(default_factory=list)
    initializers: set[str] = field(default_factory=set)
    producer: str = ""


class _Wire:
    """Protobuf wire format over bytes: (field, wire type, value) triples, checked."""

    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        self.data, self.at = data, start
        self.end = len(data) if end is None else end

    def varint(self) -> int:
        value, shift = 0, 0
        while True:
            if self.at >= self.end or shift > 63:
                raise LstmdiagError("a number runs past its message")
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    def fields(self) -> list[tuple[int, int, int | tuple[int, int]]]:
        """Every field: varints as ints, length-delimited ones as (start, end)."""
        out: list[tuple[int, int, int | tuple[int, int]]] = []
        while self.at < self.end:
            key = self.varint()
            number, kind = key >> 3, key & 7
            if kind == 0:
                out.append((number, kind, self.varint()))
            elif kind == 2:
                size = self.varint()
                if size > self.end - self.at:
                    raise LstmdiagError("a field runs past its message")
                out.append((number, kind, (self.at, self.at + size)))
                self.at += size
            elif kind in (1, 5):
                self.at += 8 if kind == 1 else 4
                if self.at > self.end:
                    raise LstmdiagError("a field runs past its message")
            else:
                raise LstmdiagError(f"wire type {kind} is not protobuf's")
        return out


def _sub(data: bytes, span: int | tuple[int, int]) -> list[tuple[int, int, int | tuple[int, int]]]:
    if not isinstance(span, tuple):
        raise LstmdiagError("a message where a number should be")
    return _Wire(data, *span).fields()


def _text(data: bytes, span: int | tuple[int, int]) -> str:
    if not isinstance(span, tuple):
        raise LstmdiagError("a number where a string should be")
    return data[span[0] : span[1]].decode("utf-8", errors="replace")


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def read(path: Path, shown: str) -> ModelSpec:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise LstmdiagError(f"{shown}: a {size}-byte .onnx is larger than lstmdiag reads")
    try:
        graph = _model(path.read_bytes())
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: not a readable ONNX model ({exc})") from None
    return _spec(graph, shown)


def looks_like_onnx(head: bytes) -> bool:
    """ModelProto starts with ir_version (field 1, a varint): byte 0x08, then a small
    number, then another field of the model (producer, graph, opset) as a length-delimited
    field. Decided on the first bytes only; the reader checks the rest."""
    return len(head) >= 3 and head[0] == 0x08 and 1 <= head[1] <= 20 and head[2] in _NEXT


_NEXT = (0x12, 0x1A, 0x22, 0x2A, 0x3A, 0x42)  # producer, version, domain, doc, graph, opset


def _model(data: bytes) -> _Graph:
    graph = _Graph()
    found = False
    for number, _, value in _Wire(data).fields():
        if number == 2 and isinstance(value, tuple):
            graph.producer = _text(data, value)
        if number == 7:
            found = True
            _graph(data, value, graph)
    if not found:
        raise LstmdiagError("it has no graph")
    return graph


def _graph(data: bytes, span: int | tuple[int, int], graph: _Graph) -> None:
    values: list[int | tuple[int, int]] = []
    for number, _, value in _sub(data, span):
        if number == 1:
            graph.nodes.append(_node(data, value))
        elif number == 5:  # an initializer: its name (field 8), never its values
            graph.initializers.update(_text(data, v) for n, _, v in _sub(data, value) if n == 8)
        elif number == 11:
            values.append(value)
    inputs = [_value_info(data, v, i) for i, v in enumerate(values)]
    graph.inputs = [i for i in inputs if i.name not in graph.initializers]


def _node(data: bytes, span: int | tuple[int, int]) -> _Node:
    node = _Node()
    for number, _, value in _sub(data, span):
        if number == 1:
            node.inputs.append(_text(data, value))
        elif number == 2:
            node.outputs.append(_text(data, value))
        elif number == 3:
            node.name = _text(data, value)
        elif number == 4:
            node.op = _text(data, value)
        elif number == 5:
            _attribute(data, value, node)
    return node


def _attribute(data: bytes, span: int | tuple[int, int], node: _Node) -> None:
    name, ints, text = "", [], None
    for number, kind, value in _sub(data, span):
        if number == 1:
            name = _text(data, value)
        elif number == 3 and kind == 0 and isinstance(value, int):
            ints = [_signed(value)]
        elif number == 4:
            text = _text(data, value)
        elif number == 8 and kind == 0 and isinstance(value, int):
            ints.append(_signed(value))
        elif number == 8 and isinstance(value, tuple):  # packed
            wire = _Wire(data, *value)
            while wire.at < wire.end:
                ints.append(_signed(wire.varint()))
    node.ints[name] = ints
    if text is not None:
        node.strings[name] = text


def _value_info(data: bytes, span: int | tuple[int, int], index: int) -> InputSpec:
    name, dtype = f"input_{index}", "unknown"
    dims: tuple[int | None, ...] = ()
    for number, _, value in _sub(data, span):
        if number == 1:
            name = _text(data, value)
        elif number == 2:  # TypeProto.tensor_type (1): elem_type (1), shape (2)
            for n, _, tensor in _sub(data, value):
                if n != 1:
                    continue
                for m, _, v in _sub(data, tensor):
                    if m == 1 and isinstance(v, int):
                        dtype = _TYPES.get(v, "unknown")
                    elif m == 2:
                        dims = _dims(data, v)
    return InputSpec(name, dims, dtype)


def _dims(data: bytes, span: int | tuple[int, int]) -> tuple[int | None, ...]:
    dims: list[int | None] = []
    for number, _, dim in _sub(data, span):
        if number != 1:
            continue
        size = [v for n, _, v in _sub(data, dim) if n == 1 and isinstance(v, int)]
        value = _signed(size[0]) if size else 0
        dims.append(value if value > 0 else None)  # a dim_param, or no value: free
    return tuple(dims)


def _spec(graph: _Graph, shown: str) -> ModelSpec:
    producers = {out: node for node in graph.nodes for out in node.outputs}
    by_name = {i.name: i for i in graph.inputs}
    names = set(by_name)
    axes: dict[str, tuple[str, ...]] = {}
    recurrent, notes, masks = [], [], []
    for node in graph.nodes:
        if node.op not in RECURRENT or not node.inputs:
            continue
        x_axes = ("batch", "time", "features") if _int(node, "layout") == 1 else (
            "time", "batch", "features")  # fmt: skip
        traced = _trace(node.inputs[0], x_axes, producers, names)
        feeding = None
        if traced is not None:
            feeding, roles = traced
            axes.setdefault(feeding, roles)
        lens = node.inputs[4] if len(node.inputs) > 4 and node.inputs[4] else None
        if lens in by_name:
            axes.setdefault(lens, ("batch",))
            if feeding is not None:  # steps past each length are skipped: a mask, by count
                masks.append(MaskSpec(node.name or node.op, SEQUENCE_LENS, None, feeding, lens))
        recurrent.append(_layer(node, feeding, by_name.get(feeding or "")))
    inputs = tuple(
        InputSpec(i.name, i.shape, i.dtype, axes=_fitting(axes.get(i.name), i.shape))
        for i in graph.inputs
    )
    if any(_int(n, "layout") == 1 for n in graph.nodes if n.op in RECURRENT):
        notes.append(BATCHWISE)
    return ModelSpec(
        path=shown,
        format="onnx",
        keras_version=None,
        model_class=f"ONNX ({graph.producer})" if graph.producer else "ONNX",
        sequential=False,
        inputs=inputs,
        recurrent=tuple(recurrent),
        masking=tuple(masks),
        notes=tuple(notes),
    )


def _fitting(axes: tuple[str, ...] | None, shape: tuple[int | None, ...]) -> tuple[str, ...] | None:
    """The roles, when they name every axis (a damaged file may give an input another rank)."""
    return axes if axes is not None and len(axes) == len(shape) else None


def _int(node: _Node, name: str, default: int = 0) -> int:
    values = node.ints.get(name)
    return values[0] if values else default


def _layer(node: _Node, feeding: str | None, inp: InputSpec | None) -> RecurrentLayer:
    direction = node.strings.get("direction", "forward")
    return RecurrentLayer(
        name=node.name or node.op,
        class_name=node.op,
        wrapper="bidirectional" if direction == "bidirectional" else None,
        units=_int(node, "hidden_size") or None,
        input=feeding,
        input_shape=None if inp is None else inp.shape,
        return_sequences=True,
        stateful=False,
        unroll=False,
        go_backwards=direction == "reverse",
    )


def _trace(
    name: str,
    roles: tuple[str, ...],
    producers: dict[str, _Node],
    inputs: set[str],
) -> tuple[str, tuple[str, ...]] | None:
    """The graph input that ``name`` comes from, with its axes' roles; None when an op in
    between moves axes in a way not followed here."""
    for _ in range(64):
        if name in inputs:
            return name, roles
        node = producers.get(name)
        if node is None or not node.inputs:
            return None
        if node.op == "Transpose":
            perm = node.ints.get("perm") or list(reversed(range(len(roles))))
            if sorted(perm) != list(range(len(roles))):
                return None
            before = [""] * len(roles)
            for out_axis, in_axis in enumerate(perm):
                before[in_axis] = roles[out_axis]
            roles = tuple(before)
        elif node.op not in _KEEPS_AXES:
            return None
        name = node.inputs[0]
    return None


BATCHWISE = Note(
    "a recurrent node has layout=1 (batch-major): onnxruntime 1.32's CPU kernels refuse it "
    '("Batchwise recurrent operations (layout == 1) are not supported")',
    "export with layout=0 (time-major, as tf2onnx does), transposing before the node",
)
