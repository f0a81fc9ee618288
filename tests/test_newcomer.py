"""Newcomer papercuts (issue #27): what a first-time user reads, table and JSON alike."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

from .conftest import run_cli


def _ragged(folder: Path, lengths: list[int]) -> None:
    folder.mkdir()
    for i, n in enumerate(lengths):
        np.save(folder / f"seq_{i:03d}.npy", np.full((n, 3), i + 1, np.float32))


@pytest.mark.parametrize("suffix", [".npy", ".h5"])
@pytest.mark.parametrize("padding", ["pre", "post"])
def test_lengths_are_the_kept_timesteps_as_the_mask(
    tmp_path: Path, suffix: str, padding: str
) -> None:
    """`lengths` beside a truncated stack holds what was kept (the mask row's True count),
    never more than maxlen; the summary says how many were cut."""
    _ragged(tmp_path / "seqs", [2, 9, 5, 12])
    out = tmp_path / f"all{suffix}"
    result = run_cli(
        "pad", tmp_path / "seqs", "--sequence-files", "--maxlen", "5", "--mask",
        "--padding", padding, "--stack", out, "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["truncated"] == 2
    if suffix == ".npy":
        lengths = np.load(tmp_path / "all.lengths.npy")
        mask = np.load(tmp_path / "all.mask.npy")
    else:
        with h5py.File(out) as f:
            lengths, mask = f["lengths"][()], f["mask"][()]
    assert lengths.tolist() == [2, 5, 5, 5]
    assert mask.sum(axis=1).tolist() == lengths.tolist()


def test_ragged_member_lengths_are_kept_timesteps(tmp_path: Path) -> None:
    with h5py.File(tmp_path / "d.h5", "w") as f:
        for i, n in enumerate([3, 8]):
            f[f"clips/{i}"] = np.ones((n, 2), np.float32)
    out = tmp_path / "out"
    result = run_cli("pad", tmp_path / "d.h5", "--maxlen", "4", "--mask", "--out", out)
    assert result.exit_code == 0, result.output
    with h5py.File(out / "d.h5") as f:
        assert f["clips_lengths"][()].tolist() == [3, 4]
        assert f["clips_mask"][()].sum(axis=1).tolist() == [3, 4]
