"""An MLflow model folder (``MLmodel``), read statically: the input schema MLflow enforces at
serving time (the signature's tensor or column specs), the saved input example's shape, and
the Keras model of the keras flavour (``data/model.keras``) read by the Keras readers and
cross-checked against the signature. No MLflow, no PyYAML: ``MLmodel`` is read by a small
parser of the YAML subset MLflow writes (block mappings and sequences, plain, quoted and
block scalars; a quoted scalar PyYAML wrapped over several lines is unfolded as YAML does).

Checked with mlflow-skinny 3.17.2 (``mlflow.models.utils._enforce_schema``, which
``PyFuncModel.predict`` runs): a tensor spec takes a numpy array of the same rank, each
fixed dim equal (-1: any size) and exactly its dtype (float64 into float32 is refused, not
cast); a column spec takes a pandas DataFrame with those columns and refuses a bare array."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import DAMAGED, LstmdiagError, one_line
from .spec import InputSpec, ModelSpec, Note, Shape, fmt_shape

MLMODEL = "MLmodel"
MAX_MLMODEL_BYTES = 4 << 20
MAX_EXAMPLE_BYTES = 8 << 20  # an example is a slice of the data: larger ones are not read
MAX_DEPTH = 64
# MLflow's column types (mlflow.types.DataType) as numpy names
COLUMN_TYPES = {
    "double": "float64", "float": "float32", "long": "int64", "integer": "int32",
    "boolean": "bool", "string": "object", "binary": "object", "datetime": "datetime64[ns]",
}  # fmt: skip
KERAS_FILES = ("model.keras", "model.h5", "model")  # under the flavour's data folder

ReadModel = Callable[[Path], ModelSpec]


def read(folder: Path, shown: str, read_model: ReadModel) -> ModelSpec:
    """The model in ``folder`` (which holds ``MLmodel``); ``read_model`` reads the Keras one."""
    try:
        meta = _load(folder / MLMODEL)
        signature = _signature(meta)
        inner, notes = _inner_keras(folder, meta, read_model)
        if signature is None and inner is None:
            raise LstmdiagError(
                "no signature and no Keras model lstmdiag can read: log it with signature=... "
                "or with the keras flavour"
            )
        inputs, sig_notes = _inputs(signature, inner)
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: not a readable MLflow model ({exc})") from None
    except DAMAGED as exc:
        raise LstmdiagError(f"{shown}: not a readable MLflow model ({one_line(exc)})") from None
    notes += sig_notes
    example, example_notes = _example(folder, meta, inputs)
    base = inner or _bare(shown, inputs)
    return replace(
        base,
        path=shown,
        # who judges the data: MLflow's schema when there is one, else the Keras model alone
        format="mlflow" if signature is not None else base.format,
        inputs=inputs,
        notes=base.notes + tuple(notes) + tuple(example_notes),
        example_shape=example,
        signature=None,
    )


def _bare(shown: str, inputs: tuple[InputSpec, ...]) -> ModelSpec:
    return ModelSpec.of_inputs(shown, "mlflow", "MLflow model", inputs)


def _load(path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    if size > MAX_MLMODEL_BYTES:
        raise LstmdiagError(f"a {size}-byte MLmodel is larger than lstmdiag reads")
    text = path.read_bytes().decode("utf-8")
    meta = parse_yaml(text)
    if not isinstance(meta, dict):
        raise LstmdiagError("MLmodel is not a YAML mapping")
    return meta


# -- the signature ----------------------------------------------------------------------------
def _signature(meta: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The signature's input specs (JSON in a YAML string), or None when there is none."""
    sig = meta.get("signature")
    if sig is None:
        return None
    if not isinstance(sig, dict):
        raise LstmdiagError("its signature is not a mapping")
    raw = sig.get("inputs")
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise LstmdiagError("signature.inputs is not a JSON string")
    specs = json.loads(raw)
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise LstmdiagError("signature.inputs is not a JSON list of specs")
    if not specs:
        raise LstmdiagError("signature.inputs is empty")
    return specs


