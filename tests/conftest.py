"""Shared paths and helpers for the test suite."""

from __future__ import annotations

import json
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


def run_cli(*args: str) -> Any:
    """Run the CLI in-process; stdout and stderr separated."""
    runner = CliRunner()
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "expected.json").is_file():
        pytest.skip("../shared/corpus is absent")
    return CORPUS
