"""Child process for the TFLite tests: TensorFlow's own interpreter judges the data matrix
and lstmdiag's printed fixes, applied as printed. Prints JSON.

Usage: python tflite_child.py MODEL.tflite [...]
"""

import json
import os
import sys
import warnings

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.simplefilter("ignore")  # tf.lite.Interpreter's deprecation notice
import tensorflow as tf  # noqa: E402

import lstmdiag  # noqa: E402


def runs(path, x, code=None):
    """Whether the interpreter takes x: as allocated, or after the fix's code."""
    interpreter = tf.lite.Interpreter(model_path=path)
    try:
        if code is None:
            interpreter.allocate_tensors()
            interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
            interpreter.invoke()
        else:
            if "resize_tensor_input" not in code:
                interpreter.allocate_tensors()
            exec(code, {"interpreter": interpreter, "x": x, "np": np})
            if "resize_tensor_input" in code:
                interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
                interpreter.invoke()
        return True
    except (ValueError, RuntimeError) as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"


out = {}
for path in sys.argv[1:]:
    spec = lstmdiag.inspect_model(path)
    _, t, f = spec.inputs[0].shape
    cases = {}
    for label, shape in {
        "allocated": (1, t, f),
        "batch_4": (4, t, f),
        "short": (1, t - 2, f),
        "features": (1, t, f + 1),
    }.items():
        x = np.random.default_rng(0).random(shape).astype("float32")
        report = lstmdiag.check(path, x)
        errors = [f for f in report.findings if f.severity.value == "error"]
        entry = {
            "check_ok": not errors,
            "runtime": runs(path, x),
            "kinds": [e.kind.value for e in errors],
        }
        for e in errors:
            if e.kind.value == "batch":  # the fix (and its alternative), as printed
                entry["fixes"] = [runs(path, x, e.fix)] + [
                    runs(path, x, a[1]) for a in e.alternatives
                ]
            if e.kind.value == "timesteps":  # pad as the model says, then feed
                padded = lstmdiag.pad(list(x), model=path)
                entry["fixes"] = [runs(path, padded)]
        cases[label] = entry
    out[os.path.basename(path)] = cases
print(json.dumps(out))
