"""The Python API: the same objects the command line renders."""

from __future__ import annotations

from pathlib import Path

from .check import CheckOptions, check_arrays
from .data.discover import describe_paths
from .findings import Report
from .model import read_model
from .model.spec import ModelSpec
from .pad import PadOptions, PadResult, plan_pad, run_pad


def inspect_model(path: str | Path) -> ModelSpec:
    """Read a saved model statically (no TensorFlow): inputs, recurrent layers, masking."""
    return read_model(path)


def check(
    model: str | Path | ModelSpec,
    inputs: list[str | Path],
    *,
    deep: bool = False,
    mapping: dict[str, str] | None = None,
) -> Report:
    """Check data files or folders against a model; ``mapping`` maps data paths to inputs."""
    spec = model if isinstance(model, ModelSpec) else read_model(model)
    infos = describe_paths([str(p) for p in inputs])
    return check_arrays(spec, infos, CheckOptions(deep=deep, mapping=dict(mapping or {})))


def pad(
    inputs: list[str | Path],
    options: PadOptions,
    model: str | Path | ModelSpec | None = None,
) -> PadResult:
    """Write padded copies of ``inputs`` as ``options`` say (see ``lstmdiag pad --help``)."""
    spec = model if isinstance(model, ModelSpec) or model is None else read_model(model)
    paths = [str(p) for p in inputs]
    return run_pad(plan_pad(paths, describe_paths(paths), options, spec))
