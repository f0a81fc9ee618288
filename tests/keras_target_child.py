"""Child process for the target tests: provoke real target/output errors in fit, ask
``explain`` for the fix, apply it as printed, and fit again. Prints JSON.

Usage: python keras_target_child.py keras|tf_keras

Each case is a model builder (``flip`` applies a fix that changes the model, as the printed
sentence says), y, and a loss. A fix that is code (``y = ...``) is executed literally, up to
its first comment or "; or".
"""

import json
import os
import re
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour = sys.argv[1]
if flavour == "tf_keras":
    import tf_keras as keras
else:
    import keras

import lstmdiag  # noqa: E402
from lstmdiag.judge.explain import explain  # noqa: E402


class Explained:
    def __init__(self, diagnosis):
        self.diagnosis = diagnosis


L = keras.layers
x = np.random.default_rng(0).random((8, 6, 3)).astype("float32")


def model(sequences, units, head_over_time=False):
    layers = [keras.Input((6, 3)), L.LSTM(4, return_sequences=sequences)]
    head = L.Dense(units, activation="softmax")
    layers.append(L.TimeDistributed(head) if head_over_time else head)
    return keras.Sequential(layers)


CE = "categorical_crossentropy"
SCE = "sparse_categorical_crossentropy"
BCE_LOGITS = keras.losses.BinaryCrossentropy(from_logits=True)


def logits_head(fixed):
    return keras.Sequential([keras.Input((6, 3)), L.LSTM(4), L.Dense(1 if fixed else 10)])


# name -> (build(fixed: bool), y, loss)
CASES = {
    "per_sequence_y": (lambda fixed: model(not fixed, 5), np.eye(5)[np.arange(8) % 5], CE),
    "per_step_ids": (lambda fixed: model(True, 5), np.arange(48).reshape(8, 6) % 5, CE),
    "ids_for_onehot": (lambda fixed: model(False, 3), np.arange(8) % 3, CE),
    "per_step_y": (lambda fixed: model(fixed, 5, head_over_time=fixed), np.zeros((8, 6, 5)), "mse"),
    "label_from_1": (lambda fixed: model(False, 5), np.arange(8) % 5 + 1, SCE),
    "onehot_sparse": (lambda fixed: model(False, 5), np.eye(5)[np.arange(8) % 5], SCE),
    "binary_head": (logits_head, np.zeros((8, 1)), BCE_LOGITS),
}  # fmt: skip


def options(fix, loss):
    """Each code option of the fix ('y = ...; or y = ...'), with the loss it names."""
    out = []
    for part in re.split(r"; or (?:keep (?:the (?:ids|loss)|y) and )?", fix):
        code = re.split(r"\s+#| for a | \(", part)[0].strip()
        named = re.search(r"loss='(\w+)'", part)
        if code.startswith("y = "):
            out.append((code, named.group(1) if named else loss))
        elif part.startswith("compile with loss=") and named:
            out.append(("y = y", named.group(1)))  # the loss changes, y does not
    return out


def fit(m, y, loss):
    m.compile(loss=loss, optimizer="adam")
    m.fit(x, y, epochs=1, verbose=0)


out = {}
for name, (build, y, loss) in CASES.items():
    try:
        fit(build(False), y, loss)
        out[name] = {"error": None}
        continue
    except Exception as exc:  # the error a user would paste
        text = f"{type(exc).__name__}: {exc}"
        failure = exc
    result = explain(text)
    if flavour == "keras":  # Keras 3 filters its frames: the live objects say the loss
        exc_diagnosis = lstmdiag.explain_exception(failure)
        result = None if exc_diagnosis is None else Explained(exc_diagnosis)
    entry = {"error": text.strip().splitlines()[-1][:300], "kind": None}
    if result is not None:
        d = result.diagnosis
        entry.update(kind=d.kind, culprit=d.culprit, fix=d.fix)
        tried = options(d.fix, loss) or [(None, loss)]
        entry["fixed"] = []
        for code, use in tried:
            try:
                if code is not None:
                    scope = {"y": y, "np": np, "keras": keras}
                    exec(code, scope)
                    fit(build(False), scope["y"], use)
                else:  # a model fix, applied as the sentence says
                    fit(build(True), y, use)
                entry["fixed"].append([code or "model", getattr(use, "name", use), True])
            except Exception as exc:
                entry["fixed"].append(
                    [
                        code or "model",
                        getattr(use, "name", use),
                        f"{type(exc).__name__}: {exc}"[:300],
                    ]
                )
    out[name] = entry
print(json.dumps(out))
