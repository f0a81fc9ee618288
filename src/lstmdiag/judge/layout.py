"""How each array's axes are read before it is padded or its lengths counted: a batch of
sequences ``(batch, time, ...)``, one sequence ``(time, ...)`` without a batch axis, or no
sequence at all (copied unchanged). One rule for ``pad``, ``--maxlen auto`` and ``stats``.

Nothing is guessed: an array that can be read two ways is refused with both readings and the
flag that picks one, since padding the wrong axis silently destroys data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..data.info import ArrayInfo
from ..errors import LstmdiagError
from ..model.spec import InputSpec, ModelSpec, fmt_shape
from .roles import Assignment, Role, classify, time_axis

MAX_LISTED = 5


@dataclass(frozen=True)
class Placed:
    """One array and how it is read. ``pad`` False: copied unchanged, ``note`` says why."""

    info: ArrayInfo  # a single sequence is already a collection of one (info.single)
    role: Assignment
    input: InputSpec | None
    pad: bool
    note: str | None = None
    ambiguous: bool = False  # read two ways: skipped, ``note`` gives both readings


def _copy(info: ArrayInfo, role: Assignment, note: str, inp: InputSpec | None = None) -> Placed:
    return Placed(info, role, inp, False, note)


def _readings(info: ArrayInfo) -> str:
    """The competing readings of an ambiguous array, each with the flag that picks it."""
    shape = info.shape or ()
    what = f"{info.label} {fmt_shape(shape)} {info.dtype}"
    if len(shape) == 2:
        return (
            f"{what}: one sequence of {shape[0]} timesteps x {shape[1]} features "
            f"(--sequence-files), or {shape[0]} sequences of {shape[1]} timesteps with one "
            "feature each (--time-axis 1)"
        )
    return (
        f"{what}: {shape[0]} sequences of {shape[1]} timesteps of {fmt_shape(shape[2:])} frames "
        "(--time-axis 1, e.g. for ConvLSTM2D), or data with an extra axis to remove first "
        "(np.squeeze; `lstmdiag check` against the model says which)"
    )


def _without_model(info: ArrayInfo, role: Assignment, axis: int | None) -> Placed | str:
    """Placed, or the readings of an ambiguous array."""
    shape = info.shape or ()
    if info.ragged:
        return Placed(info, role, None, True)
    if (axis == 0 or (axis is None and role.sequence)) and len(shape) >= 1:
        return Placed(info.as_single_sequence(), role, None, True)
    if len(shape) < 2:
        return _copy(info, role, "no time axis")
    if axis == 1 or len(shape) == 3:
        return Placed(info, role, None, True)
    if len(shape) == 2 and np.dtype(info.dtype or "float32").kind in "biu":
        return Placed(info, role, None, True)  # token ids: (batch, time)
    return _readings(info)


def _with_model(
    model: ModelSpec, info: ArrayInfo, role: Assignment, axis: int | None
) -> Placed | str:
    inp = model.input_named(role.input or "")
    if inp is None:
        return _copy(info, role, "feeds no model input")
    if time_axis(model, inp) is None:
        return _copy(info, role, f"input '{inp.name}' has no time axis", inp)
    want = len(inp.shape)
    shape = info.shape or ()
    if info.ragged:
        single_rank = len(shape) - 1
        if single_rank != want - 1:
            return (
                f"{info.label}: sequences with {single_rank} axes; input '{inp.name}' takes "
                f"sequences shaped {fmt_shape(inp.shape[1:])}"
            )
        return Placed(info, role, inp, True)
    if len(shape) == want and axis != 0:
        return _features_agree(info, inp, shape[2:]) or Placed(info, role, inp, True)
    if len(shape) == want - 1 and axis != 1:
        wrong = _features_agree(info, inp, shape[1:])
        if wrong is not None and len(shape) == 2 and inp.shape[2:] == (1,):
            return (
                f"{wrong}. If it is {shape[0]} sequences of {shape[1]} timesteps with one "
                "feature each, add the feature axis first: x = x[..., None]"
            )
        if wrong is not None:
            return wrong
        return Placed(info.as_single_sequence(), role, inp, True)
    return (
        f"{info.label} {fmt_shape(shape)} has {len(shape)} axes; input '{inp.name}' takes "
        f"{want} {fmt_shape(inp.shape)}: fix the rank first (`lstmdiag check` says how)"
    )


def _features_agree(info: ArrayInfo, inp: InputSpec, rest: tuple[int | None, ...]) -> str | None:
    """None, or why the per-timestep shape cannot feed ``inp`` (padding cannot fix it)."""
    want = inp.shape[2:]
    if len(rest) == len(want) and all(w is None or r == w for r, w in zip(rest, want, strict=True)):
        return None
    return (
        f"{info.label} {fmt_shape(info.shape)}: each timestep is {fmt_shape(rest)}, input "
        f"'{inp.name}' takes {fmt_shape(want)}; padding cannot fix features"
    )


def place(
    infos: Sequence[ArrayInfo],
    model: ModelSpec | None,
    *,
    axis: int | None = None,
    mapping: dict[str, str] | None = None,
    skip_ambiguous: bool = False,
) -> list[Placed]:
    """Every usable array, placed; raises LstmdiagError naming every array that cannot be
    read safely, with its readings. ``axis``: 0 every array is one sequence, 1 batch-first,
    None decide from the model (or, without one, refuse what is ambiguous).
    ``skip_ambiguous``: such arrays are returned unpadded (``ambiguous``), unless all are."""
    roles = classify(model, infos, mapping)
    placed: list[Placed] = []
    refused: list[str] = []
    for info, role in zip(infos, roles, strict=True):
        if info.problem is not None:
            placed.append(_copy(info, role, info.problem))
            continue
        if role.role is not Role.INPUT:
            placed.append(_copy(info, role, f"a {role.role.value}"))
            continue
        result = (
            _without_model(info, role, axis)
            if model is None
            else _with_model(model, info, role, axis)
        )
        if isinstance(result, str):
            refused.append(result)
            if skip_ambiguous:
                placed.append(Placed(info, role, None, False, result, ambiguous=True))
        else:
            placed.append(result)
    if refused and not (skip_ambiguous and any(p.pad for p in placed)):
        listed = "; ".join(refused[:MAX_LISTED])
        more = f" (and {len(refused) - MAX_LISTED} more)" if len(refused) > MAX_LISTED else ""
        if model is None:
            raise LstmdiagError(
                f"cannot tell how to read {listed}{more}. Give --model MODEL to decide from "
                "its input"
            )
        raise LstmdiagError(f"cannot read as sequences for {model.path}: {listed}{more}")
    return placed
