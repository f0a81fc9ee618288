"""Child process: what real Keras does with whole-dataset and value problems.

Usage: python keras_dataset_child.py FLAVOUR MODELS_DIR OUT_DIR  (prints one JSON object)
"""

import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour, models, out = sys.argv[1:4]
if flavour == "tf_keras":
    import tf_keras as keras

    folder = "k2"
else:
    import keras

    folder = "k3"


def attempt(fn):
    try:
        fn()
        return {"ran": True, "error": None}
    except Exception as exc:
        return {"ran": False, "error": f"{type(exc).__name__}: {exc}"}


def load(name):
    return keras.models.load_model(os.path.join(models, folder, name), compile=False)


result = {"keras": f"{keras.__name__} {keras.__version__}"}
two = load("two_input.keras")
audio, video = np.zeros((2, 10, 8), "float32"), np.zeros((3, 5, 3), "float32")
result["cardinality"] = attempt(lambda: two.predict([audio, video], verbose=0))
result["missing"] = attempt(lambda: load("two_input.keras").predict({"audio": audio}, verbose=0))
embed = load("embed_maskzero_gru.keras")
weights = embed.get_layer("embedding").get_weights()[0]
tokens = np.array([[1, 2, 3] + [4] * 9], "int32")


def negative():
    probe = keras.Model(embed.inputs, embed.get_layer("embedding").output)
    got = probe.predict(np.where(tokens == 4, -1, tokens), verbose=0)[0, -1]
    result["negative_row"] = [i for i in range(len(weights)) if np.allclose(weights[i], got)]


result["negative"] = attempt(negative)
rng = np.random.default_rng(0)
seqs = [rng.standard_normal((n, 8)).astype("float32") for n in (10, 6, 3)]
np.save(os.path.join(out, "pad_sequences_default.npy"), keras.utils.pad_sequences(seqs, maxlen=10))
print(json.dumps(result))
