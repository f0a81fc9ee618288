"""Serving signatures of a TF SavedModel, read from ``saved_model.pb`` without TensorFlow.

Keras 3 ``model.export()`` and ``tf.saved_model.save`` write no Keras config: what callers
may feed is recorded only in the MetaGraphDef's ``signature_def`` map. We decode just the
protobuf fields on that path (wire format by hand; field numbers from TensorFlow's
``saved_model.proto``, ``meta_graph.proto`` and ``tensor_shape.proto``):

    SavedModel.meta_graphs = 2 -> MetaGraphDef.signature_def = 5 (map<string, SignatureDef>)
    SignatureDef.inputs = 1 (map<string, TensorInfo>)
    TensorInfo.dtype = 2 (DataType), TensorInfo.tensor_shape = 3
    TensorShapeProto.dim = 2 (Dim.size = 1, -1 when unknown), unknown_rank = 3
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import LstmdiagError
from .spec import InputSpec, Shape

# tensorflow/core/framework/types.proto
_DTYPES = {
    1: "float32",
    2: "float64",
    3: "int32",
    4: "uint8",
    5: "int16",
    6: "int8",
    7: "string",
    9: "int64",
    10: "bool",
    14: "bfloat16",
    17: "uint16",
    19: "float16",
    22: "uint32",
    23: "uint64",
}
SERVING_FIRST = ("serving_default", "serve")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) for every field of one message."""
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            yield number, wire, value
        elif wire == 2:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ValueError("truncated field")
            yield number, wire, data[pos : pos + size]
            pos += size
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")


def _sub(data: bytes, number: int) -> list[bytes]:
    return [v for n, w, v in fields(data) if n == number and w == 2 and isinstance(v, bytes)]


def _map(data: bytes, number: int) -> list[tuple[str, bytes]]:
    """A protobuf map<string, message> field: (key, value bytes) pairs in file order."""
    out = []
    for entry in _sub(data, number):
        key = b"".join(_sub(entry, 1)).decode("utf-8", "replace")
        value = b"".join(_sub(entry, 2))
        out.append((key, value))
    return out


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _shape(tensor_shape: bytes) -> Shape | None:
    dims: list[int | None] = []
    for n, _, v in fields(tensor_shape):
        if n == 3 and v:  # unknown_rank
            return None
        if n == 2 and isinstance(v, bytes):
            size = next((int(s) for k, w, s in fields(v) if k == 1 and w == 0), 0)
            size = _signed(size) if isinstance(size, int) else 0
            dims.append(None if size < 0 else size)
    return tuple(dims)


def _tensor_info(name: str, info: bytes) -> InputSpec | None:
    dtype_code = next((v for n, w, v in fields(info) if n == 2 and w == 0), 0)
    shapes = _sub(info, 3)
    shape = _shape(shapes[0]) if shapes else None
    if shape is None:
        return None
    dtype = (
        _DTYPES.get(int(dtype_code), f"dtype#{dtype_code}") if isinstance(dtype_code, int) else "?"
    )
    return InputSpec(name=name, shape=shape, dtype=dtype)


def serving_inputs(pb: bytes, shown: str) -> tuple[str, tuple[InputSpec, ...]]:
    """(signature name, its inputs) of the serving signature in a saved_model.pb."""
    try:
        signatures: list[tuple[str, bytes]] = []
        for meta in _sub(pb, 2):
            signatures.extend(_map(meta, 5))
    except ValueError as exc:
        raise LstmdiagError(
            f"{shown}: saved_model.pb is not a readable SavedModel ({exc})"
        ) from None
    usable = [(n, s) for n, s in signatures if n != "__saved_model_init_op"]
    if not usable:
        raise LstmdiagError(
            f"{shown}: a TF SavedModel with neither Keras metadata nor a serving signature; "
            "lstmdiag cannot read its input shapes statically"
        )
    name, sig = next(((n, s) for want in SERVING_FIRST for n, s in usable if n == want), usable[0])
    inputs = []
    for key, info in _map(sig, 1):
        spec = _tensor_info(key, info)
        if spec is None:
            raise LstmdiagError(f"{shown}: signature {name!r} input {key!r} has an unknown rank")
        inputs.append(spec)
    return name, tuple(inputs)
