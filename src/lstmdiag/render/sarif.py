"""``--format sarif``: SARIF 2.1.0, for code-scanning views (one result per finding)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..judge.findings import Kind, Report, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
RULES = {
    Kind.TIMESTEPS: "The time axis differs from the model's fixed number of timesteps.",
    Kind.FEATURES: "A feature axis differs from what the model expects.",
    Kind.BATCH: "The model fixes the batch size and the data does not match it.",
    Kind.DTYPE: "The data type does not fit the model input.",
    Kind.RAGGED: "Sequences of different lengths cannot be stacked into one batch.",
    Kind.VOCAB: "Token ids outside the Embedding's vocabulary.",
    Kind.NON_FINITE: "NaN or Inf values in the data.",
    Kind.MASK_COLLISION: "Real timesteps equal the mask value and would be skipped.",
    Kind.PADDING: "Pre-padded data under a mask keeps Keras off the cuDNN kernel.",
    Kind.UNREADABLE: "The data file cannot be read.",
    Kind.UNMAPPED: "The array feeds no model input.",
    Kind.KERAS: "Real Keras disagreed with the static verdict (--verify).",
    Kind.NOT_INPUT: "A target, mask or lengths array: listed, not checked against an input.",
    Kind.MISSING_INPUT: "A model input receives no data.",
    Kind.CARDINALITY: "Arrays fed together disagree on the number of samples.",
    Kind.NOT_TESTED: "A finding that --verify could not test (zero batches judge shapes only).",
    Kind.MISSING_BATCH: "One sample without its batch axis.",
    Kind.EXTRA_AXIS: "The array has an extra axis (usually of size 1).",
    Kind.MISSING_AXIS: "A 2-D table or an array missing an axis the model takes.",
    Kind.EMPTY: "The array holds no samples.",
    Kind.MODEL_STRUCTURE: "The model's layers do not fit together.",
    Kind.TARGET: "Targets or labels do not fit the model's output.",
    Kind.UNKNOWN_RANK: "The data's shape is not statically known.",
    Kind.INPUT_COUNT: "A list of arrays was read as several model inputs.",
    Kind.LAYOUT: "Batch-major data into a time-major (ONNX) input.",
    Kind.SIGNATURE: "The deployed model's signature refuses the data whole (MLflow columns).",
}


def project_home() -> str | None:
    """Where lstmdiag lives, from the installed package's metadata; None when it names no
    address (then no link is printed: never an invented one)."""
    from importlib import metadata

    try:
        meta = metadata.metadata("lstmdiag")
    except metadata.PackageNotFoundError:
        return None
    urls = [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or []]
    home = next(iter(meta.get_all("Home-page") or []), None)
    return next((u for u in [*urls, home] if u and u.startswith("https://")), None)


def _uri(path: str) -> str:
    """A relative (or absolute) file URI reference, percent-encoded."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return quote(path, safe="/:")


def check_sarif(report: Report) -> str:
    rules = [
        {
            "id": kind.value,
            "name": kind.name.title().replace("_", ""),
            "shortDescription": {"text": text},
        }
        for kind, text in RULES.items()
    ]
    index = {kind.value: i for i, kind in enumerate(RULES)}
    results: list[dict[str, Any]] = []
    for f in report.findings:
        text = f.message + (f" Fix: {f.fix}" if f.fix else "")
        result: dict[str, Any] = {
            "ruleId": f.kind.value,
            "ruleIndex": index[f.kind.value],
            "level": _LEVEL[f.severity],
            "message": {"text": text},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(f.path)}}}],
            "properties": {
                "key": f.key,
                "input": f.input,
                "expected": None if f.expected is None else list(f.expected),
                "found": None if f.found is None else list(f.found),
                "fix": f.fix,
            },
        }
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lstmdiag",
                        "version": __version__,
                        **({"informationUri": home} if (home := project_home()) else {}),
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
