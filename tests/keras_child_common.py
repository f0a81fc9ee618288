"""What the Keras child scripts share (they run as scripts: this folder is on sys.path)."""

import json
import os
from typing import Any

import numpy as np


def keras_module(flavour: str) -> Any:
    """Keras 3 (``keras``) or Keras 2 (``tf_keras``), quietly."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if flavour == "tf_keras":
        import tf_keras as keras
    else:
        import keras
    return keras


def load_cases(cases_path: str, params_path: str) -> tuple[list[dict[str, Any]], Any]:
    """The cases' parameters (JSON) and arrays (npz, never unpickled)."""
    with open(params_path) as fh:
        params = json.loads(fh.read())
    return params, np.load(cases_path, allow_pickle=False)
