"""Findings and the report every output format renders."""

from __future__ import annotations

import functools
import shlex
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..model.spec import ModelSpec
from . import display


class Kind(str, Enum):
    """What is wrong (or noteworthy) about one array."""

    TIMESTEPS = "timesteps"
    FEATURES = "features"
    BATCH = "batch"
    DTYPE = "dtype"
    RAGGED = "ragged"
    VOCAB = "vocab"
    NON_FINITE = "non-finite"
    MASK_COLLISION = "mask-collision"
    PADDING = "padding"
    UNREADABLE = "unreadable"
    UNMAPPED = "unmapped"
    NOT_INPUT = "not-input"  # a target, a mask or lengths: listed, never checked as an input
    MISSING_INPUT = "missing-input"  # a model input that receives no data
    CARDINALITY = "cardinality"  # arrays that go together disagree on the number of samples
    NOT_TESTED = "not-tested"  # --verify: a finding it could not test
    KERAS = "keras"  # --verify: what real Keras did with the data
    # Shapes with another number of axes (these replace "rank", kept as an alias):
    MISSING_BATCH = "missing-batch"  # one sample without its batch axis
    EXTRA_AXIS = "extra-axis"  # an extra (usually size-1) axis
    MISSING_AXIS = "missing-axis"  # a 2-D table into a sequence model, a missing feature axis
    EMPTY = "empty"  # zero samples
    MODEL_STRUCTURE = "model-structure"  # the model's layers do not fit together
    TARGET = "target"  # targets/labels that do not fit the model's output
    UNKNOWN_RANK = "unknown-rank"
    INPUT_COUNT = "input-count"
    LAYOUT = "layout"  # batch-major data into a time-major input (ONNX)
    SIGNATURE = "signature"  # data the deployed signature refuses whole (an MLflow column spec)


# Old kind names still accepted by --ignore and the configuration (for one release).
ALIASES = {"rank": ("missing-batch", "extra-axis", "missing-axis", "empty")}
SHAPE_KINDS = frozenset(
    {"timesteps", "features", "batch", "missing-batch", "extra-axis", "missing-axis", "empty"}
)


def expand_kinds(names: list[str] | tuple[str, ...]) -> frozenset[str]:
    """Kind names with aliases expanded (``rank`` -> the three axis-count kinds)."""
    out: set[str] = set()
    for name in names:
        out.update(ALIASES.get(name, (name,)))
    return frozenset(out)


PATH_SLOT = "\x00"  # the path of a finding made once for many arrays: no path holds a NUL
QUOTED_SLOT = shlex.quote(PATH_SLOT)


def _filled(text: str, path: str, quoted: str) -> str:
    if PATH_SLOT not in text:
        return text
    return text.replace(QUOTED_SLOT, quoted).replace(PATH_SLOT, path)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Finding:
    kind: Kind
    severity: Severity
    path: str
    key: str | None
    input: str | None
    expected: tuple[int | None, ...] | None
    found: tuple[int | None, ...] | None
    message: str
    fix: str | None = None
    culprit: str = "data"  # "data" | "model": what the fix changes
    alternatives: tuple[tuple[str, str, str], ...] = ()  # (kind, fix, when) when unsure
    # The finding this one was filled in from (made once for PATH_SLOT, see for_path)
    template: Finding | None = field(default=None, compare=False, repr=False)

    def for_path(self, path: str) -> Finding:
        """This finding, made for an array at PATH_SLOT, for the array at ``path``: the slot
        filled in everywhere it is said (shell-quoted where it was quoted). Thousands of
        files of one shape share one finding made this way."""
        quoted = shlex.quote(path)
        # Built without __init__ (a frozen dataclass sets its 12 fields one by one: half the
        # cost per file on a large folder); the fields are those __init__ would set.
        new = object.__new__(Finding)
        fields = vars(new)
        fields.update(vars(self))
        fields["path"] = path
        fields["message"] = _filled(self.message, path, quoted)
        if self.fix is not None:
            fields["fix"] = _filled(self.fix, path, quoted)
        for _, f, w in self.alternatives:  # rebuilt only when one says the path
            if PATH_SLOT in f or PATH_SLOT in w:
                fields["alternatives"] = tuple(
                    (k, _filled(f, path, quoted), _filled(w, path, quoted))
                    for k, f, w in self.alternatives
                )
                break
        fields["template"] = self
        return new

    @property
    def label(self) -> str:
        return f"{self.path}:{self.key}" if self.key else self.path

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "culprit": self.culprit,
            "alternatives": [
                {"kind": k, "fix": fix, "when": when} for k, fix, when in self.alternatives
            ],
            "severity": self.severity.value,
            "path": self.path,
            "key": self.key,
            "input": self.input,
            "expected": None if self.expected is None else list(self.expected),
            "found": None if self.found is None else list(self.found),
            "message": self.message,
            "fix": self.fix,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        """The inverse of :meth:`to_dict` (``lstmdiag merge`` reads JSON reports back)."""
        return cls(
            Kind(d["kind"]),
            Severity(d["severity"]),
            d["path"],
            d.get("key"),
            d.get("input"),
            _dims(d.get("expected")),
            _dims(d.get("found")),
            d["message"],
            d.get("fix"),
            d.get("culprit", "data"),
            tuple((a["kind"], a["fix"], a["when"]) for a in d.get("alternatives", ())),
        )


