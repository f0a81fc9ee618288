"""``--format github``: GitHub Actions workflow commands, one annotation per finding."""

from __future__ import annotations

from ..judge.findings import Report, Severity
from ..text import visible
from .grouping import summary_text

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    """GitHub's own escapes for % CR LF, then any other control character made visible (an
    ESC from a file name must not reach the log's terminal)."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def check_github(report: Report) -> str:
    lines = []
    for f in report.findings:
        title = f"lstmdiag {f.kind.value}"
        message = f.message + (f" Fix: {f.fix}" if f.fix else "")
        lines.append(
            f"::{_LEVEL[f.severity]} file={_escape_property(f.path)},"
            f"title={_escape_property(title)}::{_escape_data(message)}"
        )
    lines.append(f"lstmdiag: {summary_text(report)}")
    return "\n".join(lines)
