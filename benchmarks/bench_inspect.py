"""`lstmdiag inspect` (static, no TensorFlow) against the naive way: load the model with
Keras and read model.input_shape. Cold processes, best of 3 each, one run."""

from __future__ import annotations

from _measure import LSTMDIAG, ROOT, best

MODELS = [ROOT / "fixtures/models/k3/func_masking.keras", ROOT / "fixtures/models/k2/stacked.h5"]
NAIVE = (
    "import sys, os\n"
    "p = sys.argv[1]\n"
    "if '/k2/' in p:\n"
    "    import tf_keras as keras\n"
    "else:\n"
    "    import keras\n"
    "m = keras.models.load_model(p, compile=False)\n"
    "print(m.input_shape)\n"
)


def main() -> None:
    import sys

    print(f"{'model':40} {'lstmdiag s':>10} {'naive s':>9} {'ratio':>7}")
    for model in MODELS:
        ours, _, _ = best([*LSTMDIAG, "inspect", str(model), "--format", "json"])
        naive, _, _ = best([sys.executable, "-c", NAIVE, str(model)])
        name = str(model.relative_to(ROOT))
        print(f"{name:40} {ours:10.3f} {naive:9.3f} {naive / ours:6.1f}x")
    print("targets: >= 10x faster, < 0.3 s wall for a cold `lstmdiag inspect`")


if __name__ == "__main__":
    main()