@dataclass(frozen=True)
class FileResult:
    """One row of the report: one array (a file, an npz member or an h5 dataset)."""

    path: str
    key: str | None
    input: str | None
    shape: tuple[int | None, ...] | None
    dtype: str | None
    verdict: str  # "ok" | "warning" | "error" | "info" (not a model input: not checked)
    expected: tuple[int | None, ...] | None = None
    role: str = "input"  # see roles.Role

    @staticmethod
    def row(
        path: str,
        key: str | None,
        input: str | None,
        shape: tuple[int | None, ...] | None,
        dtype: str | None,
        verdict: str,
        expected: tuple[int | None, ...] | None,
        role: str,
    ) -> FileResult:
        """``FileResult(...)`` of every field, without the frozen __init__'s eight
        __setattr__ calls (one row per array of a large folder)."""
        new = object.__new__(FileResult)
        vars(new).update(
            path=path,
            key=key,
            input=input,
            shape=shape,
            dtype=dtype,
            verdict=verdict,
            expected=expected,
            role=role,
        )
        return new

    @property
    def label(self) -> str:
        return f"{self.path}:{self.key}" if self.key else self.path

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "key": self.key,
            "input": self.input,
            "shape": None if self.shape is None else list(self.shape),
            "dtype": self.dtype,
            "verdict": self.verdict,
            "expected": None if self.expected is None else list(self.expected),
            "role": self.role,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FileResult:
        return cls(
            d["path"],
            d.get("key"),
            d.get("input"),
            _dims(d.get("shape")),
            d.get("dtype"),
            d["verdict"],
            _dims(d.get("expected")),
            d.get("role", "input"),
        )


@dataclass(frozen=True)
class Summary:
    files: int
    ok: int
    warnings: int
    errors: int
    not_inputs: int = 0  # targets, masks, lengths: listed, not checked
    dataset_errors: int = 0  # errors about no single array (a model input without data)
    dataset_warnings: int = 0  # warnings about no single array (the model file itself)


@dataclass(frozen=True, repr=False)
class Report:
    model: ModelSpec
    files: tuple[FileResult, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()  # what was not checked (e.g. values without --deep)
    fail_on: Severity = Severity.ERROR
    inputs: tuple[str, ...] = ()  # the data paths as given (a grouped fix names them)
    shard: tuple[int, int] | None = None  # (I, N): only the I-th of N slices was checked

    @property
    def ok(self) -> bool:
        """No finding at or above ``fail_on`` (errors, by default): what exit code 0 means."""
        return self.exit_code(self.fail_on) == 0

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<Report {self.model.path!r}: {s.files} arrays, {s.ok} ok, {s.warnings} with "
            f"warnings, {s.errors} with errors{'' if self.ok else ' (not ok)'}>"
        )

    def _repr_html_(self) -> str | None:
        """Jupyter's view: a table of the arrays and their findings (None: the repr)."""
        return display.html(self)

    def __rich__(self) -> Any:
        """rich's view (``rich.print(report)``): the table ``lstmdiag check`` prints."""
        return display.rich(self)

    @functools.cached_property
    def summary(self) -> Summary:
        verdicts = [f.verdict for f in self.files]
        general = self.general()
        return Summary(
            files=len(verdicts),
            ok=verdicts.count("ok"),
            warnings=verdicts.count("warning"),
            errors=verdicts.count("error"),
            not_inputs=verdicts.count("info"),
            dataset_errors=sum(f.severity is Severity.ERROR for f in general),
            dataset_warnings=sum(f.severity is Severity.WARNING for f in general),
        )

    def general(self) -> list[Finding]:
        """Findings about no one array: a model input without data, the model file itself."""
        rows = {(f.path, f.key) for f in self.files}
        return [f for f in self.findings if (f.path, f.key) not in rows]

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        """0 when nothing at or above ``fail_on`` was found, else 1."""
        return int(any(f.severity.rank >= fail_on.rank for f in self.findings))

    def to_dict(self, lazy: bool = False) -> dict[str, Any]:
        """The ``--format json`` object; ``lazy``: the per-array lists left empty, for a
        writer that converts them one by one."""
        s = self.summary
        return {
            "model": self.model.to_dict(),
            "files": [] if lazy else [f.to_dict() for f in self.files],
            "findings": [] if lazy else [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
            "inputs": list(self.inputs),
            "shard": None
            if self.shard is None
            else {"index": self.shard[0], "count": self.shard[1]},
            "summary": {
                "files": s.files,
                "ok": s.ok,
                "warnings": s.warnings,
                "errors": s.errors,
                "not_inputs": s.not_inputs,
                "dataset_errors": s.dataset_errors,
                "dataset_warnings": s.dataset_warnings,
            },
        }


def _dims(value: Any) -> tuple[int | None, ...] | None:
    return None if value is None else tuple(value)
