"""lstmdiag: find and fix shape mismatches between a saved Keras model and its data.

The Python API returns the same objects the command line renders::

    import lstmdiag
    spec = lstmdiag.inspect_model("model.keras")
    report = lstmdiag.check("model.keras", ["data/"])
    assert report.exit_code() == 0

Names are imported on first use, so ``import lstmdiag`` (and the CLI's start-up) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .display import register_renderers as _register_renderers

__version__ = "0.1.0"

_EXPORTS = {
    "CheckOptions": "lstmdiag.judge.check_options",
    "check_arrays": "lstmdiag.judge.checks",
    "LstmdiagError": "lstmdiag.errors",
    "FileResult": "lstmdiag.judge.findings",
    "Finding": "lstmdiag.judge.findings",
    "Kind": "lstmdiag.judge.findings",
    "Report": "lstmdiag.judge.findings",
    "Severity": "lstmdiag.judge.findings",
    "ModelSpec": "lstmdiag.model.spec",
    "read_model": "lstmdiag.model",
    "PadOptions": "lstmdiag.transform.pad_plan",
    "PadResult": "lstmdiag.transform.pad_plan",
    "inspect_model": "lstmdiag.api",
    "check": "lstmdiag.api",
    "merge": "lstmdiag.api",
    "pad": "lstmdiag.api",
    "assert_compatible": "lstmdiag.api",
    "window": "lstmdiag.api",
    "explain_exception": "lstmdiag.live_errors",
    "load_ipython_extension": "lstmdiag.notebook",
    "unload_ipython_extension": "lstmdiag.notebook",
    "windows": "lstmdiag.transform.window_plan",
    "WindowOptions": "lstmdiag.transform.window_plan",
    "WindowResult": "lstmdiag.transform.window_plan",
}

if TYPE_CHECKING:
    from .api import assert_compatible, check, inspect_model, merge, pad, window
    from .errors import LstmdiagError
    from .judge.check_options import CheckOptions
    from .judge.checks import check_arrays
    from .judge.findings import FileResult, Finding, Kind, Report, Severity
    from .live_errors import explain_exception
    from .model import read_model
    from .model.spec import ModelSpec
    from .notebook import load_ipython_extension, unload_ipython_extension
    from .transform.pad_plan import PadOptions, PadResult
    from .transform.window_plan import WindowOptions, WindowResult, windows


_register_renderers()  # Report and Diagnosis show as HTML in Jupyter, as tables in rich


def __dir__() -> list[str]:
    """The public API (imported on first use), for dir() and help() in a notebook."""
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lstmdiag' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "CheckOptions",
    "FileResult",
    "Finding",
    "Kind",
    "LstmdiagError",
    "ModelSpec",
    "PadOptions",
    "PadResult",
    "Report",
    "Severity",
    "WindowOptions",
    "WindowResult",
    "__version__",
    "assert_compatible",
    "check",
    "check_arrays",
    "explain_exception",
    "inspect_model",
    "load_ipython_extension",
    "merge",
    "pad",
    "read_model",
    "unload_ipython_extension",
    "window",
    "windows",
]
