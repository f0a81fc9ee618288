"""Child process: a matrix of models x data faults x calls, each provoked in real Keras, and
the text a user would paste for it: the whole traceback, as Python prints it. Prints JSON.

Usage: python keras_matrix_child.py keras|tf_keras [SKIP ...]
       python keras_matrix_child.py keras|tf_keras --apply FIXES.json


One JSON line per case, {"case", "fault", "model", "call", "raised", "text"}, each after a
{"start": case} line: TensorFlow can abort the process inside a kernel (tf-keras's oneDNN
Conv1D on a 2-D array does), and the parent then knows which case did it and runs the rest
again, skipping it. "raised" is False when Keras ran the call without complaint (Keras 3
runs some models on other lengths).

With --apply, FIXES.json maps a case to the code a diagnosis printed ("x = ..."): each is run
as printed on that case's arrays, then the call is made again on a fresh model; one JSON
line per case says whether it ran ({"case", "ran", "error", "shape"}).
"""

import json
import os
import sys
import traceback

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour, skip = sys.argv[1], set(sys.argv[2:])
apply = None
if sys.argv[2:3] == ["--apply"]:
    with open(sys.argv[3]) as fixes:
        apply = json.load(fixes)
if flavour == "tf_keras":
    import tf_keras as keras
else:
    import keras

L = keras.layers
N = 4


def build(name):
    """A compiled model for ``name``: (model, input shape without batch, target maker)."""
    head = {"loss": "mse", "out": lambda: L.Dense(1), "y": lambda n: np.zeros((n, 1), "float32")}
    if name == "clf":
        head = {
            "loss": "categorical_crossentropy",
            "out": lambda: L.Dense(3, activation="softmax"),
            "y": lambda n: np.eye(3, dtype="float32")[np.arange(n) % 3],
        }
    if name == "sparse":
        head = {
            "loss": "sparse_categorical_crossentropy",
            "out": lambda: L.Dense(3, activation="softmax"),
            "y": lambda n: (np.arange(n) % 3).astype("int32"),
        }
    shape, dtype = (10, 8), "float32"
    body = {
        "lstm": lambda: [L.LSTM(4)],
        "gru_bi": lambda: [L.Bidirectional(L.GRU(4))],
        "conv_lstm": lambda: [L.Conv1D(4, 3), L.LSTM(4)],
        "masked": lambda: [L.Masking(0.0), L.LSTM(4)],
        "clf": lambda: [L.LSTM(4)],
        "sparse": lambda: [L.LSTM(4)],
        "emb": lambda: [L.Embedding(50, 4), L.LSTM(4)],
    }[name]()
    if name == "emb":
        shape, dtype = (10,), "int32"
    model = keras.Sequential([keras.Input(shape, dtype=dtype), *body, head["out"]()])
    model.compile(loss=head["loss"], optimizer="adam")
    return model, shape, dtype, head["y"]


def faults(shape, dtype, make_y):
    """fault -> (x, y) for a model taking ``shape``; each is one thing wrong."""
    steps = shape[0]
    good = np.ones((N, *shape), dtype)
    out = {
        "timesteps": (np.ones((N, 4, *shape[1:]), dtype), make_y(N)),
        "missing_batch": (np.ones(shape, dtype), None),
        "extra_axis": (good[..., np.newaxis], make_y(N)),
        "cardinality": (good, make_y(N - 1)),
        "ragged": (
            np.array([np.ones((3, *shape[1:])), np.ones((5, *shape[1:]))], dtype=object),
            make_y(2),
        ),
        "list_of_samples": (list(good), make_y(N)),
        "strings": (np.full((N, *shape), "1"), make_y(N)),  # numbers read from a file as text
    }
    if len(shape) == 2:
        out["features"] = (np.ones((N, steps, 5), dtype), make_y(N))
        rows = 3 * steps  # a series of rows, one target per row, longer than a window
        out["table"] = (np.ones((rows, shape[1]), dtype), make_y(rows))
    else:
        out["vocab"] = (np.full((N, steps), 60, dtype), make_y(N))
    return out


def provoke(model, x, y, call):
    if call == "fit":
        model.fit(x, y, epochs=1, verbose=0)
    else:
        model.predict(x, verbose=0)


def run_fix(key, name, x, y, call, fix):
    """The printed fix, run as printed on x (and y) with the model in scope as ``model``,
    then the call again on that fresh model. "fits": the fixed x has the model's input
    shape exactly (Keras 3 runs a Sequential model on other lengths; that is no fix)."""
    model = build(name)[0]
    scope = {"np": np, "keras": keras, "x": x, "y": y, "model": model}
    try:
        exec(fix, scope)  # lstmdiag's own printed code, the way a user pastes it
        provoke(model, scope["x"], scope["y"], call)
    except Exception as exc:
        return {"case": key, "ran": False, "error": f"{type(exc).__name__}: {exc}"[:600]}
    shape = list(np.shape(scope["x"]))
    want = list(model.input_shape)
    fits = len(shape) == len(want) and all(
        w in (None, s) for s, w in zip(shape[1:], want[1:], strict=True)
    )
    return {"case": key, "ran": True, "error": None, "shape": shape, "fits": fits}


for name in ("lstm", "gru_bi", "conv_lstm", "masked", "clf", "sparse", "emb"):
    _, shape, dtype, make_y = build(name)
    bad = dict(faults(shape, dtype, make_y))
    if name == "clf":
        bad = {"target_integer_labels": (np.ones((N, *shape), dtype), np.arange(N) % 3)}
    if name == "sparse":
        bad = {"target_one_hot": (np.ones((N, *shape), dtype), np.eye(3)[np.arange(N) % 3])}
    for fault, (x, y) in bad.items():
        calls = (
            ("fit",)
            if y is not None and fault.startswith(("target", "cardinality"))
            else (("predict",) if y is None else ("fit", "predict"))
        )
        for call in calls:
            key = f"{name}/{fault}/{call}"
            if key in skip or (apply is not None and key not in apply):
                continue
            print(json.dumps({"start": key}), flush=True)
            if apply is not None:
                print(json.dumps(run_fix(key, name, x, y, call, apply[key])), flush=True)
                continue
            case = {"case": key, "fault": fault, "model": name, "call": call}
            model = build(name)[0]  # a fresh model: no earlier call's trace or state
            try:
                provoke(model, x, y, call)
                case.update(raised=False, text="")
            except Exception:
                case.update(raised=True, text=traceback.format_exc()[-12000:])
            print(json.dumps(case), flush=True)