def _inputs(
    specs: list[dict[str, Any]] | None, inner: ModelSpec | None
) -> tuple[tuple[InputSpec, ...], list[Note]]:
    if specs is None:
        assert inner is not None
        return inner.inputs, [
            Note(
                "the MLmodel has no signature: MLflow has no schema to check data against, "
                "so data is checked against its Keras model (data/), as Keras takes it",
                "log the model with signature=ModelSignature(...) so that MLflow refuses "
                "data of the wrong shape before the model sees it",
            )
        ]
    if all(s.get("type") == "tensor" for s in specs):
        inputs = tuple(_tensor(s, i, inner) for i, s in enumerate(specs))
        return inputs, _cross_check(inputs, inner)
    if any(s.get("type") == "tensor" for s in specs):
        raise LstmdiagError("its signature mixes tensor and column specs")
    return _columns(specs, inner)


def _tensor(spec: dict[str, Any], index: int, inner: ModelSpec | None) -> InputSpec:
    tensor = spec.get("tensor-spec")
    if not isinstance(tensor, dict):
        raise LstmdiagError(f"input {index} has no tensor-spec")
    dtype, shape = tensor.get("dtype"), tensor.get("shape")
    if not isinstance(dtype, str) or not isinstance(shape, list) or not shape:
        raise LstmdiagError(f"input {index}: a tensor-spec needs a dtype and a shape")
    dims: list[int | None] = []
    for d in shape:
        if not isinstance(d, int) or isinstance(d, bool) or not (d == -1 or 0 < d <= 1 << 62):
            raise LstmdiagError(f"input {index}: shape {str(shape)[:60]} is not a list of sizes")
        dims.append(None if d == -1 else d)
    name = spec.get("name")
    if not isinstance(name, str) or not name:  # unnamed: MLflow feeds it the whole array
        keras = inner.inputs if inner is not None else ()
        name = keras[index].name if index < len(keras) else f"input_{index}"
    return InputSpec(name, tuple(dims), dtype)


def _columns(
    specs: list[dict[str, Any]], inner: ModelSpec | None
) -> tuple[tuple[InputSpec, ...], list[Note]]:
    """A column signature: one (batch, n_columns) table of named columns."""
    names: list[str] = []
    types: list[str] = []
    for i, s in enumerate(specs):
        kind, name = s.get("type"), s.get("name", "")
        if not isinstance(kind, str) or not isinstance(name, str):
            raise LstmdiagError(f"column {i} has no type or a name that is not a string")
        names.append(name)
        types.append(COLUMN_TYPES.get(kind, kind[:40]))
    dtype = types[0] if len(set(types)) == 1 else "mixed"
    keras = inner.inputs[0] if inner is not None and inner.inputs else None
    want = (
        "(" + ", ".join(["-1", *("-1" if d is None else str(d) for d in keras.shape[1:])]) + ")"
        if keras
        else "(-1, T, F)"
    )
    note = Note(
        f"the signature is a table of {len(names)} columns: MLflow gives the model a 2-D pandas "
        "DataFrame, so no (batch, timesteps, features) sequence passes it",
        "log the model with a tensor signature: signature=ModelSignature(Schema("
        f"[TensorSpec(np.dtype('float32'), {want})]))",
    )
    columns = InputSpec("columns", (None, len(names)), dtype, columns=tuple(names))
    return (columns,), [note]


def _cross_check(inputs: tuple[InputSpec, ...], inner: ModelSpec | None) -> list[Note]:
    """The signature against the Keras model it serves: rank, fixed dims, dtype."""
    if inner is None:
        return []
    notes = []
    if len(inner.inputs) != len(inputs):
        notes.append(
            Note(
                f"the signature has {len(inputs)} input(s), the Keras model {len(inner.inputs)}",
                "log the model with one TensorSpec per Keras input",
            )
        )
    for sig, keras in zip(inputs, inner.inputs, strict=False):
        if _agrees(sig.shape, keras.shape) and sig.dtype == keras.dtype:
            continue
        want = "(" + ", ".join("-1" if d is None else str(d) for d in keras.shape) + ")"
        notes.append(
            Note(
                f"the signature's input {sig.name!r} is {fmt_shape(sig.shape)} {sig.dtype}, "
                f"the Keras model's {keras.name!r} is {fmt_shape(keras.shape)} {keras.dtype}: "
                "MLflow lets through data the model refuses, or refuses data it takes",
                "log the model again with the Keras input's spec: signature=ModelSignature("
                f"Schema([TensorSpec(np.dtype('{keras.dtype}'), {want})]))",
            )
        )
    return notes


