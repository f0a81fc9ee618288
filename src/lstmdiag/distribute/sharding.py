"""Job-array runs: ``check --shard I/N`` checks one deterministic slice of the arrays, and
``lstmdiag merge`` puts the N JSON reports back into the report one run would have made.

Every shard reads every header (cheap) so the whole-dataset findings (a model input without
data, batch counts that differ) are the same in each; only the per-array work, where the
cost is (``--deep`` reads values), is sliced: array ``p`` in the run's order (the inputs as
given, folders walked sorted) belongs to shard ``p mod N``. Merging interleaves the shards'
rows back into that order, so a merged report equals an unsharded one finding for finding.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..data import remote
from ..errors import LstmdiagError
from ..judge.findings import FileResult, Finding, Report
from ..model.spec import ModelSpec


def expand_reports(paths: list[str]) -> list[str]:
    """The report files named: a URL prefix or glob (``s3://bucket/run/*.json``) stands for
    the objects it lists, as a shell glob does for local files."""
    out: list[str] = []
    for path in paths:
        if remote.is_url(path):
            out.extend(shown for shown, _ in remote.list_files(path, ("*.json",)))
        else:
            out.append(path)
    return out


def _read_text(path: str) -> str:
    if remote.is_url(path):
        try:
            with remote.RemoteFile(path).open() as fh:
                return bytes(fh.read()).decode("utf-8")
        except (OSError, UnicodeError):
            raise
        except Exception as exc:  # backends raise their own types
            raise OSError(remote.one_line(exc)) from None
    return Path(path).read_text(encoding="utf-8")


def read_reports(paths: list[str]) -> list[dict[str, Any]]:
    """The JSON reports ``check --format json`` wrote (files or URLs), or one clear error."""
    reports = []
    for path in paths:
        try:
            data = json.loads(_read_text(path))
        except FileNotFoundError:
            raise LstmdiagError(f"{path}: cannot read: no such file") from None
        except OSError as exc:
            raise LstmdiagError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except ValueError:
            raise LstmdiagError(f"{path}: not JSON (write reports with --format json)") from None
        if not isinstance(data, dict) or not {"model", "files", "findings"} <= set(data):
            raise LstmdiagError(f"{path}: not an lstmdiag check report")
        reports.append(data)
    return reports


def merge(reports: list[dict[str, Any]], names: list[str]) -> Report:
    """One report from the N shard reports of one run (any order; each shard exactly once)."""
    try:
        return _merge(reports, names)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LstmdiagError(
            f"cannot merge: a report is malformed ({type(exc).__name__}: {exc})"
        ) from None


def _merge(reports: list[dict[str, Any]], names: list[str]) -> Report:
    shards = [_shard_of(r, name) for r, name in zip(reports, names, strict=True)]
    count = shards[0][1]
    if any(n != count for _, n in shards):
        raise LstmdiagError("the reports come from runs split into different numbers of shards")
    seen = [i for i, _ in shards]
    missing = sorted(set(range(count)) - set(seen))
    doubled = sorted({i for i in seen if seen.count(i) > 1})
    if missing or doubled:
        parts = [f"shard {i}/{count} is missing" for i in missing]
        parts += [f"shard {i}/{count} is given twice" for i in doubled]
        raise LstmdiagError("cannot merge: " + "; ".join(parts))
    models = {json.dumps(r["model"], sort_keys=True) for r in reports}
    if len(models) > 1:
        raise LstmdiagError("cannot merge: the reports were checked against different models")
    by_index = dict(zip(seen, reports, strict=True))
    total = sum(len(r["files"]) for r in reports)
    if any(len(by_index[i]["files"]) != len(range(i, total, count)) for i in range(count)):
        raise LstmdiagError("cannot merge: the shards' sizes do not come from one run")
    files, findings = _interleave([by_index[i] for i in range(count)])
    first = reports[0]
    return Report(
        model=ModelSpec.from_dict(first["model"]),
        files=tuple(files),
        findings=tuple(findings),
        notes=tuple(dict.fromkeys(n for r in reports for n in r.get("notes", ()))),
        inputs=tuple(first.get("inputs", ())),
    )


def _shard_of(report: dict[str, Any], name: str) -> tuple[int, int]:
    shard = report.get("shard")
    if not isinstance(shard, dict):
        raise LstmdiagError(f"{name}: not a shard report (it was not run with --shard I/N)")
    return int(shard["index"]), int(shard["count"])


def _interleave(ordered: list[dict[str, Any]]) -> tuple[list[FileResult], list[Finding]]:
    """Rows back in the unsharded order (row p from shard p mod N), each followed by its own
    findings; then the whole-dataset findings, which every shard reported alike, once."""
    count = len(ordered)
    rows = [[FileResult.from_dict(f) for f in r["files"]] for r in ordered]
    own: dict[tuple[str, str | None], list[Finding]] = {}
    general: list[Finding] = []
    for report, shard_rows in zip(ordered, rows, strict=True):
        labels = {(f.path, f.key) for f in shard_rows}
        for item in report["findings"]:
            finding = Finding.from_dict(item)
            if (finding.path, finding.key) in labels:
                own.setdefault((finding.path, finding.key), []).append(finding)
            else:
                general.append(finding)
    files: list[FileResult] = []
    findings: list[Finding] = []
    for position in range(sum(len(r) for r in rows)):
        row = rows[position % count][position // count]
        files.append(row)
        findings.extend(own.get((row.path, row.key), []))
    findings.extend(dict.fromkeys(general))
    return files, findings
