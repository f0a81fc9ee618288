"""A Triton model repository folder (``config.pbtxt``), read statically: each input as
Triton accepts it in a request, and the model in the latest version folder (``1/``) read by
lstmdiag's other readers and cross-checked against the config.

Per Triton's model_configuration.md: with ``max_batch_size`` > 0 the full shape is
``[-1] + dims`` (the batch is not in ``dims``) and a request holds at most max_batch_size
samples; with 0 the shape is ``dims``; -1 is a free dim; ``reshape`` is the shape the
framework model is given, ``dims`` the one requests must have. The protobuf text format is
parsed by hand: no protobuf, no code run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import DAMAGED, LstmdiagError, one_line
from .spec import InputSpec, ModelSpec, Note, Shape, fmt_shape

CONFIG = "config.pbtxt"
MAX_CONFIG_BYTES = 4 << 20
MAX_DEPTH = 64
MAX_DIM = 1 << 62
# Triton's datatype table (model_configuration.md, "Datatypes"): config name -> numpy name
TYPES = {
    "TYPE_BOOL": "bool", "TYPE_UINT8": "uint8", "TYPE_UINT16": "uint16",
    "TYPE_UINT32": "uint32", "TYPE_UINT64": "uint64", "TYPE_INT8": "int8",
    "TYPE_INT16": "int16", "TYPE_INT32": "int32", "TYPE_INT64": "int64",
    "TYPE_FP16": "float16", "TYPE_FP32": "float32", "TYPE_FP64": "float64",
    "TYPE_STRING": "object", "TYPE_BF16": "bfloat16",
}  # fmt: skip
# what a version folder holds, by platform/backend (the default_model_filename otherwise)
MODEL_FILES = ("model.savedmodel", "model.keras", "model.h5", "model.tflite")

ReadModel = Callable[[Path], ModelSpec]
Message = dict[str, list[Any]]


def read(folder: Path, shown: str, read_model: ReadModel) -> ModelSpec:
    """The inputs as a request must send them (``dims``, batched by max_batch_size), and
    the model of the latest version folder when lstmdiag can read it."""
    try:
        config = _load(folder / CONFIG)
        max_batch = _int(config, "max_batch_size", 0)
        if max_batch < 0:
            raise LstmdiagError(f"max_batch_size {max_batch} is negative")
        entries = config.get("input", [])
        if not entries:
            raise LstmdiagError("it declares no input")
        inputs = tuple(_input(e, max_batch) for e in entries)
        shapes = tuple(_model_shape(e, i, max_batch) for e, i in zip(entries, inputs, strict=True))
        inner, notes = _inner(folder, _str(config, "default_model_filename", ""), read_model)
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: not a readable Triton model ({exc})") from None
    except DAMAGED as exc:
        raise LstmdiagError(f"{shown}: not a readable Triton model ({one_line(exc)})") from None
    notes += _reshaped(inputs, shapes)
    if inner is not None:
        notes += _cross_check(inputs, shapes, inner)
    base = inner or ModelSpec.of_inputs(shown, "triton", "Triton model", inputs)
    return replace(
        base, path=shown, format="triton", inputs=inputs, notes=base.notes + tuple(notes)
    )


def _reshaped(inputs: tuple[InputSpec, ...], shapes: tuple[Shape, ...]) -> list[Note]:
    """Inputs whose ``reshape`` gives the model another shape than requests send."""
    return [
        Note(
            f"config.pbtxt reshapes input {inp.name!r}: a request sends {fmt_shape(inp.shape)}, "
            f"Triton gives the model {fmt_shape(shape)}; data is checked as the request sends "
            "it",
            f"send {inp.name!r} as {fmt_shape(inp.shape)} (x.reshape(len(x), -1) flattens "
            "each sample)"
            if len(inp.shape) == 2
            else f"send {inp.name!r} as {fmt_shape(inp.shape)}",
        )
        for inp, shape in zip(inputs, shapes, strict=True)
        if shape != inp.shape
    ]


def _load(path: Path) -> Message:
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise LstmdiagError(f"a {size}-byte config.pbtxt is larger than lstmdiag reads")
    tokens = _tokens(path.read_bytes().decode("utf-8"))
    message, at = _message(tokens, 0, 0)
    if at != len(tokens):
        raise LstmdiagError(f"an unexpected {tokens[at][:20]!r}")
    return message


def _input(entry: Any, max_batch: int) -> InputSpec:
    if not isinstance(entry, dict):
        raise LstmdiagError("an input is not a message")
    name = _str(entry, "name", "")
    if not name:
        raise LstmdiagError("an input has no name")
    dtype = _str(entry, "data_type", "")
    if not dtype:  # Triton's default is TYPE_INVALID, which it refuses to load
        raise LstmdiagError(f"input {name!r} has no data_type")
    if dtype not in TYPES:
        raise LstmdiagError(f"input {name!r}: an unknown data_type {dtype[:40]!r}")
    dims = _dims(entry.get("dims", []), name)
    if not dims:
        raise LstmdiagError(f"input {name!r} has no dims (the empty shape is not allowed)")
    shape: Shape = (None, *dims) if max_batch > 0 else dims
    return InputSpec(name, shape, TYPES[dtype], max_batch=max_batch or None)


def _model_shape(entry: Message, inp: InputSpec, max_batch: int) -> Shape:
    """The shape the framework model is given: ``reshape`` when there is one."""
    reshape = entry.get("reshape")
    if not reshape:
        return inp.shape
    if not isinstance(reshape[-1], dict):
        raise LstmdiagError(f"input {inp.name!r}: reshape is not a message")
    dims = _dims(reshape[-1].get("shape", []), inp.name)
    return (None, *dims) if max_batch > 0 else dims


def _dims(values: list[Any], name: str) -> Shape:
    out: list[int | None] = []
    for d in values:
        if not isinstance(d, int) or isinstance(d, bool) or not (d == -1 or 0 < d <= MAX_DIM):
            raise LstmdiagError(f"input {name!r}: a dim {str(d)[:20]!r} is not a size or -1")
        out.append(None if d == -1 else d)
    return tuple(out)


def _int(message: Message, key: str, default: int) -> int:
    values = message.get(key)
    if not values:
        return default
    value = values[-1]
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_DIM:
        raise LstmdiagError(f"{key} {str(value)[:20]!r} is not a number lstmdiag reads")
    return value


def _str(message: Message, key: str, default: str) -> str:
    values = message.get(key)
    if not values:
        return default
    if not isinstance(values[-1], str):
        raise LstmdiagError(f"{key} is not a string or a name")
    return values[-1]


# -- the model in the version folder ---------------------------------------------------------
def _inner(
    folder: Path, filename: str, read_model: ReadModel
) -> tuple[ModelSpec | None, list[Note]]:
    """The latest version's model (Triton's default version policy: the highest number)."""
    numbered = (p for p in folder.iterdir() if p.name.isascii() and p.name.isdigit())
    versions = sorted((int(p.name), p) for p in numbered if p.is_dir())
    if not versions:
        return None, []
    version = versions[-1][1]
    names = ((filename,) if filename and "/" not in filename else ()) + MODEL_FILES
    found = next((version / n for n in names if n != ".." and (version / n).exists()), None)
    if found is None:
        return None, []
    try:
        return read_model(found), []
    except LstmdiagError as exc:
        return None, [
            Note(
                f"the model in {version.name}/ cannot be read ({exc}): only config.pbtxt is "
                "checked",
                "save a model lstmdiag can read beside it (a SavedModel from model.export())",
            )
        ]


def _cross_check(
    inputs: tuple[InputSpec, ...], shapes: tuple[Shape, ...], inner: ModelSpec
) -> list[Note]:
    notes = []
    names, model_names = [i.name for i in inputs], [m.name for m in inner.inputs]
    if sorted(names) != sorted(model_names):
        notes.append(
            Note(
                f"config.pbtxt names the inputs {names}, the model {model_names}: Triton "
                "requires an input's name to be the model's",
                "name each input in config.pbtxt as the model does",
            )
        )
    if len(inner.inputs) != len(inputs):
        notes.append(
            Note(
                f"config.pbtxt declares {len(inputs)} input(s), the model has {len(inner.inputs)}",
                "declare one input { ... } per model input in config.pbtxt",
            )
        )
    for inp, shape, model in zip(inputs, shapes, inner.inputs, strict=False):
        if _agrees(shape, model.shape) and inp.dtype == model.dtype:
            continue
        batched = inp.max_batch is not None
        dims = model.shape[1:] if batched else model.shape
        text = ", ".join("-1" if d is None else str(d) for d in dims)
        kind = next((k for k, v in TYPES.items() if v == model.dtype), "TYPE_FP32")
        notes.append(
            Note(
                f"config.pbtxt's input {inp.name!r} gives the model {fmt_shape(shape)} "
                f"{inp.dtype}, the model's input {model.name!r} is {fmt_shape(model.shape)} "
                f"{model.dtype}: Triton refuses the model's data, or the model Triton's",
                f'in config.pbtxt: input {{ name: "{inp.name}" data_type: {kind} dims: '
                f"[ {text} ] }}",
            )
        )
    return notes


def _agrees(config: Shape, model: Shape) -> bool:
    """Same rank; every dim the model fixes is fixed to the same size in the config."""
    return (
        len(config) == len(model)
        and all(m is None or c == m for c, m in zip(config[1:], model[1:], strict=True))
        and (model[0] is None or config[0] == model[0])
    )


# -- protobuf text format ------------------------------------------------------------------------
_PUNCT = "{}[]:,;<>"


def _tokens(text: str) -> list[str]:
    """Names, numbers, quoted strings (kept with their quote) and punctuation."""
    out, at, n = [], 0, len(text)
    while at < n:
        ch = text[at]
        if ch.isspace():
            at += 1
        elif ch == "#":
            end = text.find("\n", at)
            at = n if end < 0 else end
        elif ch in _PUNCT:
            out.append(ch)
            at += 1
        elif ch in "\"'":
            end = at + 1
            while end < n and text[end] != ch:
                end += 2 if text[end] == "\\" else 1
            if end >= n:
                raise LstmdiagError("a string that is never closed")
            out.append(text[at : end + 1])
            at = end + 1
        else:
            end = at
            while end < n and not text[end].isspace() and text[end] not in _PUNCT + "#\"'":
                end += 1
            out.append(text[at:end])
            at = end
    return out


def _message(tokens: list[str], at: int, depth: int, close: str = "") -> tuple[Message, int]:
    if depth > MAX_DEPTH:
        raise LstmdiagError(f"nested more than {MAX_DEPTH} levels")
    out: Message = {}
    while at < len(tokens) and tokens[at] != close:
        name = tokens[at]
        if not (name[:1].isalpha() or name[:1] == "_") or not name.replace("_", "").isalnum():
            raise LstmdiagError(f"a field name expected, not {name[:20]!r}")
        at += 1
        if at < len(tokens) and tokens[at] == ":":
            at += 1
        if at >= len(tokens):
            raise LstmdiagError(f"field {name!r} has no value")
        values, at = _value(tokens, at, depth)
        out.setdefault(name, []).extend(values)
        if at < len(tokens) and tokens[at] in ",;":
            at += 1
    if close and at >= len(tokens):
        raise LstmdiagError(f"a {'{' if close == '}' else '<'} that is never closed")
    return out, at + (1 if close else 0)


def _value(tokens: list[str], at: int, depth: int) -> tuple[list[Any], int]:
    token = tokens[at]
    if token in ("{", "<"):
        message, at = _message(tokens, at + 1, depth + 1, "}" if token == "{" else ">")
        return [message], at
    if token == "[":
        if depth > MAX_DEPTH:
            raise LstmdiagError(f"nested more than {MAX_DEPTH} levels")
        values: list[Any] = []
        at += 1
        while at < len(tokens) and tokens[at] != "]":
            item, at = _value(tokens, at, depth + 1)
            values.extend(item)
            if at < len(tokens) and tokens[at] == ",":
                at += 1
        if at >= len(tokens):
            raise LstmdiagError("a [ that is never closed")
        return values, at + 1
    if token in _PUNCT:
        raise LstmdiagError(f"a value expected, not {token!r}")
    return [_scalar(token)], at + 1


def _scalar(token: str) -> Any:
    if token[:1] in "\"'":
        return token[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    if token in ("true", "True"):
        return True
    if token in ("false", "False"):
        return False
    try:
        return int(token, 0) if len(token) < 40 else token
    except ValueError:
        pass
    try:
        return float(token)
    except ValueError:
        return token  # an enum value (TYPE_FP32) or a name
