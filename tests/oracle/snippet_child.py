"""Execute each printed Python fix literally, in this fresh interpreter: ``x`` is the array the
finding names, ``np`` is numpy (and ``keras`` when the snippet uses it). The result ``x`` is
saved for the judge.

Usage: python snippet_child.py JOBS.json  (one JSON line out per job)
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from oracle.arrays import load

with open(sys.argv[1]) as fh:
    jobs = json.load(fh)
for job in jobs:
    out = {"ok": False, "error": None, "shape": None}
    try:
        ns = {"np": np, "x": load(os.path.join(job["base"], job["array"]))}
        if "keras" in job["code"]:
            import keras

            ns["keras"] = keras
        exec(compile(job["code"], "<fix>", "exec"), ns)
        x = np.asarray(ns["x"])
        os.makedirs(os.path.dirname(job["out"]), exist_ok=True)
        np.save(job["out"], x)
        out.update(ok=True, shape=list(x.shape))
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(out), flush=True)
