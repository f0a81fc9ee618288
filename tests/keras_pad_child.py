"""Child process for the pad tests: run real ``pad_sequences`` on the cases in an npz.

Usage: python keras_pad_child.py FLAVOUR CASES.npz PARAMS.json OUT.npz
"""

import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour, cases_path, params_path, out_path = sys.argv[1:5]
if flavour == "tf_keras":
    import tf_keras as keras
else:
    import keras

with open(params_path) as fh:
    params = json.loads(fh.read())
data = np.load(cases_path, allow_pickle=False)
results = {}
for index, p in enumerate(params):
    seqs = [data[f"c{index}_s{j}"] for j in range(p["count"])]
    results[f"c{index}"] = keras.utils.pad_sequences(
        seqs,
        maxlen=p["maxlen"],
        dtype=p["dtype"],
        padding=p["padding"],
        truncating=p["truncating"],
        value=p["value"],
    )
np.savez(out_path, **results)
print(keras.__name__, keras.__version__)
