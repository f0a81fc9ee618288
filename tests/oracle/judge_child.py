"""Keras child: the oracle's judge. Runs ``model.predict`` on each job's arrays and prints
one JSON line per job: whether it ran, the error it raised, and the predictions.

Usage: python judge_child.py FLAVOUR JOBS.json
A job: {"model": PATH, "inputs": [ARRAY, ...], "batch_size": N|null, "fresh": bool}, where
ARRAY is FILE.npy, FILE.npz::MEMBER or FILE.h5::DATASET. ``fresh`` loads the model anew: a model
that has already traced one shape may run another silently, so claims are judged fresh.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from keras_child_common import keras_module
from oracle.arrays import load as load_array

flavour, jobs_path = sys.argv[1:3]
keras = keras_module(flavour)
cache = {}


def model_for(path, fresh):
    if fresh or path not in cache:
        cache[path] = keras.models.load_model(path, compile=False)
    return cache[path]


def call(model, arrays, batch_size):
    step = batch_size or len(arrays[0])
    parts = []
    for start in range(0, len(arrays[0]), step):
        chunk = [a[start : start + step] for a in arrays]
        y = model(chunk[0] if len(chunk) == 1 else chunk, training=False)
        parts.append(np.asarray(y))
    return np.concatenate(parts)


with open(jobs_path) as fh:
    jobs = json.load(fh)
for job in jobs:
    out = {"ran": False, "error": None, "pred": None}
    try:
        arrays = [load_array(r) for r in job["inputs"]]
        model = model_for(job["model"], job.get("fresh", False))
        x = arrays[0] if len(arrays) == 1 else arrays
        for layer in model.layers:  # a stateful model starts every job from zero state
            if getattr(layer, "stateful", False):
                getattr(layer, "reset_states", getattr(layer, "reset_state", None))()
        if job.get("fresh"):  # a claim: the user's own call, on a model that traced nothing
            kw = {"batch_size": job["batch_size"]} if job.get("batch_size") else {}
            pred = model.predict(x, verbose=0, **kw)
        else:  # values: called eagerly, batch by batch (no retracing, a fraction of the time)
            pred = call(model, arrays, job.get("batch_size"))
        out["ran"] = True
        out["pred"] = np.asarray(pred, dtype="float64").reshape(len(pred), -1).tolist()
    except Exception as exc:  # the verdict is the exception itself
        first = (str(exc).strip().splitlines() or [""])[0]
        out["error"] = f"{type(exc).__name__}: {first[:300]}"
    print(json.dumps(out), flush=True)
