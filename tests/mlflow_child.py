"""Child process for the MLflow tests: mlflow-skinny's own schema enforcement
(``mlflow.models.utils._enforce_schema``, which ``PyFuncModel.predict`` runs before the
model) judges the data matrix and lstmdiag's printed code fixes, applied as printed; an
MLmodel with unnamed columns is written here by ``mlflow.models.Model``. Prints JSON.

Usage: python mlflow_child.py MODEL_FOLDER [...]
"""

import json
import os
import sys
import tempfile
import warnings

import numpy as np

warnings.simplefilter("ignore")
from mlflow.models import Model, ModelSignature  # noqa: E402
from mlflow.models.utils import _enforce_schema  # noqa: E402
from mlflow.types.schema import ColSpec, Schema  # noqa: E402

import lstmdiag  # noqa: E402

TENSOR = {  # label: (shape, dtype), against a (-1, 10, 3) float32 signature
    "right": ((4, 10, 3), "float32"),
    "one": ((1, 10, 3), "float32"),
    "short": ((4, 8, 3), "float32"),
    "long": ((4, 12, 3), "float32"),
    "features": ((4, 10, 4), "float32"),
    "missing_batch": ((10, 3), "float32"),
    "four_d": ((4, 10, 3, 1), "float32"),
    "float64": ((4, 10, 3), "float64"),
    "float16": ((4, 10, 3), "float16"),
    "int64": ((4, 10, 3), "int64"),
    "int32": ((4, 10, 3), "int32"),
    "bool": ((4, 10, 3), "bool"),
}
MATRIX = {
    "lstm_tensor": TENSOR,
    "lstm_free_steps": {k: TENSOR[k] for k in ("right", "short", "long", "features", "float64")},
    "columns": {"bare_3d": ((4, 10, 3), "float32"), "bare_2d": ((4, 3), "float64")},
    "unnamed_double": {
        "rows_float64": ((4, 3), "float64"),
        "rows_float32": ((4, 3), "float32"),
        "rows_int32": ((4, 3), "int32"),
        "two_columns": ((4, 2), "float64"),
        "sequences": ((4, 10, 3), "float64"),
    },
    "unnamed_float": {"rows_float64": ((4, 3), "float64"), "rows_float32": ((4, 3), "float32")},
}


def mlflow_says(x, schema):
    """True when MLflow lets x through to the model, else its exception, one line."""
    try:
        _enforce_schema(x, schema)
    except Exception as exc:  # MlflowException, or pandas' ValueError for a 3-D array
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    return True


def case(path, schema, shape, dtype):
    x = (np.random.default_rng(0).normal(size=shape) * 3).astype(dtype)
    report = lstmdiag.check(path, x)
    errors = [f for f in report.findings if f.severity.value == "error"]
    entry = {
        "check_ok": not errors,
        "mlflow": mlflow_says(x, schema),
        "kinds": sorted(e.kind.value for e in errors),
        "messages": [e.message for e in errors],
        "fixes": [],
    }
    for e in errors:
        if e.fix and e.fix.startswith("x = "):  # code: applied as printed
            scope = {"x": x, "np": np}
            if "keras." in e.fix:  # keras.utils.pad_sequences: TensorFlow only when needed
                import keras

                scope["keras"] = keras
            exec(e.fix, scope)
            fixed = scope["x"]
            entry["fixes"].append(
                {
                    "fix": e.fix,
                    "mlflow": mlflow_says(fixed, schema),
                    "check_ok": lstmdiag.check(path, fixed).ok,
                }
            )
        else:
            entry["fixes"].append({"fix": e.fix, "code": False})
    return entry


def written(tmp, name, kind):
    """An MLmodel with three unnamed columns of one type, as mlflow.models.Model saves it."""
    folder = os.path.join(tmp, name)
    os.makedirs(folder)
    schema = Schema([ColSpec(kind) for _ in range(3)])
    Model(signature=ModelSignature(inputs=schema)).save(os.path.join(folder, "MLmodel"))
    return folder


out = {}
with tempfile.TemporaryDirectory() as tmp:
    paths = [
        *sys.argv[1:],
        written(tmp, "unnamed_double", "double"),
        written(tmp, "unnamed_float", "float"),
    ]
    for path in paths:
        name = os.path.basename(path.rstrip("/"))
        schema = Model.load(path).get_input_schema()
        out[name] = {
            label: case(path, schema, shape, dtype)
            for label, (shape, dtype) in MATRIX[name].items()
        }
print(json.dumps(out))
