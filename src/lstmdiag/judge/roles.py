"""What each array is: a model input, a target, a mask or lengths written by lstmdiag, or
unknown. Pure functions over headers (names, shapes, dtypes) and the model spec.

Every command decides this here, before anything is checked or padded: a label array fed to
the model input gives nonsense findings, and a pad that pads labels destroys them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from ..data.info import ArrayInfo
from ..model.spec import InputSpec, ModelSpec, Shape


class Role(str, Enum):
    INPUT = "input"
    TARGET = "target"
    MASK = "mask"
    LENGTHS = "lengths"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Assignment:
    """The role of one array, the model input it feeds (inputs only), and the evidence.
    ``sequence``: the array is ONE sequence (time, ...) without a batch axis, one of a
    collection of such arrays (a folder of recordings, the members of one .h5 or .npz)."""

    role: Role
    input: str | None
    reason: str
    sequence: bool = False


# Names people give labels: y, y_train, Y_test, labels, train_labels, targets, target_seq ...
_TARGET_NAME = re.compile(
    r"^(y|ys|y[_\-.].*|y(train|test|val|valid)|labels?|targets?|classes|"
    r".*[_\-.](y|labels?|targets?))$",
    re.IGNORECASE,
)
# What lstmdiag itself writes beside padded data: NAME.mask.npy, KEY_mask, mask; lengths alike.
_MASK_NAME = re.compile(r"^(.*[_.])?mask$", re.IGNORECASE)
_LENGTHS_NAME = re.compile(r"^(.*[_.])?lengths$", re.IGNORECASE)


_BY_OUTPUT = "shaped like the model's output"


def stem(info: ArrayInfo) -> str:
    """The array's own name: its npz member / last h5 path part, or the file name without
    its extension."""
    if info.key:
        return info.key.rsplit("/", 1)[-1]
    name = info.path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def time_axis(model: ModelSpec, inp: InputSpec) -> int | None:
    """The input's time axis (1) when it has one, else None.

    An input has a time axis when it is (batch, time, features...) — rank 3 or more — or when
    a rank-2 input feeds an Embedding (token ids: (batch, time)) or is a sequence layer's
    ``mask=`` (batch, time); an exported SavedModel has no
    layers to look at, so there an integer rank-2 input counts as token ids. A rank-2 float input
    (batch, features) feeds Dense-like layers: its axis 1 is features, never padded.
    """
    if inp.axes is not None:  # the format says (ONNX)
        return inp.axes.index("time") if "time" in inp.axes else None
    if len(inp.shape) >= 3:
        return 1
    if len(inp.shape) == 2 and any(e.input == inp.name for e in model.embeddings):
        return 1
    if len(inp.shape) == 2 and any(m.mask_input == inp.name for m in model.masking):
        return 1  # a (batch, time) mask passed as ``mask=`` to a sequence layer
    if len(inp.shape) == 2 and model.signature is not None and inp.dtype.startswith("int"):
        return 1  # an exported model records no layers: integer (batch, n) inputs are tokens
    return None


def axis_roles(model: ModelSpec, inp: InputSpec) -> tuple[str, ...]:
    """What each axis of ``inp`` is for the layers it feeds: batch, time, features."""
    if inp.axes is not None and len(inp.axes) == len(inp.shape):
        return inp.axes
    rest = len(inp.shape) - 1
    if rest < 0:
        return ()  # a scalar input (a damaged or odd file): no axes to name
    if rest == 0:
        return ("batch",)
    first = "time" if time_axis(model, inp) is not None else "features"
    return ("batch", first, *("features",) * (rest - 1))


def _fits(shape: Shape, want: Shape) -> bool:
    """Same rank, and every fixed non-batch axis equal."""
    return len(shape) == len(want) and all(
        w is None or s == w for s, w in zip(shape[1:], want[1:], strict=True)
    )


def _matches_output(info: ArrayInfo, model: ModelSpec) -> bool:
    if info.shape is None or info.ragged:
        return False
    for out in model.outputs:
        if out is None:
            continue
        if _fits(info.shape, out):
            return True
        # Keras takes (N,) targets for a (None, 1) output.
        if len(info.shape) == 1 and len(out) == 2 and out[1] == 1:
            return True
    return False


def _sidecar(info: ArrayInfo, name: str) -> Assignment | None:
    """Masks and lengths lstmdiag writes: recognised by name (``name``: its stem) and content."""
    shape, dtype = info.shape, info.dtype or ""
    if shape is None or info.ragged:
        return None
    if len(shape) == 2 and dtype in ("bool", "uint8", "int8") and _MASK_NAME.match(name):
        return Assignment(Role.MASK, None, f"a {dtype} (N, T) mask named '{name}'")
    if len(shape) == 1 and dtype[:3] in ("int", "uin") and _LENGTHS_NAME.match(name):
        return Assignment(Role.LENGTHS, None, f"integer sequence lengths named '{name}'")
    return None


def _by_name(info: ArrayInfo, name: str) -> Assignment | None:
    """A mask or lengths sidecar, or a target, by the array's stem ``name``."""
    return _sidecar(info, name) or _target_by_name(name)


