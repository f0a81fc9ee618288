"""ModelSpec x ArrayInfo -> findings. Pure functions, apart from ``--deep`` value reads.

Conventions: axis 0 of an array is the batch, axis 1 the time axis (what ``model.predict``
takes); a ragged collection's items are sequences whose axis 0 is time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..data import discover
from ..data.info import ArrayInfo
from ..errors import LstmdiagError
from ..model.spec import InputSpec, ModelSpec
from ..text import plural
from .check_options import CheckOptions
from .dataset import dataset_problems
from .findings import (
    PATH_SLOT,
    SHAPE_KINDS,
    FileResult,
    Finding,
    Kind,
    Report,
    Severity,
    expand_kinds,
)
from .roles import Assignment, Role, classify, container, stem
from .shape_findings import (
    any_length,
    check_dtype,
    check_shape,
    finding,
    fixes_for,
    kept_in_all,
)
from .value_findings import deep_findings, skipped_value_checks, table_findings


# -- the whole run --------------------------------------------------------------------------
def _verdict(findings: list[Finding]) -> str:
    verdict = "ok"
    for f in findings:
        if f.severity is Severity.ERROR:
            return "error"
        if f.severity is Severity.WARNING:
            verdict = "warning"
    return verdict


def _file_result(
    model: ModelSpec, info: ArrayInfo, role: Assignment, these: list[Finding]
) -> FileResult:
    """The report's row for one array: its verdict, and the input it feeds."""
    inp = model.input_named(role.input) if role.role is Role.INPUT and role.input else None
    verdict = _verdict(these)
    if inp is None and verdict == "ok":
        verdict = "info"
    return FileResult.row(
        info.path,
        info.key,
        None if inp is None else role.input,
        info.shape,
        info.dtype,
        verdict,
        None if inp is None else inp.shape,
        role.role.value,
    )


def _unusable(info: ArrayInfo, inp: InputSpec | None) -> Finding:
    fix = (
        "np.save(path, np.stack(seqs).astype('float32')) — or pad the sequences first — to "
        "store a numeric array"
        if info.pickled
        else None
    )
    severity = Severity.INFO if info.skipped else Severity.ERROR
    return finding(info, inp, Kind.UNREADABLE, severity, str(info.problem), fix=fix)


def _not_fed(model: ModelSpec, info: ArrayInfo, role: Assignment) -> Finding:
    """A finding for an array that feeds no model input (never checked as one)."""
    names = ", ".join(i.name for i in model.inputs)
    if role.role is Role.INPUT:  # mapped by name to something the model does not have
        return finding(
            info,
            None,
            Kind.UNMAPPED,
            Severity.ERROR,
            f"mapped to '{role.input}', which is not a model input ({names})",
        )
    if role.role is not Role.UNKNOWN:
        return finding(
            info,
            None,
            Kind.NOT_INPUT,
            Severity.INFO,
            f"{role.role.value}: {role.reason}; not fed to the model, not checked against an "
            "input (--exclude to leave it out)",
        )
    multi = len(model.inputs) > 1
    return finding(
        info,
        None,
        Kind.UNMAPPED,
        Severity.WARNING if multi else Severity.INFO,
        "feeds no model input"
        + (
            f" (inputs: {names}); name the member after an input or use --input NAME=PATH"
            if multi
            else "; another member is named after the input"
        ),
    )


def _collection_message(inp: InputSpec, lengths: list[int]) -> tuple[str, bool]:
    """(what a collection of single sequences is, whether it is an error) for ``inp``."""
    t = inp.shape[1]
    lo, hi, n = min(lengths), max(lengths), len(lengths)
    span = f"{lo}" if lo == hi else f"{lo} to {hi}"
    text = (
        f"one of {plural(n, 'sequence')} of {span} timesteps, each saved without a batch "
        "axis: Keras takes one (batch, timesteps, ...) array, so they are padded and stacked"
    )
    return text + kept_in_all(lengths, t), t is not None or lo == hi


