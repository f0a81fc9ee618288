"""``--format json``: exactly one JSON object on stdout."""

from __future__ import annotations

import json

from ..findings import Report
from ..model.spec import ModelSpec


def inspect_json(spec: ModelSpec) -> str:
    """The spec, with each input's axis roles (batch, time, features) added."""
    from ..roles import axis_roles

    data = spec.to_dict()
    for item, inp in zip(data["inputs"], spec.inputs, strict=True):
        item["axes"] = list(axis_roles(spec, inp))
    return json.dumps(data, indent=2)


def check_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2)
