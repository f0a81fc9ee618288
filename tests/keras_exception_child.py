"""Child process for the explain_exception tests: provoke real errors in fit and predict,
diagnose each with ``lstmdiag.explain_exception()`` inside the ``except``, check the same
arrays against the saved model, and apply the printed fix. Prints JSON.

Usage: python keras_exception_child.py keras|tf_keras TMPDIR

A fix that is code is executed as printed (up to its first comment, with the caller's
variable name), then the call is made again (the fix's own ``model.predict(...)`` when it
names one). A fix that changes the model is not applied here.
"""

import json
import os
import re
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour, tmp = sys.argv[1], Path(sys.argv[2])
if flavour == "tf_keras":
    import tf_keras as keras
else:
    import keras

import lstmdiag  # noqa: E402

L = keras.layers


def sequential(*layers, batch_size=None, shape=(10, 8), dtype="float32"):
    model = keras.Sequential([keras.Input(shape, batch_size=batch_size, dtype=dtype), *layers])
    model.compile(loss="mse", optimizer="adam")
    return model


def two_inputs():
    a, b = keras.Input((10, 8), name="seq"), keras.Input((3,), name="static")
    out = L.Dense(1)(L.Concatenate()([L.LSTM(4)(a), b]))
    model = keras.Model([a, b], out)
    model.compile(loss="mse", optimizer="adam")
    return model


def functional_fixed():
    x = keras.Input((10, 8))
    model = keras.Model(x, L.Dense(1)(L.LSTM(4)(x)))
    model.compile(loss="mse", optimizer="adam")
    return model


rnn = sequential(L.LSTM(4), L.Dense(1))
per_step = sequential(L.LSTM(4, return_sequences=True), L.Dense(5, activation="softmax"))
per_step.compile(loss="categorical_crossentropy", optimizer="adam")
stateful = sequential(L.LSTM(4, stateful=True), L.Dense(1), batch_size=2)
tokens = sequential(L.Embedding(50, 4), L.LSTM(2), L.Dense(1), shape=(5,), dtype="int32")
two_features = sequential(L.LSTM(4), L.Dense(1), shape=(10, 2))
fixed = functional_fixed()
pair = two_inputs()

x_features = np.zeros((4, 10, 5), "float32")
x_one = np.zeros((10, 8), "float32")
x_extra = np.zeros((4, 1, 10, 8), "float32")
x_seqs = np.array([np.ones((3, 8), "float32"), np.ones((7, 8), "float32")], dtype=object)
x_short = np.zeros((4, 4, 8), "float32")
x_ids = np.array([[1, 2, 3, 60, 4]], "int32")
x_odd = np.zeros((3, 10, 8), "float32")
x_table = np.arange(80, dtype="float32").reshape(40, 2)  # a (rows, features) series
x_good = np.zeros((4, 10, 8), "float32")
y_good = np.zeros((4, 1), "float32")
y_per_sequence = np.eye(5, dtype="float32")[[0, 1, 2, 3]]
x_alone = np.zeros((4, 10, 8), "float32")
x_text = np.full((2, 10, 8), "a")
x_none = np.zeros((0, 10, 8), "float32")
y_three = np.zeros((3, 1), "float32")

# name -> (model, the call as the user writes it, the variable x is)
CASES = {
    "features_predict": (rnn, lambda: rnn.predict(x_features, verbose=0), "x_features"),
    "features_fit": (rnn, lambda: rnn.fit(x_features, y_good, verbose=0), "x_features"),
    "missing_batch": (rnn, lambda: rnn.predict(x_one, verbose=0), "x_one"),
    "extra_axis": (rnn, lambda: rnn.predict(x_extra, verbose=0), "x_extra"),
    "ragged": (rnn, lambda: rnn.predict(x_seqs, verbose=0), "x_seqs"),
    "timesteps": (fixed, lambda: fixed.predict(x_short, verbose=0), "x_short"),
    "vocab": (tokens, lambda: tokens.predict(x_ids, verbose=0), "x_ids"),
    "batch": (stateful, lambda: stateful.predict(x_odd, verbose=0), "x_odd"),
    "missing_axis": (two_features, lambda: two_features.predict(x_table, verbose=0), "x_table"),
    "input_count": (pair, lambda: pair.predict(x_alone, verbose=0), "x_alone"),
    "dtype": (rnn, lambda: rnn.predict(x_text, verbose=0), "x_text"),
    "empty": (rnn, lambda: rnn.predict(x_none, verbose=0), "x_none"),
    "cardinality": (rnn, lambda: rnn.fit(x_good, y_three, verbose=0), "x_good"),
    "target_fit": (
        per_step,
        lambda: per_step.fit(x_good, y_per_sequence, verbose=0),
        "x_good",
    ),
}


