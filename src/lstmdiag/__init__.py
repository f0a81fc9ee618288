"""lstmdiag: find and fix shape mismatches between a saved Keras model and its data.

The Python API returns the same objects the command line renders::

    import lstmdiag
    spec = lstmdiag.inspect_model("model.keras")
    report = lstmdiag.check("model.keras", ["data/"])
    assert report.exit_code() == 0
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

from .check import CheckOptions, check_arrays
from .errors import LstmdiagError
from .findings import FileResult, Finding, Kind, Report, Severity
from .model import ModelSpec, read_model


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
    from .data.discover import describe_paths

    spec = model if isinstance(model, ModelSpec) else read_model(model)
    infos = describe_paths([str(p) for p in inputs])
    return check_arrays(spec, infos, CheckOptions(deep=deep, mapping=dict(mapping or {})))


__all__ = [
    "CheckOptions",
    "FileResult",
    "Finding",
    "Kind",
    "LstmdiagError",
    "ModelSpec",
    "Report",
    "Severity",
    "__version__",
    "check",
    "inspect_model",
]