def collection_findings(
    model: ModelSpec, infos: list[ArrayInfo], roles: list[Assignment], options: CheckOptions
) -> dict[int, list[Finding]]:
    """One finding per member of a collection of single sequences (see roles._collections):
    the same message and the same pad fix for all, so the view shows them once."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, role in enumerate(roles):
        if role.sequence and role.input:
            groups.setdefault((role.input, container(infos[index])), []).append(index)
    out: dict[int, list[Finding]] = {}
    stacked = model.batch_major()  # the stack pad writes: (batch, time, ...)
    for (name, _), members in groups.items():
        inp = stacked.input_named(name)
        assert inp is not None
        lengths = [int((infos[i].shape or (0,))[0] or 0) for i in members]
        text, error = _collection_message(inp, lengths)
        original = model.input_named(name)
        if original is not None and original.time_major:
            text += (
                "; the model is time-major: pad writes each output (time, batch, features) "
                "with its int32 sequence_lens, so join them on axis 1 (or pad with --stack "
                "FILE.npy)"
            )
        kind = Kind.RAGGED if min(lengths) != max(lengths) else Kind.MISSING_BATCH
        for i in members:
            info = infos[i]
            fixes = replace(
                fixes_for(model, info, inp, options, model.is_masked(inp.name)),
                data=info.path,
            )
            found = finding(
                info,
                inp,
                kind,
                Severity.ERROR if error else Severity.WARNING,
                text,
                fix=fixes.pad(
                    inp.shape[1],
                    info.dtype or "float32",
                    longest=max(lengths),
                    reading="--sequence-files",
                ),
            )
            alternatives = (
                any_length(original or inp, inp.shape[1], model) if kind is Kind.RAGGED else ()
            )
            out[i] = [replace(found, alternatives=alternatives), *check_dtype(model, info, inp)]
    return out


def _array_findings(
    model: ModelSpec,
    info: ArrayInfo,
    role: Assignment,
    options: CheckOptions,
    collected: list[Finding] | None = None,
) -> list[Finding]:
    inp = model.input_named(role.input) if role.input and role.role is Role.INPUT else None
    if info.problem is not None:
        return [_unusable(info, inp)]
    if inp is None:
        return [_not_fed(model, info, role)]
    these = check_shape(model, info, inp, options) if collected is None else list(collected)
    shape_ok = not any(
        f.kind.value in SHAPE_KINDS - {"timesteps"}
        or (f.kind is Kind.DTYPE and f.severity is Severity.ERROR)  # text: no values to scan
        for f in these
    )
    # a dataset's element_spec has shapes, no values (they are not drawn from it)
    if options.deep and info.format != "spec" and (shape_ok or info.format in ("csv", "parquet")):
        try:
            if shape_ok:
                these.extend(deep_findings(model, info, inp, options))
            else:  # a table to window: what would stop `lstmdiag window`
                these.extend(table_findings(info, inp))
        except (OSError, ValueError, LstmdiagError) as exc:
            these.append(
                finding(info, inp, Kind.UNREADABLE, Severity.ERROR, f"values unreadable ({exc})")
            )
    return these


# A plain .npy's findings depend on its path only where they name it: the findings of one
# shape are made once per run for PATH_SLOT, then filled in per file (Finding.for_path).
_Memo = dict[tuple[Any, ...], list[Finding] | None]


def _shape_findings(
    model: ModelSpec, info: ArrayInfo, role: Assignment, options: CheckOptions, memo: _Memo
) -> list[Finding]:
    """``_array_findings`` for one array, shared between arrays that differ only by path:
    the common case of a folder of thousands of ``.npy`` files of a few shapes."""
    inp = model.input_named(role.input) if role.input and role.role is Role.INPUT else None
    if (
        inp is None
        or options.deep
        or info.format != "npy"
        or info.problem is not None
        or info.ragged
        or PATH_SLOT in info.path
        or (len(model.inputs) > 1 and stem(info) != inp.name)  # fixes name the file itself
    ):
        return _array_findings(model, info, role, options)
    key = (inp.name, info.shape, info.dtype, info.single)
    if key not in memo:  # made once, and kept only if it gives this array's own findings
        slot = ArrayInfo(
            PATH_SLOT, info.file, "npy", None, info.shape, info.dtype, single=info.single
        )
        shared = _array_findings(model, slot, role, options)
        direct = _array_findings(model, info, role, options)
        memo[key] = shared if [f.for_path(info.path) for f in shared] == direct else None
        return direct
    made = memo[key]
    if made is None:  # the model's own text holds the slot: each array on its own
        return _array_findings(model, info, role, options)
    return [f.for_path(info.path) for f in made]


def _dataset_findings(
    model: ModelSpec, infos: list[ArrayInfo], roles: list[Assignment]
) -> tuple[list[Finding], dict[int, list[Finding]]]:
    """Findings about no array (missing inputs, on the model file) and about several."""
    general: list[Finding] = []
    per_array: dict[int, list[Finding]] = {}
    for problem in dataset_problems(model, infos, roles):
        kind = Kind(problem.kind)
        inp = model.input_named(problem.input) if problem.input else None
        if not problem.arrays:
            general.append(
                Finding(
                    kind,
                    Severity.ERROR,
                    model.path,
                    None,
                    problem.input,
                    None if inp is None else inp.shape,
                    None,
                    problem.message,
                    problem.fix,
                )
            )
        for index in problem.arrays:
            info = infos[index]
            per_array.setdefault(index, []).append(
                finding(info, None, kind, Severity.ERROR, problem.message, fix=problem.fix)
            )
    return general, per_array


def mine(position: int, shard: tuple[int, int] | None) -> bool:
    """Whether array ``position`` (in the run's sorted order) is this shard's to check."""
    return shard is None or position % shard[1] == shard[0]


def check_arrays(
    model: ModelSpec,
    infos: list[ArrayInfo],
    options: CheckOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check every array against the model input it feeds, then the arrays together."""
    options = options or CheckOptions()
    infos = discover.drop_excluded(infos, options.exclude)
    roles = classify(model, infos, options.mapping)
    general, together = _dataset_findings(model, infos, roles)
    collected = collection_findings(model, infos, roles, options)
    general += [
        Finding(
            Kind.MODEL_STRUCTURE,
            Severity.WARNING,
            model.path,
            None,
            None,
            None,
            None,
            note.text,
            note.fix,
            culprit="model",
        )
        for note in model.notes
    ]
    ignored = expand_kinds(tuple(options.ignore))
    files: list[FileResult] = []
    findings: list[Finding] = []
    memo: _Memo = {}
    for index, (info, role) in enumerate(zip(infos, roles, strict=True)):
        if not mine(index, options.shard):
            continue
        if index in collected:
            these = _array_findings(model, info, role, options, collected[index])
        else:
            these = _shape_findings(model, info, role, options, memo)
        if index in together:
            these += together[index]
        if ignored:
            these = [f for f in these if f.kind.value not in ignored]
        findings.extend(these)
        files.append(_file_result(model, info, role, these))
        if progress is not None:
            progress(index + 1, len(infos))
    findings.extend(f for f in general if f.kind.value not in ignored)
    fed_inputs = {r.input for r in roles if r.role is Role.INPUT and r.input}
    notes = () if options.deep else skipped_value_checks(model, fed_inputs)
    return Report(
        model=model,
        files=tuple(files),
        findings=tuple(findings),
        notes=notes,
        inputs=options.inputs,
        shard=options.shard,
    )


def with_findings(report: Report, extra: list[Finding]) -> Report:
    """The report with ``extra`` findings added and the per-array verdicts recomputed."""
    findings = list(report.findings) + extra
    files = []
    for row in report.files:
        mine = [f for f in findings if f.path == row.path and f.key == row.key]
        verdict = _verdict(mine)
        if row.verdict == "info" and verdict == "ok":
            verdict = "info"
        files.append(
            FileResult(
                row.path,
                row.key,
                row.input,
                row.shape,
                row.dtype,
                verdict,
                row.expected,
                row.role,
            )
        )
    return Report(
        model=report.model,
        files=tuple(files),
        findings=tuple(findings),
        notes=report.notes,
        fail_on=report.fail_on,
        inputs=report.inputs,
        shard=report.shard,
    )