def saved_check(name, model, x):
    """check() of the saved model: on the saved array (its kind) and in memory (its fix)."""
    path = tmp / f"{flavour}_{name}.keras"
    model.save(path)
    report = lstmdiag.check(str(path), x, deep=True)
    if isinstance(x, np.ndarray) and x.dtype != object:
        np.save(tmp / f"{flavour}_{name}.npy", x)
        on_file = lstmdiag.check(str(path), str(tmp / f"{flavour}_{name}.npy"), deep=True)
    else:
        on_file = report
    kinds = [f.kind.value for f in on_file.findings if f.severity.value == "error"]
    fixes = [f.fix for f in report.findings if f.severity.value == "error"]
    return (kinds[0] if kinds else None), (fixes[0] if fixes else None)


def apply(fix, var, call):
    """The fix's code as printed, then the call again (or the fix's own predict)."""
    code = re.split(r"\s+#|; or ", fix)[0]
    if not code.startswith(f"{var} = "):
        return "not code"
    scope = dict(globals())
    exec(code, scope)
    again = re.search(r"then (\w+\.predict\([^#]*?\)(?:\[[^\]]*\])?)", fix)
    if again:  # the fix's own call, as printed (it names the caller's model)
        eval(again.group(1), scope)
    else:
        eval(call.__code__, scope)
    return True


out = {}
for name, (model, call, var) in CASES.items():
    try:
        call()
        out[name] = {"raised": None}
        continue
    except Exception as exc:
        raised = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200]}"
        d = lstmdiag.explain_exception()
    entry = {"raised": raised, "kind": None}
    if d is not None:
        entry.update(kind=d.kind, culprit=d.culprit, fix=d.fix, findings=len(d.findings))
        entry["saved_kind"], saved_fix = saved_check(name, model, globals()[var])
        if saved_fix is not None:  # in the caller's names: its array and its model
            saved_fix = re.sub(r"\bx\b", var, saved_fix)
            saved_fix = saved_fix.replace("model.predict(", f"{call.__code__.co_names[0]}.predict(")
        entry["saved_fix"] = saved_fix
        try:
            entry["applied"] = apply(d.fix, var, call)
        except Exception as exc:
            entry["applied"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    out[name] = entry


def kinds(data, model=rnn):
    """check()'s error kinds for one of Keras's data objects (or its one-line refusal)."""
    try:
        report = lstmdiag.check(model, data)
    except lstmdiag.LstmdiagError as exc:
        return str(exc)
    return [f.kind.value for f in report.findings if f.severity.value == "error"]


import tensorflow as tf  # noqa: E402  (after keras: tf_keras must be imported first)


class Batches(keras.utils.PyDataset if hasattr(keras.utils, "PyDataset") else keras.utils.Sequence):
    def __init__(self, x, y):
        super().__init__()
        self.x, self.y, self.calls = x, y, 0

    def __len__(self):
        return 2

    def __getitem__(self, index):
        self.calls += 1
        return self.x[index * 2 : index * 2 + 2], self.y[index * 2 : index * 2 + 2]


pydataset = Batches(x_features, y_good)
out["_data"] = {
    "dataset_batched": kinds(tf.data.Dataset.from_tensor_slices((x_features, y_good)).batch(2)),
    "dataset_good": kinds(tf.data.Dataset.from_tensor_slices((x_good, y_good)).batch(2)),
    "dataset_unbatched": kinds(tf.data.Dataset.from_tensor_slices(x_good)),
    "pydataset": kinds(pydataset),
    "pydataset_calls": pydataset.calls,
    "list_two_inputs": kinds([x_good, np.zeros((4, 3), "float32")], pair),
    "list_two_inputs_bad": kinds([x_good, np.zeros((4, 5), "float32")], pair),
    "list_of_one": kinds([x_good]),
    "dict_by_name": kinds({"static": np.zeros((4, 3), "float32"), "seq": x_short}, pair),
    "generator": kinds(x for x in [x_good]),
}
print(json.dumps(out))
