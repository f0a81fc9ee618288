"""``--format json``: exactly one JSON object on stdout."""

from __future__ import annotations

import json

from ..findings import Report
from ..model.spec import ModelSpec


def inspect_json(spec: ModelSpec) -> str:
    return json.dumps(spec.to_dict(), indent=2)


def check_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2)
