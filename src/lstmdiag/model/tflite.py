"""A TFLite flatbuffer (``.tflite``), read statically: the main subgraph's inputs as the
interpreter reports them (``shape``, with ``shape_signature``'s -1 dims free), their dtypes,
and which recurrent ops the converter left (fused sequence ops, or a WHILE loop with Flex ops
from a SELECT_TF_OPS conversion). No TensorFlow: the few tables needed are read by hand,
every offset bounds-checked.

TFLite's inputs keep the batch the converter gave them (1), whatever the signature says: a
larger batch must be resized (``resize_tensor_input``) or fed one sample at a time."""

from __future__ import annotations

import struct
from pathlib import Path

from ..errors import LstmdiagError
from .spec import InputSpec, ModelSpec, Note, RecurrentLayer

MAGIC = b"TFL3"
MAX_BYTES = 512 * 1024 * 1024
# TensorType -> numpy dtype name (schema.fbs)
_TYPES = {
    0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 5: "string", 6: "bool",
    7: "int16", 8: "complex64", 9: "int8", 10: "float64", 12: "uint64", 15: "uint32",
    16: "uint16", 18: "bfloat16",
}  # fmt: skip
# BuiltinOperator codes of the recurrent ops (schema.fbs)
RECURRENT_OPS = {
    16: "LSTM",
    24: "RNN",
    35: "UNIDIRECTIONAL_SEQUENCE_RNN",
    44: "UNIDIRECTIONAL_SEQUENCE_LSTM",
    46: "BIDIRECTIONAL_SEQUENCE_RNN",
    52: "BIDIRECTIONAL_SEQUENCE_LSTM",
    119: "WHILE",
}


class _Buffer:
    """Flatbuffer tables, vectors and strings over bytes, each read checked against the end."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def u32(self, at: int) -> int:
        return int(struct.unpack_from("<I", self.data, self._at(at, 4))[0])

    def i32(self, at: int) -> int:
        return int(struct.unpack_from("<i", self.data, self._at(at, 4))[0])

    def _at(self, at: int, size: int) -> int:
        if at < 0 or at + size > len(self.data):
            raise LstmdiagError("an offset points outside the file")
        return at

    def field(self, table: int, index: int) -> int | None:
        """The position of field ``index`` of the table at ``table`` (None: absent)."""
        vtable = table - self.i32(table)
        size = struct.unpack_from("<H", self.data, self._at(vtable, 2))[0]
        slot = 4 + 2 * index
        if slot + 2 > size:
            return None
        offset = struct.unpack_from("<H", self.data, self._at(vtable + slot, 2))[0]
        return None if offset == 0 else table + offset

    def table(self, table: int, index: int) -> int | None:
        at = self.field(table, index)
        return None if at is None else at + self.u32(at)

    def vector(self, table: int, index: int, item: int = 4) -> tuple[int, int]:
        """(start of the elements, count) of ``item``-byte elements; (0, 0) when absent."""
        at = self.field(table, index)
        if at is None:
            return 0, 0
        start = at + self.u32(at)
        count = self.u32(start)
        self._at(start + 4, item * count)
        return start + 4, count

    def tables(self, table: int, index: int) -> list[int]:
        start, count = self.vector(table, index)
        return [start + 4 * i + self.u32(start + 4 * i) for i in range(count)]

    def ints(self, table: int, index: int) -> list[int]:
        start, count = self.vector(table, index)
        return [self.i32(start + 4 * i) for i in range(count)]

    def string(self, table: int, index: int) -> str | None:
        start, count = self.vector(table, index, 1)
        if not start:
            return None
        return self.data[start : start + count].decode("utf-8", errors="replace")

    def scalar(self, table: int, index: int, fmt: str, default: int) -> int:
        at = self.field(table, index)
        if at is None:
            return default
        return int(struct.unpack_from(fmt, self.data, self._at(at, struct.calcsize(fmt)))[0])


def read(path: Path, shown: str) -> ModelSpec:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise LstmdiagError(f"{shown}: a {size}-byte .tflite is larger than lstmdiag reads")
    try:
        return _read(_Buffer(path.read_bytes()), shown)
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: not a readable TFLite model ({exc})") from None
    except (struct.error, UnicodeDecodeError) as exc:
        raise LstmdiagError(f"{shown}: not a readable TFLite model ({exc})") from None


def _read(buf: _Buffer, shown: str) -> ModelSpec:
    model = buf.u32(0)
    subgraphs = buf.tables(model, 2)
    if not subgraphs:
        raise LstmdiagError("it has no subgraph")
    graph = subgraphs[0]  # the main one: the interpreter runs subgraph 0
    tensors = buf.tables(graph, 0)
    inputs = []
    for index in buf.ints(graph, 1):
        if not 0 <= index < len(tensors):
            raise LstmdiagError(f"input tensor {index} does not exist")
        inputs.append(_input(buf, tensors[index], index))
    ops, flex = _recurrent_ops(buf, model)
    return ModelSpec(
        path=shown,
        format="tflite",
        keras_version=None,
        model_class="TFLite",
        sequential=False,
        inputs=tuple(inputs),
        recurrent=tuple(
            RecurrentLayer(op, op, None, None, None, None, False, False, False, False) for op in ops
        ),
        masking=(),
        notes=_notes(flex),
    )


def _input(buf: _Buffer, tensor: int, index: int) -> InputSpec:
    shape = buf.ints(tensor, 0)
    signature = buf.ints(tensor, 7) or shape
    if len(signature) != len(shape):
        signature = shape
    dims: list[int | None] = [
        None if s < 0 or d < 0 else d for d, s in zip(shape, signature, strict=True)
    ]
    if dims:
        dims[0] = shape[0] if shape[0] >= 0 else None  # the interpreter's batch, as allocated
    dtype = _TYPES.get(buf.scalar(tensor, 1, "<b", 0), "unknown")
    name = buf.string(tensor, 3) or f"input_{index}"
    resizable = bool(signature) and signature[0] < 0
    return InputSpec(name, tuple(dims), dtype, batch_resizable=resizable)


def _recurrent_ops(buf: _Buffer, model: int) -> tuple[list[str], bool]:
    """The recurrent ops present, and whether Flex (SELECT_TF_OPS) ops are."""
    found: list[str] = []
    flex = False
    for code in buf.tables(model, 1):
        builtin = max(buf.scalar(code, 0, "<b", 0), buf.scalar(code, 3, "<i", 0))
        flex = flex or (buf.string(code, 1) or "").startswith("Flex")
        name = RECURRENT_OPS.get(builtin)
        if name and name not in found:
            found.append(name)
    return found, flex


def _notes(flex: bool) -> tuple[Note, ...]:
    notes = []
    if flex:
        notes.append(
            Note(
                "converted with SELECT_TF_OPS: its Flex ops run only where the Flex delegate is "
                "linked (TensorFlow 2.21's tf.lite.Interpreter raises \"Select TensorFlow op(s) "
                '... not supported")',
                "convert with TFLITE_BUILTINS only: a fixed input shape (a concrete function "
                "of shape [1, T, F]) or unroll=True lets the converter avoid TensorList ops",
            )
        )
    return tuple(notes)