def _agrees(sig: Shape, keras: Shape) -> bool:
    """Same rank and no dim the Keras model fixes that the signature leaves free or changes
    (a signature stricter than the model is fine)."""
    return len(sig) == len(keras) and all(
        k is None or s == k for s, k in zip(sig[1:], keras[1:], strict=True)
    )


# -- the Keras model and the input example ---------------------------------------------------
def _inner_keras(
    folder: Path, meta: dict[str, Any], read_model: ReadModel
) -> tuple[ModelSpec | None, list[Note]]:
    """The keras flavour's model (``data/model.keras`` from mlflow.keras.save_model; an
    exported SavedModel at ``data/model`` with save_exported_model=True), when present."""
    flavors = meta.get("flavors")
    flavor = flavors.get("keras") if isinstance(flavors, dict) else None
    if not isinstance(flavor, dict):
        return None, []
    data = flavor.get("data", "data")
    data_dir = folder / (data if isinstance(data, str) else "data")
    found = [data_dir / name for name in KERAS_FILES if (data_dir / name).exists()]
    if not found or folder.resolve() not in found[0].resolve().parents:
        return None, []
    try:
        return read_model(found[0]), []
    except LstmdiagError as exc:
        return None, [
            Note(
                f"its Keras model cannot be read ({exc}): only the signature is checked",
                "save the model again with mlflow.keras.save_model",
            )
        ]


def _example(
    folder: Path, meta: dict[str, Any], inputs: tuple[InputSpec, ...]
) -> tuple[Shape | None, list[Note]]:
    """The saved input example's shape (an ndarray example of one tensor input), and a Note
    when it does not fit the signature."""
    info = meta.get("saved_input_example_info")
    if not isinstance(info, dict) or info.get("type") != "ndarray" or len(inputs) != 1:
        return None, []
    name = info.get("artifact_path")
    path = folder / name if isinstance(name, str) else None
    try:
        if path is None or folder.resolve() not in path.resolve().parents:
            return None, []
        if path.stat().st_size > MAX_EXAMPLE_BYTES:
            return None, []
        value = json.loads(path.read_bytes())
        if isinstance(value, dict) and len(value) == 1:  # {"name": [...]}, {"inputs": [...]}
            value = next(iter(value.values()))
        shape = nested_shape(value)
    except (LstmdiagError, *DAMAGED) as exc:  # type: ignore[misc]  # a starred tuple
        text = str(exc) if isinstance(exc, LstmdiagError) else one_line(exc)
        return None, [Note(f"its input example {name} cannot be read ({text})", _RESAVE)]
    want = inputs[0].shape
    fits = len(shape) == len(want) and all(
        w is None or w == s for w, s in zip(want, shape, strict=True)
    )
    if fits:
        return shape, []
    return shape, [
        Note(
            f"its input example {name} is {fmt_shape(shape)}, which the signature "
            f"{fmt_shape(want)} refuses: MLflow's own check of the example fails",
            _RESAVE,
        )
    ]


_RESAVE = "save the model again with input_example=x[:2] (a slice of the data it takes)"


def nested_shape(value: Any) -> Shape:
    """The shape of nested JSON lists (rectangular, or an error), iteratively."""
    shape: list[int | None] = []
    level = [value]
    while all(isinstance(v, list) for v in level):
        sizes = {len(v) for v in level}
        if len(sizes) != 1:
            raise LstmdiagError("the example is ragged")
        shape.append(sizes.pop())
        if len(shape) > MAX_DEPTH:
            raise LstmdiagError(f"the example is nested more than {MAX_DEPTH} levels")
        level = [item for v in level for item in v]
        if not level:
            break
    if any(isinstance(v, list | dict) for v in level):
        raise LstmdiagError("the example is ragged")
    return tuple(shape)


