"""Shared paths and helpers for the test suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lstmdiag.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
MODELS = FIXTURES / "models"
DATA = FIXTURES / "data"
CORPUS = ROOT.parent / "shared" / "corpus"
TRUTH: dict[str, Any] = json.loads((MODELS / "truth.json").read_text())


def run_keras_child(script: str, *args: object) -> str:
    """Run ``tests/SCRIPT`` (real Keras: TensorFlow may abort a process) on the CPU; its
    stdout's last line, after asserting it exited 0."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="-1", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).parent / script), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def run_cli(*args: str) -> Any:
    """Run the CLI in-process; stdout and stderr separated."""
    runner = CliRunner()
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def inspect_refuses(folder: Path, name: str, text: str) -> str:
    """A model folder holding only ``name`` (bytes of ``text``): inspect's one line, exit 2."""
    folder.mkdir()
    (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    result = run_cli("inspect", folder)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and str(folder) in result.output, result.output
    assert "Traceback" not in result.output
    return str(result.output)


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "expected.json").is_file():
        pytest.skip("../shared/corpus is absent")
    return CORPUS
