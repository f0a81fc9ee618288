"""Targets against the model's output (issue #28): real Keras provokes each error in fit,
``explain`` reads it, and its fix, applied as printed, makes fit run (keras_target_child.py).
Then the rule on the wordings Keras 1-3 and TensorFlow use, one shape pair each."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lstmdiag.judge.explain import explain

from .conftest import run_keras_child

EXPECT = {
    "per_sequence_y": ("model-structure", "model"),
    "per_step_ids": ("target", "data"),
    "ids_for_onehot": ("target", "data"),
    "per_step_y": ("model-structure", "model"),
    "label_from_1": ("target", "data"),
    "onehot_sparse": ("target", "data"),
    "binary_head": ("target", "model"),  # Keras 3: the loss is read off the live model
}


@pytest.mark.keras
@pytest.mark.parametrize("flavour", ["tf_keras", "keras"])
def test_each_printed_target_fix_makes_fit_run(flavour: str) -> None:
    cases = json.loads(run_keras_child("keras_target_child.py", flavour))
    got = {name: (c["kind"], c["culprit"]) for name, c in cases.items()}
    assert got == EXPECT, cases
    for name, case in cases.items():
        assert case["fixed"] and all(ok is True for _, _, ok in case["fixed"]), (name, case)
    assert [loss for _, loss, _ in cases["onehot_sparse"]["fixed"]] == [
        "sparse_categorical_crossentropy",  # y = y.argmax(axis=-1), the loss stays
        "categorical_crossentropy",  # or the loss changes and y stays one-hot
    ]
    # both options of the per-step ids fix were applied, each with the loss it names
    assert [loss for _, loss, _ in cases["per_step_ids"]["fixed"]] == [
        "sparse_categorical_crossentropy",
        "categorical_crossentropy",
    ]


@pytest.mark.parametrize(
    ("text", "kind", "culprit", "fix"),
    [
        # tf-keras's crossentropy: Shapes (target) and (output)
        ("ValueError: Shapes (None, 5) and (None, 6, 5) are incompatible", "model-structure",
         "model", "set return_sequences=False"),
        ("ValueError: Shapes (None, None) and (3500, None, 10500) are incompatible",
         "model-structure", "model", "set return_sequences=False"),
        ("ValueError: Shapes (None, 6) and (None, 6, 5) are incompatible", "target", "data",
         "y = y[..., np.newaxis]"),
        ("ValueError: Shapes (None, 1) and (None, 3) are incompatible", "target", "data",
         "y = keras.utils.to_categorical(y, 3)"),
        # Keras 2: a target array ... for an output of shape ...
        ("ValueError: A target array with shape (6682, 2) was passed for an output of shape "
         "(None, 15, 2) while using as loss `categorical_crossentropy`.", "model-structure",
         "model", "set return_sequences=False"),
        ("Exception: A target array with shape (3952, 24) was passed for an output of shape "
         "(None, 1)", "target", "model", "end the model with Dense(24, activation='softmax')"),
        # Keras 1/2: when checking target; an output layer's name without "target"
        ("Error when checking target: expected dense_1 to have 3 dimensions, but got array "
         "with shape (118, 1)", "model-structure", "model", "set return_sequences=False"),
        ("Error when checking target: expected lstm_6 to have 3 dimensions, but got array with "
         "shape (9, 15)", "target", "data", "y = y[..., np.newaxis]"),
        ("expected dense_2 to have shape (None, 1) but got array with shape (1, 229)", "target",
         "data", "if they are 229 samples' targets: y = y.reshape(-1, 1)"),
        ("ValueError: Error when checking model target: expected lstm_1 to have shape (100, 500) "
         "but got array with shape (100, 1)", "model-structure", "model",
         "end the model with a head"),
        ("Error when checking target: expected dense_1 to have 2 dimensions, but got array with "
         "shape (32, 1, 3)", "target", "data", "y = np.squeeze(y, axis=1)"),
        # Keras 3
        ("ValueError: Arguments `target` and `output` must have the same rank (ndim). Received: "
         "target.shape=(None,), output.shape=(None, 2)", "target", "data",
         "y = keras.utils.to_categorical(y, 2)"),
        # TensorFlow, where the loss meets y: which side is the output is not said
        ("InvalidArgumentError: Incompatible shapes: [32,12] vs. [32,998,12]", "model-structure",
         "model", "per-timestep targets (y (32, 998, 12)): set return_sequences=True"),
        ("InvalidArgumentError: Incompatible shapes: [1,15,127] vs. [1,30,127]", "target", "data",
         "give y one target per input step"),
        ("ValueError: You are passing a target array of shape (453, 1) while using as loss "
         "`categorical_crossentropy`.", "target", "data",
         "one-hot the labels: y = keras.utils.to_categorical(y, n_classes)"),
    ],
)  # fmt: skip
def test_output_against_target(text: str, kind: str, culprit: str, fix: str) -> None:
    result = explain(text)
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit) == (kind, culprit), d
    assert d.fix.startswith(fix), d.fix


def test_shapes_incompatible_outside_a_loss_is_no_target() -> None:
    """The same wording when weights are loaded into another model says nothing of y."""
    text = (
        'File "train.py", line 9, in <module>\n    model.load_weights("w.h5")\n'
        "ValueError: Shapes (128, 512) and (256, 512) are incompatible"
    )
    assert explain(text) is None


@pytest.mark.parametrize(
    ("text", "expected", "found", "first", "fix"),
    [
        ("ValueError: Error when checking model target: expected activation_1 to have shape "
         "(None, 16, 1) but got array with shape (32, 16, 7881)", (None, 16, 1), (32, 16, 7881),
         "data", "y = np.argmax(y, axis=-1)[..., np.newaxis]"),
        ("ValueError: Error when checking target: expected dense_1 to have shape (1,) but got "
         "array with shape (10,)", (None, 1), (None, 10), "model",
         "end the model with Dense(10, activation='softmax')"),
    ],
)  # fmt: skip
def test_a_last_axis_of_1_in_keras_2s_target_check_is_a_sparse_loss_or_one_unit(
    text: str, expected: tuple[int | None, ...], found: tuple[int, ...], first: str, fix: str
) -> None:
    """Keras 1/2 check a sparse loss's y against ``output_shape[:-1] + (1,)``: the 1 is a
    one-unit layer or the sparse loss; model.output_shape[-1] decides. Per-step targets of
    vocabulary width are one-hot labels first. The shapes are the message's, whole."""
    result = explain(text)
    assert result is not None
    d = result.diagnosis
    assert (d.kind, d.culprit, d.expected, d.found, d.decided) == (
        "target",
        first,
        expected,
        found,
        False,
    )
    assert d.fix.startswith(fix), d.fix
    assert {a.kind for a in d.alternatives} == {"target"}
    assert d.decides.startswith("model.output_shape[-1]")
    sparse = next(f for f in (d.fix, *(a.fix for a in d.alternatives)) if "argmax" in f)
    y = np.eye(found[-1], dtype="float32")[np.arange(4 * 16) % found[-1]]
    y = y.reshape((4, 16, found[-1]) if len(found) == 3 else (64, found[-1]))
    ids = y.argmax(-1)
    scope = {"np": np, "y": y}
    exec(sparse.split("#")[0], scope)  # the fix as printed
    # per-step ids keep an axis of 1; Keras 1/2 add it themselves to a 1-D y
    assert scope["y"].shape == ((4, 16, 1) if len(found) == 3 else (64,))
    assert (scope["y"].reshape(ids.shape) == ids).all()
