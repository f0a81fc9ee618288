"""Run `check` on a scenario as a user would, read every fix it prints, and apply each one
literally: commands are run as printed, Python snippets are executed on the array they name
(in a fresh interpreter, snippet_child.py). What comes out is handed to the judge."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from typer.testing import CliRunner

from lstmdiag.cli import app

from . import arrays
from .scenarios import Scenario

FIX = re.compile(r"^    fix: (.*)$")
ALT = re.compile(r"^    or, (.*?): (.*)$")


@dataclass
class Printed:
    """What one run of `check` printed."""

    code: int
    table: str
    report: dict[str, Any]
    fixes: list[str]  # the table's "fix:" lines, in order
    alternatives: list[str]  # the table's "or, WHEN: FIX" lines


@dataclass
class Applied:
    scenario: Scenario
    folder: Path
    model: str  # the model as given on the command line
    first: Printed
    outputs: list[str] = field(default_factory=list)  # what the fixes wrote (data args)
    untouched: list[str] = field(default_factory=list)  # original arrays no fix needed
    problems: list[str] = field(default_factory=list)
    snippet_jobs: list[dict[str, Any]] = field(default_factory=list)
    said: str = ""  # everything printed, to find what a fix announced it would lose


@contextlib.contextmanager
def cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def cli(args: list[str]) -> tuple[int, str]:
    """One lstmdiag command, in-process, wide enough that no line wraps."""
    runner = CliRunner(env={"COLUMNS": "400", "NO_COLOR": "1"})
    result = runner.invoke(app, args, catch_exceptions=True)
    text = result.stdout + (result.stderr if result.stderr_bytes else "")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text += f"\nTRACEBACK {type(result.exception).__name__}: {result.exception}"
        return 99, text
    return result.exit_code, text


def check(model: str, args: list[str], deep: bool) -> Printed:
    extra = ["--deep"] if deep else []
    code, table = cli(["check", model, *args, *extra, "-v"])
    _, text = cli(["check", model, *args, *extra, "--format", "json"])
    try:
        report = json.loads(text)
    except ValueError:
        report = {"findings": [], "files": [], "error": text}
    fixes, alts = [], []
    for line in table.splitlines():
        if m := FIX.match(line):
            fixes.append(m.group(1))
        elif m := ALT.match(line):
            alts.append(m.group(2))
    return Printed(code, table, report, fixes, alts)


def kind_of_fix(fix: str) -> str:
    """ "command", "python" or "prose": a fix is code only when it is code."""
    if fix.startswith("lstmdiag "):
        return "command"
    try:
        tree = ast.parse(fix)
    except SyntaxError:
        return "prose"
    if any(isinstance(n, ast.Assign | ast.AugAssign) for n in tree.body):
        return "python"
    return "prose"


def _outputs_of(argv: list[str]) -> list[str]:
    for flag in ("--out", "--stack"):
        if flag in argv:
            return [argv[argv.index(flag) + 1]]
    return []


def run_command(fix: str, applied: Applied) -> list[str]:
    argv = shlex.split(fix)[1:]
    code, text = cli(argv)
    applied.said += text
    if code != 0:
        applied.problems.append(f"fix failed as printed (exit {code}): {fix}\n{text[-600:]}")
        return []
    outs = _outputs_of(argv)
    for out in outs:
        if not Path(out).exists():
            applied.problems.append(f"fix wrote nothing at {out}: {fix}")
    return outs


def _array_ref(finding: dict[str, Any]) -> str:
    return finding["path"] + (f"::{finding['key']}" if finding.get("key") else "")


def apply_scenario(s: Scenario, folder: Path, model: str) -> Applied:
    """check, then every printed fix applied as printed (commands now, snippets queued)."""
    with cwd(folder):
        first = check(model, s.args, s.deep)
        applied = Applied(s, folder, model, first, said=first.table)
        if first.code == 99:
            applied.problems.append(f"check crashed:\n{first.table[-800:]}")
            return applied
        errors = [f for f in first.report["findings"] if f["severity"] == "error"]
        if s.warn:
            errors = [
                f
                for f in first.report["findings"]
                if f["severity"] == "warning" or (f["severity"] == "info" and f.get("fix"))
            ]
            if first.code != 0 or not errors:
                applied.problems.append(
                    f"expected a warning, check exit {first.code}:\n{first.table}"
                )
                return applied
        elif s.ok:
            if first.code != 0:
                applied.problems.append(f"fine data, check exit {first.code}:\n{first.table}")
            return applied
        if first.code != 1 and not s.warn:
            applied.problems.append(f"faulty data, check exit {first.code}:\n{first.table}")
            return applied
        pristine = folder.parent / f"{folder.name}.pristine"
        shutil.copytree(folder, pristine, symlinks=True)
        _apply_fixes(applied, errors)
        for i, alt in enumerate(first.alternatives):
            _try_alternative(applied, pristine, alt, i)
    return applied


def _apply_fixes(applied: Applied, errors: list[dict[str, Any]]) -> None:
    fixed_arrays: set[str] = set()
    for fix in dict.fromkeys(applied.first.fixes):
        if kind_of_fix(fix) == "command":
            applied.outputs += run_command(fix, applied)
    for n, f in enumerate(errors):
        fix = f.get("fix") or ""
        kind = kind_of_fix(fix) if fix else "none"
        if kind == "command":
            fixed_arrays.add(_array_ref(f))
        elif kind == "python":
            out = f"fixed/{n:03d}.npy"
            applied.snippet_jobs.append(
                {
                    "base": str(applied.folder),
                    "array": _array_ref(f),
                    "code": fix,
                    "out": str(applied.folder / out),
                }
            )
            applied.outputs.append(out)
            fixed_arrays.add(_array_ref(f))
    in_error = {_array_ref(f) for f in errors}
    for row in applied.first.report["files"]:
        ref = row["path"] + (f"::{row['key']}" if row.get("key") else "")
        if ref not in in_error and row["role"] == "input":
            applied.untouched.append(ref)


def _try_alternative(applied: Applied, pristine: Path, alt: str, index: int) -> None:
    """An alternative need not be right for this data, but it must run as printed."""
    kind = kind_of_fix(alt)
    if kind == "command":
        copy = applied.folder.parent / f"{applied.folder.name}.alt{index}"
        shutil.copytree(pristine, copy, symlinks=True)
        with cwd(copy):
            code, text = cli(shlex.split(alt)[1:])
        if code != 0:
            applied.problems.append(f"alternative failed as printed (exit {code}): {alt}\n{text}")
    elif kind == "python":
        first = next(
            (f for f in applied.first.report["findings"] if f["severity"] == "error"), None
        )
        if first is not None:
            out = applied.folder / f"alt{index}.npy"
            applied.snippet_jobs.append(
                {
                    "base": str(applied.folder),
                    "array": _array_ref(first),
                    "code": alt,
                    "out": str(out),
                    "alternative": True,
                }
            )


def run_child(script: str, args: list[str], expected: int, timeout: float) -> list[Any]:
    """A child script of this folder; its JSON lines, one per job (asserted)."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name(script)), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1"),
        check=False,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(results) == expected, proc.stderr[-3000:]
    return results


def run_snippets(jobs: list[dict[str, Any]], work: Path) -> list[dict[str, Any]]:
    """Every queued snippet in one fresh interpreter, each in its own namespace."""
    path = work / "snippets.json"
    path.write_text(json.dumps(jobs))
    return run_child("snippet_child.py", [str(path)], len(jobs), 600)


def load_array(ref: str, base: Path) -> np.ndarray:
    return arrays.load(str(base / ref))
