"""Findings that repeat, shown once: 957 files with the same cause are one entry with the range
of what was found, a few example paths and ONE fix for all of them. Machine formats keep one
record per array; only the human view groups.
"""

from __future__ import annotations

import glob
import os
import posixpath
import shlex
from dataclasses import dataclass

from ..judge.diagnosis import Diagnosis
from ..judge.findings import Finding, Kind, Report
from ..model.spec import fmt_shape
from ..text import plural

GROUP_AT = 3  # this many findings with one cause are shown as one entry
EXAMPLES = 3


@dataclass(frozen=True)
class FindingGroup:
    findings: tuple[Finding, ...]
    summary: str  # "957 arrays: 3-199 timesteps; the model takes exactly 10"
    fix: str | None  # one fix for all of them
    detail: str | None = None  # what is true of them all (else the first one's message)

    @property
    def first(self) -> Finding:
        return self.findings[0]


def _template(f: Finding) -> str | None:
    """The fix with this array's own path taken out, so equal causes compare equal."""
    if f.fix is None:
        return None
    text = f.fix
    for form in (shlex.quote(f.label), shlex.quote(f.path), f.label, f.path):
        text = text.replace(form, "{}")
    return text


def _key(f: Finding) -> tuple[object, ...]:
    head = f.message.split(":", 1)[0] if f.kind.value not in ("timesteps", "features") else ""
    return (f.kind, f.severity, f.input, f.expected, _template(f), head)


def _range(values: list[int]) -> str:
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _summary(findings: list[Finding]) -> str:
    f = findings[0]
    count = plural(len(findings), "array")
    expected = f.expected or ()
    shapes = [x.found for x in findings if x.found is not None]
    if f.kind.value == "timesteps" and len(expected) > 1 and all(len(s) > 1 for s in shapes):
        steps = [int(s[1] or 0) for s in shapes]
        return f"{count}: {_range(steps)} timesteps; the model takes exactly {expected[1]}"
    if f.kind.value == "features" and shapes and all(len(s) == len(expected) for s in shapes):
        last = [int(s[-1] or 0) for s in shapes]
        return f"{count}: {_range(last)} features; the model takes {expected[-1]}"
    return f"{count}: {f.message}"


def _detail(findings: list[Finding]) -> str | None:
    """For arrays of several lengths into a fixed T: what padding and truncating them keeps,
    in all (each one's own message speaks of that array alone)."""
    f = findings[0]
    expected = f.expected or ()
    if f.kind.value != "timesteps" or len(expected) < 2 or expected[1] is None:
        return None
    t = int(expected[1])
    shapes = [x.found for x in findings if x.found is not None and len(x.found) > 1]
    lengths = {int(s[1] or 0) for s in shapes}
    if len(lengths) < 2:
        return None
    total = sum(int(s[0] or 0) * int(s[1] or 0) for s in shapes)
    kept = sum(int(s[0] or 0) * min(int(s[1] or 0), t) for s in shapes)
    cut = sum(1 for s in shapes if int(s[1] or 0) > t)
    text = f"sequences of {_range(sorted(lengths))} timesteps; the model was built for exactly {t}."
    if cut and total:
        text += (
            f" Padding and truncating to {t} cuts {plural(cut, 'array')} and keeps {kept} of "
            f"{total} timesteps ({kept / total:.0%}) in all."
        )
    else:
        text += f" Padding to {t} cuts nothing."
    return text


def _one_fix(
    template: str | None, inputs: tuple[str, ...], unreadable: tuple[str, ...] = ()
) -> str | None:
    """One fix for every array of a group: the command run on the inputs as given. pad and
    window stop at an unreadable file, so those the run found are excluded by name."""
    if template is None:
        return None
    if "{}" not in template:
        return template  # a Python snippet: the same for each array
    if not inputs:
        return template.replace("{}", "DATA")
    fix = template.replace("{}", " ".join(shlex.quote(i) for i in inputs))
    if fix.startswith(("lstmdiag pad ", "lstmdiag window ")):
        fix += "".join(f" --exclude {shlex.quote(glob.escape(p))}" for p in unreadable)
    return fix


