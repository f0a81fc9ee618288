"""Whole-dataset checks: what Keras raises at ``fit``/``predict`` about the arrays together,
not about any one of them. Pure functions over headers and roles.

- Every model input receives data (Keras 3: ``Missing data for input "NAME"``).
- The arrays that go together agree on the number of samples (Keras: ``Data cardinality is
  ambiguous``): the inputs and targets of one ``.npz`` or ``.h5``, and the inputs fed from
  separate files; for per-file layouts (one folder per input), the files pair up by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..data.info import ArrayInfo
from ..model.spec import InputSpec, ModelSpec, fmt_shape
from .keras_says import on_missing_input
from .roles import Assignment, Role


@dataclass(frozen=True)
class DatasetProblem:
    """One whole-dataset problem; ``arrays`` are the indices it concerns (empty: none)."""

    kind: str  # "missing-input" | "cardinality"
    input: str | None
    arrays: tuple[int, ...]
    message: str
    fix: str | None


def _count(info: ArrayInfo, inp: InputSpec | None = None) -> int | None:
    """Samples in the array: its batch axis (axis 1 of a time-major input's array)."""
    if info.problem is not None or info.shape is None:
        return None
    if inp is not None and inp.time_major and not info.ragged and len(info.shape) > 1:
        return info.shape[1]
    return info.sequences


def missing_inputs(
    model: ModelSpec, roles: Sequence[Assignment], in_memory: bool = False
) -> list[DatasetProblem]:
    fed = {a.input for a in roles if a.role is Role.INPUT}
    # A subclassed root may feed only some of its sub-models: one no data reaches is not
    # reported, a sub-model with some of its inputs fed and others not is.
    unfed = {
        i.name
        for _, sub in model.submodels
        if not any(i.name in fed for i in sub.inputs)
        for i in sub.inputs
    }
    out = []
    for inp in model.inputs:
        if inp.name in fed or inp.name in unfed:
            continue
        out.append(_unfed(model, inp.name, fmt_shape(inp.shape), in_memory))
    return out


def _unfed(model: ModelSpec, name: str, shape: str, in_memory: bool) -> DatasetProblem:
    if in_memory:  # the Python API: the arrays were given as fit takes them
        names = [i.name for i in model.inputs]
        return DatasetProblem(
            "missing-input",
            name,
            (),
            f"model input '{name}' {shape} receives no data: the model takes "
            f"{len(names)} inputs ({', '.join(names)}) and no array was given for it",
            "pass one array per input, in the model's input order (a list: "
            f"[{', '.join(f'{n}_x' for n in names)}]), or a dict keyed by input name "
            f"({{{', '.join(repr(n) + ': ...' for n in names)}}})",
        )
    return DatasetProblem(
        "missing-input",
        name,
        (),
        f"model input '{name}' {shape} receives no data: no array is named after it or "
        f"mapped to it, so {on_missing_input(model, name)}",
        f"--input {name}=PATH (a file, a folder, or FILE.npz:member)",
    )


def _container_groups(infos: Sequence[ArrayInfo], roles: Sequence[Assignment]) -> list[list[int]]:
    """Inputs and targets that share one .npz or .h5 file."""
    groups: dict[str, list[int]] = {}
    for index, (info, role) in enumerate(zip(infos, roles, strict=True)):
        if info.key is not None and role.role in (Role.INPUT, Role.TARGET) and not role.sequence:
            groups.setdefault(info.path, []).append(index)
    return [g for g in groups.values() if len(g) > 1]


def _disagree(counts: dict[int, int | None]) -> bool:
    return len(set(counts.values()) - {None}) > 1


def cardinality(
    model: ModelSpec, infos: Sequence[ArrayInfo], roles: Sequence[Assignment]
) -> list[DatasetProblem]:
    out = []
    for group in _container_groups(infos, roles):
        counts = {i: _count(infos[i], model.input_named(roles[i].input or "")) for i in group}
        if _disagree(counts):
            sizes = ", ".join(f"{infos[i].key} {n}" for i, n in counts.items() if n is not None)
            out.append(
                DatasetProblem(
                    "cardinality",
                    None,
                    tuple(group),
                    f"the arrays of {infos[group[0]].path} disagree on the number of samples "
                    f'({sizes}); Keras raises "Data cardinality is ambiguous"',
                    "give every input and target the same number of samples, in the same order",
                )
            )
    out.extend(_across_files(model, infos, roles))
    return out


def _across_files(
    model: ModelSpec, infos: Sequence[ArrayInfo], roles: Sequence[Assignment]
) -> list[DatasetProblem]:
    """Inputs fed from separate files: the same number of samples, and per-file layouts
    (several files per input) paired file by file, by name."""
    per_input: dict[str, list[int]] = {}
    shared = {infos[i].path for g in _container_groups(infos, roles) for i in g}
    for index, (info, role) in enumerate(zip(infos, roles, strict=True)):
        if role.role is Role.INPUT and role.input and info.path not in shared:
            per_input.setdefault(role.input, []).append(index)
    if any(roles[i].sequence for members in per_input.values() for i in members):
        return []  # one sequence per array: each array is one sample, paired by name below
    if len(per_input) < 2:
        return []
    names = [i.name for i in model.inputs if i.name in per_input]
    lists = [per_input[n] for n in names]
    out: list[DatasetProblem] = []
    if len({len(x) for x in lists}) > 1:
        numbers = ", ".join(f"{n} {len(per_input[n])}" for n in names)
        everything = tuple(i for x in lists for i in x)
        return [
            DatasetProblem(
                "cardinality",
                None,
                everything,
                f"the inputs come from different numbers of arrays ({numbers}): they cannot "
                "be paired sample by sample",
                "give each input the same files (same names, same order), or one .npz per batch",
            )
        ]
    spec = {n: model.input_named(n) for n in names}
    for position, group in enumerate(zip(*lists, strict=True)):
        stems = {_file_stem(infos[i]) for i in group}
        counts = {_count(infos[i], spec[n]) for n, i in zip(names, group, strict=True)} - {None}
        if len(lists[0]) > 1 and len(stems) > 1:
            out.append(
                DatasetProblem(
                    "cardinality",
                    None,
                    tuple(group),
                    f"file {position + 1} of each input has a different name ("
                    + ", ".join(f"{n}: {infos[i].path}" for n, i in zip(names, group, strict=True))
                    + "): the inputs would be paired out of order",
                    "name each input's files alike (audio/0001.npy with video/0001.npy)",
                )
            )
        elif len(counts) > 1:
            sizes = ", ".join(
                f"{n} {_count(infos[i], spec[n])}" for n, i in zip(names, group, strict=True)
            )
            out.append(
                DatasetProblem(
                    "cardinality",
                    None,
                    tuple(group),
                    f"the inputs disagree on the number of samples ({sizes}); Keras raises "
                    '"Data cardinality is ambiguous"',
                    "give every input the same number of samples, in the same order",
                )
            )
    return out


def _file_stem(info: ArrayInfo) -> str:
    name = info.path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] + (f":{info.key}" if info.key else "")


def dataset_problems(
    model: ModelSpec, infos: Sequence[ArrayInfo], roles: Sequence[Assignment]
) -> list[DatasetProblem]:
    in_memory = bool(infos) and all(i.in_memory for i in infos)
    return missing_inputs(model, roles, in_memory) + cardinality(model, infos, roles)
