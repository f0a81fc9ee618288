"""Output a person can read (issue #14): grouped findings at 1,000 files, whole paths at 80
columns and in pipes, plurals, real metavars, a discoverable API, pad from configuration."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lstmdiag

from .conftest import MODELS, run_cli

SEQ = MODELS / "k3/seq_fixed.keras"


def _clips(folder: Path, count: int) -> None:
    rng = np.random.default_rng(0)
    for i in range(count):
        steps = 10 if i % 23 == 0 else int(rng.integers(3, 200))
        np.save(folder / f"clip_{i:04d}.npy", np.zeros((1, steps, 8), np.float32))


def test_a_thousand_files_with_one_cause_are_one_entry_with_one_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "deep" / "multi_input" / "clips"
    data.mkdir(parents=True)
    _clips(data, 1000)
    result = subprocess.run(
        [sys.executable, "-m", "lstmdiag", "check", str(SEQ), "deep"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": ""},
        check=False,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) <= 8, result.stdout
    assert lines[0] == "in deep/multi_input/clips/"
    assert "error timesteps: 951 arrays: 3-199 timesteps; the model takes exactly 10" in lines
    (fix,) = [ln.strip()[len("fix: ") :] for ln in lines if ln.strip().startswith("fix: ")]
    assert fix == f"lstmdiag pad deep --model {SEQ} --out padded/"
    assert lines[-1].endswith("49 ok, 0 warnings, 951 errors")
    assert run_cli(*shlex.split(fix)[1:]).exit_code == 0  # one command fixes them all
    assert lstmdiag.check(SEQ, "padded").exit_code() == 0
    verbose = run_cli("check", SEQ, "deep", "-v")
    assert verbose.stdout.count("clip_") >= 1000  # -v lists every array


def test_the_folder_fix_excludes_unreadable_files_and_works_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pad stops at an unreadable file, so the one fix for a folder names the unreadable
    files it found with --exclude (whose names may hold glob characters); applied as printed,
    it pads every readable file, keeps all their values, and the copies pass."""
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "clips"
    data.mkdir()
    for i, steps in enumerate((4, 6, 7)):
        np.save(data / f"c{i}.npy", np.full((1, steps, 8), i + 1, np.float32))
    (data / "broken [1].npy").write_bytes(b"\x93NUMPY\x01\x00garbage")
    result = run_cli("check", SEQ, "clips")
    (fix,) = [ln.strip()[len("fix: ") :] for ln in result.stdout.splitlines() if "fix: " in ln]
    assert fix == (
        f"lstmdiag pad clips --model {SEQ} --out padded/ --exclude 'clips/broken [[]1].npy'"
    )
    assert run_cli(*shlex.split(fix)[1:]).exit_code == 0
    assert lstmdiag.check(SEQ, "padded").exit_code() == 0
    for i, steps in enumerate((4, 6, 7)):
        padded = np.load(tmp_path / "padded" / f"c{i}.npy")
        assert padded.shape == (1, 10, 8) and (padded[0, -steps:] == i + 1).all()
        assert (padded[0, :-steps] == 0).all()


def test_paths_stay_whole_at_80_columns_in_a_pipe(tmp_path: Path) -> None:
    folder = tmp_path / "a_rather_long_folder_name" / "and_a_second_long_folder"
    folder.mkdir(parents=True)
    names = ["wrong_number_of_timesteps_in_this_clip.npy", "bad_static_features_here.npy"]
    np.save(folder / names[0], np.zeros((1, 4, 8), np.float32))
    np.save(folder / names[1], np.zeros((1, 10, 5), np.float32))
    proc = subprocess.run(
        [sys.executable, "-m", "lstmdiag", "check", str(SEQ), str(tmp_path)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": ""},
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 1
    assert out.splitlines()[0] == f"in {folder}/"  # the common folder, named once
    for name in names:
        assert f"{name}: error" in out  # whole, relative to it, never split across lines


def test_plurals() -> None:
    one = run_cli("check", SEQ, MODELS.parent / "data" / "float64.npy")
    assert "1 array checked" in one.stdout and "1 warning," in one.stdout
    assert "0 errors" in one.stdout and "1 warnings" not in one.stdout
    pad = run_cli(
        "pad",
        MODELS.parent / "data" / "short.npy",
        "--maxlen",
        "10",
        "--out",
        "/tmp/never-written-" + str(id(one)),
        "-q",
    )
    assert pad.exit_code == 0


def test_inspect_never_cuts_a_name_or_a_shape() -> None:
    for width in ("60", "80"):
        proc = subprocess.run(
            [sys.executable, "-m", "lstmdiag", "inspect", str(MODELS / "k3/bidir_td.keras")],
            capture_output=True,
            text=True,
            env={"COLUMNS": width, "PATH": ""},
            check=False,
        )
        assert "…" not in proc.stdout and "bidirectional" in proc.stdout
        assert "(None, 10, 8)" in proc.stdout
    one_input = run_cli("inspect", MODELS / "k3/seq_fixed.keras")
    assert "┃ input ┃" not in one_input.stdout  # a column that would only repeat one name


@pytest.mark.parametrize("command", ["inspect", "check", "pad", "stats", "explain", "window"])
def test_help_shows_real_metavars(command: str) -> None:
    text = run_cli(command, "--help").stdout
    assert "<str>" not in text and not re.search(r"\{\w+\}", text), text


def test_dir_lists_the_public_api() -> None:
    names = dir(lstmdiag)
    assert {"check", "assert_compatible", "pad", "window", "inspect_model"} <= set(names)
    assert "TYPE_CHECKING" not in names and "Any" not in names


def test_bare_pad_runs_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    np.save(tmp_path / "data" / "x.npy", np.ones((2, 4, 8), np.float32))
    bare = run_cli("pad", "--maxlen", "10")
    assert bare.exit_code == 2 and "set inputs in [tool.lstmdiag]" in bare.stderr
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lstmdiag]\ninputs = ["data"]\n\n[tool.lstmdiag.pad]\nout = "padded"\n'
    )
    configured = run_cli("pad", "--maxlen", "10")
    assert configured.exit_code == 0, configured.stderr
    assert np.load(tmp_path / "padded" / "x.npy").shape == (2, 10, 8)


def test_progress_never_shows_in_a_pipe_or_quickly() -> None:
    from lstmdiag.cli.steps import LateProgress

    with LateProgress("x") as progress:  # stderr is not a terminal under pytest
        progress(1, 10)
        assert progress.bar is None
    quick = LateProgress("x")
    quick.enabled = True
    quick(1, 10)  # within the first second: nothing yet
    assert quick.bar is None


def test_bare_window_runs_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    np.save(tmp_path / "data" / "s.npy", np.ones((30, 8), np.float32))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lstmdiag]\ninputs = ["data"]\n\n[tool.lstmdiag.window]\nout = "w"\n'
        "timesteps = 10\nstride = 5\n"
    )
    result = run_cli("window")
    assert result.exit_code == 0, result.stderr
    assert np.load(tmp_path / "w" / "s.npy").shape == (5, 10, 8)
    (tmp_path / "pyproject.toml").write_text('[tool.lstmdiag.window]\nstride = "4"\n')
    bad = run_cli("window", "data", "-T", "3", "--out", "x")
    assert bad.exit_code == 2 and "'stride' must be a whole number" in bad.stderr