def group_findings(
    findings: list[Finding], inputs: tuple[str, ...]
) -> list[Finding | FindingGroup]:
    """Findings in their order, with those sharing one cause (kind, severity, input, expected
    shape, fix) merged into one group when there are GROUP_AT or more."""
    unreadable = tuple(dict.fromkeys(f.path for f in findings if f.kind is Kind.UNREADABLE))
    keys = [_key(f) for f in findings]
    buckets: dict[tuple[object, ...], list[Finding]] = {}
    for f, key in zip(findings, keys, strict=True):
        buckets.setdefault(key, []).append(f)
    out: list[Finding | FindingGroup] = []
    done: set[tuple[object, ...]] = set()
    for f, key in zip(findings, keys, strict=True):
        members = buckets[key]
        if len(members) < GROUP_AT:
            out.append(f)
            continue
        if key in done:
            continue
        done.add(key)
        fix = _one_fix(_template(f), inputs, unreadable)
        out.append(FindingGroup(tuple(members), _summary(members), fix, _detail(members)))
    return out


def _scheme(path: str) -> tuple[str, str]:
    """(``scheme://``, the rest) of a URL; ("", path) for a local path."""
    head, sep, rest = path.partition("://")
    return (head + sep, rest) if sep and "/" not in head else ("", path)


def common_base(paths: list[str]) -> str | None:
    """The folder (or URL prefix) every path is under, when there is one worth naming."""
    if len(paths) < 2:
        return None
    schemes = {_scheme(p)[0] for p in paths}
    if len(schemes) != 1:
        return None
    scheme = schemes.pop()
    rests = [_scheme(p)[1] for p in paths]
    try:  # URLs are /-separated whatever the OS; a local path is the OS's own
        base = posixpath.commonpath(rests) if scheme else os.path.commonpath(rests)
    except ValueError:
        return None
    if base in ("", ".", "/") or base in rests:
        return None
    return scheme + base


def relative(path: str, base: str | None) -> str:
    if base is None:
        return path
    if _scheme(base)[0]:
        return path[len(base) + 1 :] if path.startswith(base + "/") else path
    if path.startswith(base + os.sep):  # the common case, without relpath's two abspaths
        rest = path[len(base) + 1 :]
        if os.path.normpath(rest) == rest:
            return rest
    rel = os.path.relpath(path, base)
    return path if rel.startswith("..") else rel


def summary_text(report: Report) -> str:
    """One line every text format ends with: one count of errors, the one the exit code
    follows (arrays with errors, and errors about no one array)."""
    s = report.summary
    errors = s.errors + s.dataset_errors
    warnings = s.warnings + s.dataset_warnings
    text = (
        f"{plural(s.files, 'array')} checked: {s.ok} ok, {plural(warnings, 'warning')}, "
        f"{plural(errors, 'error')}"
    )
    if s.dataset_errors or s.dataset_warnings:
        about = s.dataset_errors + s.dataset_warnings
        text += f" ({about} about the model or the dataset as a whole)"
    if s.not_inputs:
        text += f"; {plural(s.not_inputs, 'array')} not fed to the model (not checked)"
    return text


def checked_line(report: Report) -> str:
    """The human views' last line: the counts, with the model and the inputs it takes."""
    model = report.model
    ins = ", ".join(f"{i.name} {fmt_shape(i.shape)}" for i in model.inputs)
    counts = summary_text(report).split(" checked: ", 1)[1]
    return f"{plural(report.summary.files, 'array')} checked against {model.path} [{ins}]: {counts}"


def shapes_said(d: Diagnosis) -> str | None:
    """What is known of the shapes: "Model expects (None, 10, 8), data is (None, 10, 5)"."""
    axis = "" if d.axis is None or d.axis < 0 else f" (axis {d.axis})"
    said = [f"Model expects {fmt_shape(d.expected)}"] if d.expected is not None else []
    said += [f"data is {fmt_shape(d.found)}"] if d.found is not None else []
    if not said:
        return None
    text = ", ".join(said) + axis
    return text[0].upper() + text[1:]


def culprit_said(d: Diagnosis) -> str:
    """Who is at fault, as the Cause line says it: the data, the model, or either."""
    if d.decides and d.alternatives and d.alternatives[0].culprit == d.culprit:
        return f"the {d.culprit}, in one of two ways: the evidence cannot say which"
    if d.decides:
        return "the data or the model: the evidence cannot say which"
    return "the model" if d.culprit == "model" else "the data"
