"""Every output format counts what the exit code follows, and the last guard at the CLI edge
turns a bug into one line and a traceback file (issue "Hostile bytes, never a traceback")."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest

from lstmdiag import cli

from .conftest import DATA, MODELS, run_cli

CASES = {
    "one input missing": (MODELS / "k3/two_input.keras", ["audio.npy"]),
    "arrays in error": (MODELS / "k3/seq_fixed.keras", ["short.npy", "ok.npy"]),
    "all fine": (MODELS / "k3/seq_fixed.keras", ["ok.npy"]),
    "a model warning only": (MODELS / "k3/seq_fixed.keras", ["float64.npy"]),
}


def _data(tmp_path: Path, names: list[str]) -> list[str]:
    out = []
    for name in names:
        if name == "audio.npy":
            np.save(tmp_path / name, np.ones((2, 10, 8), np.float32))
        else:
            (tmp_path / name).write_bytes((DATA / name).read_bytes())
        out.append(str(tmp_path / name))
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_format_counts_the_errors_the_exit_code_follows(case: str, tmp_path: Path) -> None:
    model, names = CASES[case]
    data = _data(tmp_path, names)
    out = {
        f: run_cli("check", model, *data, "--format", f)
        for f in ("json", "junit", "github", "sarif", "table")
    }
    codes = {r.exit_code for r in out.values()}
    assert len(codes) == 1
    code = codes.pop()
    report = json.loads(out["json"].stdout)
    rows = {(f["path"], f["key"]) for f in report["files"]}
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    failing = len({(f["path"], f["key"]) for f in errors if (f["path"], f["key"]) in rows}) + sum(
        (f["path"], f["key"]) not in rows for f in errors
    )
    assert code == int(failing > 0)
    suites = ET.fromstring(out["junit"].stdout)
    assert int(suites.get("failures") or -1) == failing
    assert len(suites.findall(".//failure")) == failing
    github = out["github"].stdout.splitlines()
    assert sum(line.startswith("::error ") for line in github) == len(errors)
    assert re.search(rf"\b{failing} errors?\b", github[-1]), github[-1]
    sarif = json.loads(out["sarif"].stdout)["runs"][0]["results"]
    assert sum(r["level"] == "error" for r in sarif) == len(errors)
    assert re.search(rf"\b{failing} errors?\b", out["table"].stdout.splitlines()[-1])


def test_a_missing_input_is_a_failed_junit_case(tmp_path: Path) -> None:
    data = _data(tmp_path, ["audio.npy"])
    result = run_cli("check", MODELS / "k3/two_input.keras", *data, "--format", "junit")
    assert result.exit_code == 1
    (failure,) = ET.fromstring(result.stdout).findall(".//failure")
    assert failure.get("type") == "missing-input" and "'video'" in (failure.get("message") or "")


def test_swapped_arguments_are_named(tmp_path: Path) -> None:
    data = _data(tmp_path, ["ok.npy"])
    result = run_cli("check", data[0], str(MODELS / "k3/seq_fixed.keras"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {data[0]} is data and {MODELS / 'k3/seq_fixed.keras'} is a model: MODEL comes "
        f"first (lstmdiag check {MODELS / 'k3/seq_fixed.keras'} {data[0]})"
    )


def test_a_bug_is_one_line_and_a_traceback_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import lstmdiag.judge.checks

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug nobody found yet")

    monkeypatch.setattr(lstmdiag.judge.checks, "check_arrays", broken)
    data = _data(tmp_path, ["ok.npy"])
    monkeypatch.setattr(
        sys, "argv", ["lstmdiag", "check", str(MODELS / "k3/seq_fixed.keras"), *data]
    )
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    match = re.fullmatch(
        rf"lstmdiag: internal error: check on {re.escape(data[0])}: RuntimeError: a bug nobody "
        r"found yet; the traceback is in (\S+) \(please report it\)\n",
        err,
    )
    assert match, err
    saved = Path(match.group(1)).read_text()
    assert "Traceback (most recent call last)" in saved and "a bug nobody found yet" in saved
    Path(match.group(1)).unlink()


def test_a_data_path_that_does_not_exist_is_an_unusable_argument(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.npy")
    result = run_cli("check", str(MODELS / "k3/seq_fixed.keras"), missing)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {missing}: no such file or folder"
    assert result.stdout == ""


def test_a_bare_pad_takes_the_configured_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "x.npy", np.ones((2, 4, 8), np.float32))
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.lstmdiag]\nmodel = "{MODELS / "k3/seq_fixed.keras"}"\ninputs = ["x.npy"]\n'
        '[tool.lstmdiag.pad]\nout = "padded"\n'
    )
    result = run_cli("pad")
    assert result.exit_code == 0, result.output
    assert np.load(tmp_path / "padded" / "x.npy").shape == (2, 10, 8)  # the model's T


def test_bytes_a_name_could_not_decode_are_shown_as_escapes() -> None:
    """h5py hands undecodable name bytes over as lone surrogates, which no terminal can print
    (a fuzzer case: an .h5 model whose model_class lost a byte)."""
    from lstmdiag.text import visible

    assert visible("Functi\udcefnal\ud800") == "Functi\\xefnal\\ud800"
