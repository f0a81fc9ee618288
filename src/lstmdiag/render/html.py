"""Results as HTML, for Jupyter (``Report._repr_html_``, ``Diagnosis._repr_html_``).

Every string is escaped: a file named ``<img src=x onerror=…>.npy`` is shown as its name,
never run as markup; control characters are made visible first (see lstmdiag.text).
"""

from __future__ import annotations

from html import escape

from ..judge.diagnosis import Diagnosis
from ..judge.findings import Finding, Report, Severity
from ..model.spec import Shape, fmt_shape
from ..text import visible
from .grouping import checked_line, culprit_said, shapes_said

MANY_ROWS = 20  # past this many arrays only those with a problem are listed (as in the CLI)
MAX_ROWS = 200  # a notebook cell holds no more rows than this
HEADER = ("array", "shape", "verdict", "finding", "message", "fix")
_COLOUR = {"ok": "green", "warning": "darkorange", "error": "red", "info": "teal"}


def shown(text: object) -> str:
    """``text`` as HTML that displays it exactly."""
    return escape(visible(text), quote=True)


def to_html(result: Report | Diagnosis) -> str:
    """The HTML view of a report or a diagnosis."""
    return report_html(result) if isinstance(result, Report) else diagnosis_html(result)


def report_html(report: Report) -> str:
    """A table of the arrays (array, shape, verdict, finding, message, fix), the notes and
    the summary line ``lstmdiag check`` ends with."""
    rows = _rows(report)
    more = len(rows) - MAX_ROWS
    head = "".join(f"<th>{h}</th>" for h in HEADER)
    parts = ['<div class="lstmdiag-report">']
    if rows:
        body = "\n".join(rows[:MAX_ROWS])
        parts.append(
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
        )
    if more > 0:
        parts.append(f"<p>… {more} more rows (<code>report.findings</code> holds them all)</p>")
    parts.extend(f"<p>note: {shown(note)}</p>" for note in report.notes)
    s = report.summary
    colour = "red" if s.errors or s.dataset_errors else "green"
    parts.append(f'<p style="color:{colour}"><strong>{shown(checked_line(report))}</strong></p>')
    parts.append("</div>")
    return "\n".join(parts)


def _rows(report: Report) -> list[str]:
    """One row per finding (an array without one: one row with its verdict); then the
    findings about no one array. Info findings are left out, as the CLI does."""
    shown_findings: dict[tuple[str, str | None], list[Finding]] = {}
    for f in report.findings:
        if f.severity is not Severity.INFO:
            shown_findings.setdefault((f.path, f.key), []).append(f)
    files = list(report.files)
    if len(files) > MANY_ROWS:
        files = [r for r in files if r.verdict in ("error", "warning")]
    rows: list[str] = []
    for row in files:
        findings: list[Finding | None] = [*shown_findings.get((row.path, row.key), [])]
        rows.extend(_row(row.label, row.shape, row.verdict, f) for f in findings or [None])
    rows.extend(_row(f.label, f.found, f.severity.value, f) for f in report.general())
    return rows


def _row(label: str, shape: Shape | None, verdict: str, f: Finding | None) -> str:
    shape_text = "—" if shape is None else fmt_shape(shape)
    cells = [
        f"<td><code>{shown(label)}</code></td>",
        f"<td>{shown(shape_text)}</td>",
        f'<td style="color:{_COLOUR.get(verdict, "inherit")}">{shown(verdict)}</td>',
    ]
    if f is None:
        cells += ["<td></td>"] * 3
    else:
        cells += [
            f"<td>{shown(f.severity.value)} {shown(f.kind.value)}</td>",
            f"<td>{shown(f.message)}</td>",
            f"<td>{_fix_cell(f)}</td>",
        ]
    return "<tr>" + "".join(cells) + "</tr>"


def _fix_cell(f: Finding) -> str:
    lines = [f"<code>{shown(f.fix)}</code>"] if f.fix else []
    lines += [f"or, {shown(when)}: <code>{shown(fix)}</code>" for _, fix, when in f.alternatives]
    return "<br>".join(lines)


def diagnosis_html(d: Diagnosis) -> str:
    """Title, cause, what the shapes were, the fix (a code block), and each alternative with
    when it is the one."""
    parts = [
        '<div class="lstmdiag-diagnosis">',
        f'<p><strong>lstmdiag: <span style="color:red">{shown(d.title)}</span></strong>'
        f" <small>({shown(d.kind)})</small></p>",
        f"<p>Cause ({shown(culprit_said(d))}): {shown(d.cause)}</p>",
    ]
    said = shapes_said(d)
    if said is not None:
        parts.append(f"<p>{shown(said)}</p>")
    first = f"Fix, {shown(d.when)}:" if d.when else "Fix:"
    parts.append(f"<p>{first}</p>\n<pre><code>{shown(d.fix)}</code></pre>")
    for alt in d.alternatives:
        when = f"Or, {shown(alt.why)}:" if alt.why else "Or:"
        parts.append(f"<p>{when}</p>\n<pre><code>{shown(alt.fix)}</code></pre>")
    if d.decides:
        parts.append(f"<p>What decides: {shown(d.decides)}</p>")
    parts.append("</div>")
    return "\n".join(parts)