def _target_by_name(name: str) -> Assignment | None:
    if _TARGET_NAME.match(name):
        return Assignment(Role.TARGET, None, f"a target/label by its name '{name}'")
    return None


def _bool_mask(info: ArrayInfo, inp: InputSpec) -> bool:
    """A boolean (N, T) array beside float data for a (batch, time, features) input."""
    return (
        info.dtype == "bool"
        and info.shape is not None
        and len(info.shape) == 2
        and len(inp.shape) >= 3
        and inp.dtype != "bool"
    )


def _explicit(info: ArrayInfo, mapping: dict[str, str]) -> str | None:
    for target, name in mapping.items():
        base = target.rstrip("/")
        if info.key and target == f"{info.path}:{info.key}":
            return name
        if info.path == base or info.path.startswith(base + "/"):
            return name
    return None


def one_sequence_fits(shape: Shape, inp: InputSpec) -> bool:
    """``shape`` reads as ONE sequence (time, ...) for ``inp``: one axis fewer than the input
    takes, the per-timestep axes as the input's (token ids: a 1-D array of ids)."""
    want = inp.shape[2:]
    rest = shape[1:]
    return (
        len(inp.shape) >= 2
        and len(shape) == len(inp.shape) - 1
        and len(rest) == len(want)
        and all(w is None or r == w for r, w in zip(rest, want, strict=True))
    )


def _could_feed(info: ArrayInfo, inp: InputSpec) -> bool:
    """The array can be read as data for ``inp``: a batch, or one sequence without its batch
    axis (a 1-D array is one sequence of a one-feature or token-id input)."""
    shape = info.shape
    if shape is None:
        return False
    if info.ragged or _fits(shape, inp.shape) or one_sequence_fits(shape, inp):
        return True
    return len(shape) == 1 and (len(inp.shape) == 2 or inp.shape[2:] == (1,))


def _by_shape(info: ArrayInfo, model: ModelSpec) -> list[InputSpec]:
    if info.shape is None:
        return []
    if info.ragged:  # a collection of sequences (time, ...): compare the per-sequence rank
        return [i for i in model.inputs if len(i.shape) == len(info.shape)]
    return [i for i in model.inputs if _fits(info.shape, i.shape)]


def classify(
    model: ModelSpec | None, infos: Sequence[ArrayInfo], mapping: dict[str, str] | None = None
) -> list[Assignment]:
    """The role of every array, in order. Evidence, strongest first: ``--input``, a name that
    is a model input, lstmdiag's own masks/lengths, target names, the model's output shape,
    a boolean mask's content, then the only input (one-input models) or a unique shape fit.
    Without a model only names speak: everything else is taken as (unnamed) input data."""
    mapping = mapping or {}
    if model is None:
        return _collections_without_model(
            infos,
            [_by_name(i, stem(i)) or Assignment(Role.INPUT, None, "") for i in infos],
        )
    names = {i.name for i in model.inputs}
    named_files = {i.path for i in infos if i.key is not None and stem(i) in names}
    memo: dict[tuple[object, ...], Assignment] = {}
    out = [
        _classify_one(model, info, mapping, names, info.path in named_files, memo) for info in infos
    ]
    out = _lone_candidates(model, infos, out)
    return _collections(model, infos, out)


def _lone_candidates(
    model: ModelSpec, infos: Sequence[ArrayInfo], roles: list[Assignment]
) -> list[Assignment]:
    """An array shaped like the model's output is a target only on evidence: another array
    that is the input's data, or a shape that cannot be the input's. The single array given
    for a single-input model is that input, whatever else its shape fits."""
    if len(model.inputs) != 1:
        return roles
    only = model.inputs[0]
    by_output = [a.reason == _BY_OUTPUT for a in roles]
    fed = any(a.role is Role.INPUT for a, out in zip(roles, by_output, strict=True) if not out)
    if fed:
        return roles
    return [
        Assignment(Role.INPUT, only.name, "the model's only input, and no other array feeds it")
        if out and _could_feed(info, only)
        else a
        for info, a, out in zip(infos, roles, by_output, strict=True)
    ]