# -- the YAML subset MLflow writes -------------------------------------------------------------
def parse_yaml(text: str) -> Any:
    """Block mappings and sequences by indentation, plain, single- and double-quoted scalars
    (unfolded over lines as YAML does) and ``|``/``>`` block scalars; ``{}``/``[]`` and JSON
    flow values. Anything else is an error, never code: no tags, no anchors."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = _skip(lines, 0)
    if start >= len(lines):
        return None
    value, end = _node(lines, start, _indent(lines[start]), 0)
    if _skip(lines, end) < len(lines):
        raise LstmdiagError(f"line {_skip(lines, end) + 1}: unexpected indentation")
    return value


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _skip(lines: list[str], i: int) -> int:
    """The next line that holds something (not blank, not a comment)."""
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
        i += 1
    return i


def _node(lines: list[str], i: int, indent: int, depth: int) -> tuple[Any, int]:
    if depth > MAX_DEPTH:
        raise LstmdiagError(f"nested more than {MAX_DEPTH} levels")
    if lines[i].lstrip().startswith(("- ", "-\t")) or lines[i].strip() == "-":
        return _sequence(lines, i, indent, depth)
    return _mapping(lines, i, indent, depth)


def _sequence(lines: list[str], i: int, indent: int, depth: int) -> tuple[list[Any], int]:
    out: list[Any] = []
    # an item's "- key: value" is rewritten in place as "  key: value" (the parser owns
    # ``lines`` and never reads a line twice): a copy per sequence is quadratic
    while i < len(lines) and _indent(lines[i]) == indent:
        body = lines[i].lstrip()
        if not (body.startswith(("- ", "-\t")) or body == "-"):
            break
        rest = body[1:].lstrip()
        if not rest:
            i = _skip(lines, i + 1)
            if i < len(lines) and _indent(lines[i]) > indent:
                value, i = _node(lines, i, _indent(lines[i]), depth + 1)
            else:
                value = None
        elif _key_split(rest) is not None:  # "- key: value": a mapping at the item's column
            lines[i] = " " * (len(lines[i]) - len(rest)) + rest
            value, i = _mapping(lines, i, _indent(lines[i]), depth + 1)
        else:
            value, i = _scalar(lines, i, len(lines[i]) - len(rest), indent)
        out.append(value)
        i = _skip(lines, i)
    return out, i


def _key_split(body: str) -> tuple[str, str] | None:
    """``key: rest`` (the key plain or quoted), or None when the line is no mapping entry."""
    if body[:1] in ("'", '"'):
        end = body.find(body[0], 1)
        if end < 0 or body[end + 1 : end + 2] != ":":
            return None
        key, after = body[1:end], body[end + 2 :]
    else:
        at = body.find(": ")
        if at < 0 and body.endswith(":"):
            at = len(body) - 1
        if at <= 0 or body[:1] in "[{|>&*!%@`":
            return None
        key, after = body[:at], body[at + 1 :]
    if after and not after[:1].isspace():
        return None
    return key.strip(), after.strip()


def _mapping(lines: list[str], i: int, indent: int, depth: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    while i < len(lines) and _indent(lines[i]) == indent:
        split = _key_split(lines[i].strip())
        if split is None:
            raise LstmdiagError(f"line {i + 1}: not a 'key: value' line")
        key, rest = split
        if not rest or rest.startswith("#"):
            j = _skip(lines, i + 1)
            nested = j < len(lines) and (
                _indent(lines[j]) > indent
                or (_indent(lines[j]) == indent and lines[j].lstrip().startswith("-"))
            )
            value, i = _node(lines, j, _indent(lines[j]), depth + 1) if nested else (None, i + 1)
        else:
            column = len(lines[i].rstrip()) - len(rest)
            value, i = _scalar(lines, i, column, indent)
        out[key] = value
        i = _skip(lines, i)
    return out, i


def _scalar(lines: list[str], i: int, column: int, indent: int) -> tuple[Any, int]:
    """The scalar that starts at ``lines[i][column:]``; the line after it."""
    first = lines[i][column:]
    if first[:1] in ("'", '"'):
        return _quoted(lines, i, column)
    if first[:1] in ("|", ">"):
        return _block(lines, i, first, indent)
    if first[:1] in ("&", "*", "!", "%", "@", "`"):
        raise LstmdiagError(f"line {i + 1}: YAML anchors, aliases and tags are not read")
    parts = [_uncomment(first)]
    j = i + 1
    while j < len(lines) and lines[j].strip() and _indent(lines[j]) > indent:
        if _key_split(lines[j].strip()) is not None:  # a plain scalar may not hold ": "
            raise LstmdiagError(f"line {j + 1}: unexpected indentation")
        parts.append(_uncomment(lines[j].strip()))  # a plain scalar folded over lines
        j += 1
    return _plain(" ".join(p for p in parts if p)), j


def _uncomment(text: str) -> str:
    at = text.find(" #")
    return (text if at < 0 else text[:at]).strip()


def _plain(text: str) -> Any:
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text.lower() == "true"
    if text in ("{}", "[]") or text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            raise LstmdiagError(f"a flow value YAML-only syntax: {text[:40]!r}") from None
    try:
        return int(text, 10) if len(text) < 40 else text
    except ValueError:
        pass
    try:
        return float(text) if len(text) < 40 else text
    except ValueError:
        return text


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "\\": "\\", "/": "/", " ": " "}
_HEX = {"x": 2, "u": 4, "U": 8}


def _quoted(lines: list[str], i: int, column: int) -> tuple[str, int]:
    """A quoted scalar, unfolded: one line break is a space, n empty lines n newlines, and
    (double quotes) a backslash before the break joins the lines. Read from a window of
    lines that doubles until the quote closes: linear in the scalar, not in the file."""
    span = 4
    while True:
        end = min(len(lines), i + span)
        found = _unquoted("\n".join(lines[i:end]), i, column)
        if found is not None:
            return found
        if end == len(lines):
            raise LstmdiagError(f"line {i + 1}: a quoted scalar that is never closed")
        span *= 2


def _unquoted(text: str, i: int, column: int) -> tuple[str, int] | None:
    """The scalar quoted at ``text[column]`` and the line after it; None if ``text`` ends
    first."""
    quote, at, out = text[column], column + 1, []
    while at < len(text):
        ch = text[at]
        if ch == quote and quote == "'" and text[at + 1 : at + 2] == "'":
            out.append("'")
            at += 2
        elif ch == quote:
            eol = text.find("\n", at)
            tail = text[at + 1 : len(text) if eol < 0 else eol].strip()
            if tail and not tail.startswith("#"):
                raise LstmdiagError(f"line {i + 1}: text after a closing quote")
            return "".join(out), i + text.count("\n", 0, at) + 1
        elif ch == "\\" and quote == '"':
            if at + 1 == len(text):  # an escaped line break at the window's end
                return None
            at = _escape(text, at, out)
        elif ch == "\n":
            breaks, at = _fold(text, at)
            while out and out[-1] in (" ", "\t"):
                out.pop()
            out.append(" " if breaks == 1 else "\n" * (breaks - 1))
        else:
            out.append(ch)
            at += 1
    return None


def _fold(text: str, at: int) -> tuple[int, int]:
    """At a line break inside quotes: (line breaks, position after the next lines' indent)."""
    breaks = 0
    while at < len(text) and text[at] in " \t\n":
        breaks += text[at] == "\n"
        at += 1
    return breaks, at


def _escape(text: str, at: int, out: list[str]) -> int:
    code = text[at + 1 : at + 2]
    if code == "\n":  # an escaped line break: the lines join, the next line's indent goes
        _, after = _fold(text, at + 1)
        return after
    if code in _ESCAPES:
        out.append(_ESCAPES[code])
        return at + 2
    if code in _HEX:
        digits = text[at + 2 : at + 2 + _HEX[code]]
        value = int(digits, 16) if len(digits) == _HEX[code] else -1
        if not 0 <= value <= 0x10FFFF:
            raise LstmdiagError(f"a bad escape \\{code}{digits}")
        out.append(chr(value))
        return at + 2 + _HEX[code]
    raise LstmdiagError(f"an unknown escape \\{code}")


def _block(lines: list[str], i: int, header: str, indent: int) -> tuple[str, int]:
    """A ``|`` (literal) or ``>`` (folded) block scalar, with its chomping indicator."""
    flags = _uncomment(header)[1:]
    if any(c not in "+-123456789" for c in flags):
        raise LstmdiagError(f"line {i + 1}: a bad block scalar header {header[:20]!r}")
    j, body = i + 1, []
    while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > indent):
        body.append(lines[j])
        j += 1
    while body and not body[-1].strip():  # trailing blank lines: kept only under "+"
        body.pop()
        j -= 1 if "+" not in flags else 0
    content = [b for b in body if b.strip()]
    cut = min((_indent(b) for b in content), default=0)
    rows = [b[cut:] for b in body]
    text = "\n".join(rows) if header[0] == "|" else _fold_rows(rows)
    return text + ("" if "-" in flags or not rows else "\n"), j


def _fold_rows(rows: list[str]) -> str:
    out = ""
    for row in rows:
        if not row.strip():
            out += "\n"
        elif out and not out.endswith("\n") and not row.startswith(" "):
            out += " " + row
        else:
            out += row
    return out
