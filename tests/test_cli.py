"""The command line end to end: formats, exit codes, errors, the README's examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import lstmdiag

from .conftest import DATA, MODELS, ROOT, run_cli


def test_inspect_json_shape() -> None:
    result = run_cli("inspect", MODELS / "k3/bidir_td.keras", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "path",
        "format",
        "keras_version",
        "model_class",
        "sequential",
        "inputs",
        "recurrent",
        "masking",
        "outputs",
        "signature",
        "notes",
        "submodels",
    }
    assert data["inputs"] == [
        {
            "name": "series",
            "shape": [None, 10, 8],
            "dtype": "float32",
            "axes": ["batch", "time", "features"],
        }
    ]
    (rnn,) = data["recurrent"]
    assert rnn == {
        "name": "bidirectional",
        "class_name": "LSTM",
        "wrapper": "Bidirectional",
        "units": 4,
        "input": "series",
        "inputs": ["series"],
        "input_shape": [None, 10, 8],
        "return_sequences": True,
        "stateful": False,
        "unroll": False,
        "go_backwards": False,
        "kernel_features": 8,
    }
    assert data["format"] == "keras" and data["model_class"] == "Functional"


def test_check_json_and_github_formats() -> None:
    model = MODELS / "k3/seq_fixed.keras"
    result = run_cli("check", model, DATA, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {
        "files": 7,
        "ok": 1,
        "warnings": 1,
        "errors": 5,
        "not_inputs": 0,
        "dataset_errors": 0,
        "dataset_warnings": 0,
    }
    short = next(f for f in data["findings"] if f["path"].endswith("short.npy"))
    assert short["kind"] == "timesteps" and short["expected"] == [None, 10, 8]
    assert short["found"] == [1, 4, 8] and short["fix"].startswith("lstmdiag pad ")
    github = run_cli("check", model, DATA, "--format", "github")
    lines = github.stdout.splitlines()
    assert sum(line.startswith("::error file=") for line in lines) == 5
    assert sum(line.startswith("::warning file=") for line in lines) == 1
    assert any(
        "short.npy,title=lstmdiag timesteps::wrong number of timesteps: 4 instead of 10" in line
        for line in lines
    )


def test_usage_and_model_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"PK\x03\x04 truncated zip")
    for args in (
        ["check", bad, DATA],
        ["inspect", tmp_path / "nope.h5"],
        ["check", MODELS / "k3/seq_fixed.keras"],
        ["check", MODELS / "k3/seq_fixed.keras", DATA, "--ignore", "nonsense"],
        ["pad", DATA, "--maxlen", "ten", "--out", tmp_path / "o"],
    ):
        result = run_cli(*args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, args


def test_quiet_prints_nothing() -> None:
    result = run_cli("check", MODELS / "k3/seq_fixed.keras", DATA / "short.npy", "-q")
    assert result.exit_code == 1 and result.stdout == ""


def test_entry_points_run() -> None:
    for cmd in (
        [sys.executable, "-m", "lstmdiag", "--version"],
        [str(Path(sys.executable).parent / "lstmdiag"), "--version"],
    ):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0 and proc.stdout.strip() == f"lstmdiag {lstmdiag.__version__}"


def test_every_subcommand_help_has_an_example() -> None:
    for command in ("inspect", "check", "pad"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0 and "Example: lstmdiag " + command in result.stdout


def test_lazy_exports_resolve() -> None:
    assert set(lstmdiag.__all__) == set(lstmdiag._EXPORTS) | {"__version__"}
    for name in lstmdiag._EXPORTS:
        assert getattr(lstmdiag, name) is not None


def test_readme_examples_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_readme.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