def container(info: ArrayInfo) -> str:
    """What holds the array: its .npz/.h5 file, or a plain file's folder."""
    if info.key is not None:
        return info.path
    return info.path.rsplit("/", 1)[0] if "/" in info.path else ""


def _collections(
    model: ModelSpec, infos: Sequence[ArrayInfo], roles: list[Assignment]
) -> list[Assignment]:
    """Arrays that are each ONE sequence (time, ...) of an input, two or more in one folder
    or one container, are read as a collection of sequences by every command: never as
    tables to window, nor as separate inputs whose sample counts must agree."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, (info, a) in enumerate(zip(infos, roles, strict=True)):
        inp = model.input_named(a.input or "") if a.role is Role.INPUT else None
        if (
            inp is None
            or info.problem is not None
            or info.ragged
            or info.shape is None
            or info.format not in ("npy", "npz", "h5")
            or time_axis(model, inp) is None
            or not one_sequence_fits(info.shape, inp)
        ):
            continue
        groups.setdefault((inp.name, container(info)), []).append(index)
    out = list(roles)
    for (name, _), members in groups.items():
        inp = model.input_named(name)
        assert inp is not None
        if len(members) < 2 or _series(inp, [infos[i] for i in members]):
            continue
        for i in members:
            out[i] = replace(out[i], sequence=True)
    return out


def _collections_without_model(
    infos: Sequence[ArrayInfo], roles: list[Assignment]
) -> list[Assignment]:
    """Without a model: 2-D arrays, two or more in one folder or container, sharing axis 1
    and differing on axis 0, are sequences (time, features) of several lengths."""
    groups: dict[str, list[int]] = {}
    for index, (info, a) in enumerate(zip(infos, roles, strict=True)):
        shape = info.shape
        if (
            a.role is Role.INPUT
            and info.problem is None
            and not info.ragged
            and shape is not None
            and len(shape) == 2
            and info.format in ("npy", "npz", "h5")
        ):
            groups.setdefault(f"{container(info)}\0{shape[1]}", []).append(index)
    out = list(roles)
    for members in groups.values():
        if len({(infos[i].shape or (0,))[0] for i in members}) < 2:
            continue  # one length: (samples, timesteps) reads as well as (timesteps, features)
        for i in members:
            out[i] = replace(out[i], sequence=True)
    return out


SERIES_OVER = 4  # arrays this many times longer than the model's T are series to window


def _series(inp: InputSpec, members: list[ArrayInfo]) -> bool:
    """Most members are far longer than a fixed T: long series to cut into windows."""
    t = inp.shape[1]
    if t is None:
        return False
    long = sum(1 for i in members if i.shape and (i.shape[0] or 0) >= SERIES_OVER * t)
    return long * 2 > len(members)


def _classify_one(
    model: ModelSpec,
    info: ArrayInfo,
    mapping: dict[str, str],
    names: set[str],
    sibling_named: bool,
    memo: dict[tuple[object, ...], Assignment],
) -> Assignment:
    explicit = _explicit(info, mapping)
    if explicit is not None:
        return Assignment(Role.INPUT, explicit, "mapped by --input")
    name = stem(info)
    if name in names:
        return Assignment(Role.INPUT, name, f"named after input '{name}'")
    by_name = _by_name(info, name)
    if by_name is not None:
        return by_name
    # The rest reads only the header: thousands of files of a few shapes share the answer.
    key = (info.shape, info.dtype, info.ragged, info.problem is None, sibling_named)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _by_header(model, info, sibling_named)
    return found


def _by_header(model: ModelSpec, info: ArrayInfo, sibling_named: bool) -> Assignment:
    usable = info.problem is None  # shapes and dtypes of unreadable arrays prove nothing
    fitting = _by_shape(info, model) if usable else []
    if usable and not fitting and _matches_output(info, model):
        return Assignment(Role.TARGET, None, _BY_OUTPUT)
    if len(model.inputs) == 1:
        only = model.inputs[0]
        if usable and _bool_mask(info, only):
            return Assignment(Role.MASK, None, "a boolean (N, T) array: a mask, not features")
        if sibling_named:
            return Assignment(Role.UNKNOWN, None, "another member is named after the input")
        return Assignment(Role.INPUT, only.name, "the model's only input")
    if len(fitting) == 1:
        return Assignment(Role.INPUT, fitting[0].name, f"shaped for input '{fitting[0].name}'")
    return Assignment(Role.UNKNOWN, None, "feeds no model input by name or by shape")
