"""Architecture-only ``.json`` files written by ``model.to_json()`` (Keras 1, 2 and 3)."""

from __future__ import annotations

import json
from typing import Any

from ..data.info import Location, open_file
from ..errors import LstmdiagError
from .config import spec_from_config
from .spec import ModelSpec

MAX_JSON_BYTES = 64 * 1024 * 1024


def parse_config_text(text: str | bytes, shown: str, what: str) -> Any:
    """Parse a JSON model config, turning every failure into one clear LstmdiagError."""
    if len(text) > MAX_JSON_BYTES:
        raise LstmdiagError(f"{shown}: {what} is larger than {MAX_JSON_BYTES >> 20} MiB")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise LstmdiagError(f"{shown}: {what} is not valid JSON ({exc})") from None


def read(path: Location, shown: str) -> ModelSpec:
    try:
        with open_file(path, stream=True) as fh:
            raw = fh.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            raise LstmdiagError(f"{shown}: larger than {MAX_JSON_BYTES >> 20} MiB; not a config")
    except OSError as exc:
        raise LstmdiagError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    top = parse_config_text(raw, shown, "the file")
    try:
        return spec_from_config(top, path=shown, fmt="json", keras_version=None)
    except LstmdiagError as exc:
        raise LstmdiagError(f"{shown}: {exc}") from None
