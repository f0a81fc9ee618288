"""pad and window on arrays return arrays (issue #25), made by the same plan as on files."""

from __future__ import annotations

import numpy as np
import pytest

import lstmdiag

from .conftest import MODELS


def test_pad_on_sequences_returns_the_padded_array_and_says_what_it_cut() -> None:
    short = np.arange(1, 4, dtype="float32").reshape(3, 1)
    long = np.arange(1, 13, dtype="float32").reshape(12, 1)
    with pytest.warns(UserWarning, match=r"^pad: 1 of 2 sequences were cut to 10 timesteps"):
        x = lstmdiag.pad([short, long], maxlen=10)
    assert isinstance(x, np.ndarray) and x.shape == (2, 10, 1) and x.dtype == np.float32
    # Keras's defaults: padding and truncating "pre" (the last 10 steps are kept)
    assert x[0, :, 0].tolist() == [0] * 7 + [1, 2, 3]
    assert x[1, :, 0].tolist() == list(range(3, 13))


def test_pad_with_the_model_and_a_mask_returns_both() -> None:
    seqs = [np.ones((3, 8), "float32"), np.ones((5, 8), "float32")]
    x, mask = lstmdiag.pad(seqs, model=MODELS / "k3" / "seq_fixed.keras", mask=True)
    assert (x.shape, mask.shape, mask.dtype) == ((2, 10, 8), (2, 10), np.dtype(bool))
    assert mask.sum(axis=1).tolist() == [3, 5] and mask[0, -3:].all()


def test_window_on_an_array_returns_the_windows_lstmdiag_windows_makes() -> None:
    series = np.arange(40, dtype="float32").reshape(20, 2)
    got = lstmdiag.window(series, timesteps=5)
    assert got.shape == (16, 5, 2)
    np.testing.assert_array_equal(got, lstmdiag.windows(series, 5))


def test_arrays_with_an_output_path_are_refused_in_one_line(tmp_path: object) -> None:
    with pytest.raises(lstmdiag.LstmdiagError, match=r"^pad: out= writes files; give paths"):
        lstmdiag.pad([np.ones((3, 1))], out=str(tmp_path))


def test_without_maxlen_or_model_arrays_are_padded_to_the_longest_as_keras_does() -> None:
    x = lstmdiag.pad([np.ones((2, 1), "float32"), np.ones((4, 1), "float32")])
    assert x.shape == (2, 4, 1) and x[0, :, 0].tolist() == [0, 0, 1, 1]
