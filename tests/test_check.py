"""check: the fixture models x data variants, with exact verdicts and finding kinds."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

from lstmdiag.data.discover import describe_paths
from lstmdiag.judge.check_options import CheckOptions
from lstmdiag.judge.checks import check_arrays
from lstmdiag.model import read_model

from .cases import Case, cases_for, single_input_models
from .conftest import DATA, MODELS, run_cli

ALL_CASES = [c for n in single_input_models((".keras", ".h5", ".json")) for c in cases_for(n)]


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.model}-{c.variant}")
def test_case_matrix(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.zeros(case.shape, dtype=case.dtype))
    report = check_arrays(read_model(MODELS / case.model), describe_paths([str(path)]))
    assert [f.verdict for f in report.files] == [case.verdict]
    assert tuple(f.kind.value for f in report.findings) == case.kinds
    assert report.exit_code() == (1 if case.verdict == "error" else 0)


def test_timesteps_finding_names_the_exact_fix_and_keras_behaviour(tmp_path: Path) -> None:
    model = MODELS / "k3/seq_fixed.keras"
    report = check_arrays(
        read_model(model),
        describe_paths([str(DATA / "short.npy")]),
        CheckOptions(model_arg=str(model)),
    )
    (finding,) = report.findings
    assert finding.expected == (None, 10, 8) and finding.found == (1, 4, 8)
    assert finding.fix == f"lstmdiag pad {DATA / 'short.npy'} --model {model} --out padded/"
    assert "NO error" in finding.message  # Keras 3 Sequential: silent
    functional = check_arrays(
        read_model(MODELS / "k3/bidir_td.keras"), describe_paths([str(DATA / "short.npy")])
    )
    assert "raises" in functional.findings[0].message
    keras2 = check_arrays(
        read_model(MODELS / "k2/seq_fixed.keras"), describe_paths([str(DATA / "short.npy")])
    )
    assert "raises" in keras2.findings[0].message


def test_masked_model_suggests_post_padding(tmp_path: Path) -> None:
    report = check_arrays(
        read_model(MODELS / "k3/func_masking.keras"), describe_paths([str(DATA / "short.npy")])
    )
    assert report.findings[0].fix is not None
    model = MODELS / "k3/func_masking.keras"
    assert report.findings[0].fix == (
        f"lstmdiag pad {DATA / 'short.npy'} --model {model} --padding post --out padded/"
    )


def test_two_input_model_maps_npz_members_by_name(tmp_path: Path) -> None:
    path = tmp_path / "both.npz"
    np.savez(
        path,
        audio=np.zeros((2, 10, 8), np.float32),
        video=np.zeros((2, 4, 3), np.float32),
        labels=np.zeros((2,), np.float32),
    )
    report = check_arrays(read_model(MODELS / "k3/two_input.keras"), describe_paths([str(path)]))
    rows = {(r.key, r.input, r.verdict) for r in report.files}
    assert rows == {
        ("audio", "audio", "ok"),
        ("video", "video", "error"),
        ("labels", None, "info"),
    }
    assert [(f.key, f.kind.value) for f in report.findings] == [
        ("video", "timesteps"),
        ("labels", "not-input"),
    ]


def test_input_option_maps_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.npy", tmp_path / "b.npy"
    np.save(a, np.zeros((2, 10, 8), np.float32))
    np.save(b, np.zeros((2, 5, 3), np.float32))
    result = run_cli(
        "check",
        MODELS / "k2/two_input.h5",
        "--input",
        f"audio={a}",
        "--input",
        f"video={b}",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(f["path"], f["input"], f["verdict"]) for f in data["files"]] == [
        (str(a), "audio", "ok"),
        (str(b), "video", "ok"),
    ]


def test_ragged_h5_collections(tmp_path: Path) -> None:
    path = tmp_path / "seqs.h5"
    with h5py.File(path, "w") as f:
        g = f.create_group("clips")
        for i, n in enumerate([3, 10, 12]):
            g.create_dataset(f"clip_{i}", data=np.ones((n, 8), np.float32))
        vl = f.create_dataset("tokens", (3,), dtype=h5py.vlen_dtype(np.int32))
        vl[0], vl[1], vl[2] = [1, 2], [3, 4, 5], [6]
    fixed = check_arrays(read_model(MODELS / "k3/seq_fixed.keras"), describe_paths([str(path)]))
    clips = [f for f in fixed.findings if f.key == "clips"]
    assert [(f.kind.value, f.severity.value) for f in clips] == [("ragged", "error")]
    assert "3 sequences of 3 to 12 timesteps" in clips[0].message
    free = check_arrays(read_model(MODELS / "k3/seq_none.keras"), describe_paths([str(path)]))
    clips = [f for f in free.findings if f.key == "clips"]
    assert [(f.kind.value, f.severity.value) for f in clips] == [("ragged", "warning")]
    assert clips[0].fix is not None and "--maxlen longest" in clips[0].fix
    tokens = check_arrays(
        read_model(MODELS / "k3/embed_maskzero_gru.keras"), describe_paths([str(path)])
    )
    tok = [f for f in tokens.findings if f.key == "tokens"]
    assert [(f.kind.value, f.severity.value) for f in tok] == [("ragged", "error")]


def test_unreadable_and_pickled_files_are_findings_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "trunc.npy").write_bytes((DATA / "ok.npy").read_bytes()[:200])
    np.save(
        tmp_path / "obj.npy", np.array([np.zeros(3), np.zeros(4)], dtype=object), allow_pickle=True
    )
    (tmp_path / "junk.npy").write_bytes(b"not an array at all")
    report = check_arrays(
        read_model(MODELS / "k3/seq_fixed.keras"), describe_paths([str(tmp_path)])
    )
    got = {(Path(f.path).name, f.kind.value) for f in report.findings}
    assert got == {
        ("trunc.npy", "unreadable"),
        ("obj.npy", "unreadable"),
        ("junk.npy", "unreadable"),
    }
    obj = next(f for f in report.findings if f.path.endswith("obj.npy"))
    assert "never unpickles" in obj.message and obj.fix


def test_deep_checks(tmp_path: Path) -> None:
    tokens = np.array([[5, 3, 0, 7, 0, 0], [0, 0, 4, 60, 2, 1]], np.int32)
    np.save(tmp_path / "tokens.npy", tokens)
    report = check_arrays(
        read_model(MODELS / "k3/embed_maskzero_gru.keras"),
        describe_paths([str(tmp_path / "tokens.npy")]),
        CheckOptions(deep=True),
    )
    kinds = [(f.kind.value, f.severity.value) for f in report.findings]
    # 6 timesteps into a 12-step model; id 60 >= input_dim 50; a 0 inside sequence 0;
    # sequence 1 is pre-padded under the mask.
    assert kinds == [
        ("timesteps", "error"),
        ("vocab", "error"),
        ("mask-collision", "warning"),
        ("padding", "info"),
    ]
    vocab = report.findings[1]
    assert "1 too large: Keras raises on CPU" in vocab.message
    assert "negative" not in vocab.message
    assert "1 real timestep inside sequences equals" in report.findings[2].message
    assert "1 sequences are pre-padded" in report.findings[3].message

    frames = np.ones((2, 10, 8), np.float32)
    frames[0, 4] = 0.0  # a real all-zero frame inside a sequence: Masking(0.0) hides it
    frames[1, 8:] = 0.0  # post-padding: fine
    frames[1, 0, 0] = np.nan
    np.save(tmp_path / "frames.npy", frames)
    report = check_arrays(
        read_model(MODELS / "k2/func_masking.h5"),
        describe_paths([str(tmp_path / "frames.npy")]),
        CheckOptions(deep=True),
    )
    assert [(f.kind.value, f.severity.value) for f in report.findings] == [
        ("non-finite", "warning"),
        ("mask-collision", "warning"),
    ]
    assert report.findings[0].message.startswith("1 NaN/Inf")


def test_float_token_ids_must_be_integral(tmp_path: Path) -> None:
    np.save(tmp_path / "t.npy", np.array([[1.0, 2.5] * 6], np.float32))
    report = check_arrays(
        read_model(MODELS / "k2/embed_maskzero_gru.keras"),
        describe_paths([str(tmp_path / "t.npy")]),
        CheckOptions(deep=True),
    )
    assert [(f.kind.value, f.severity.value) for f in report.findings] == [("dtype", "error")]


def test_float64_is_a_warning_and_fail_on_warning(tmp_path: Path) -> None:
    model = MODELS / "k3/seq_fixed.keras"
    result = run_cli("check", model, DATA / "float64.npy")
    assert result.exit_code == 0
    assert "float64" in result.stdout
    result = run_cli("check", model, DATA / "float64.npy", "--fail-on", "warning")
    assert result.exit_code == 1
    result = run_cli(
        "check", model, DATA / "float64.npy", "--ignore", "dtype", "--fail-on", "warning"
    )
    assert result.exit_code == 0


@pytest.mark.parametrize("model", ["k3/univariate.keras", "k2/univariate_seq.keras"])
def test_one_feature_series_fixes_are_applied_and_checked_again(tmp_path: Path, model: str) -> None:
    """Into (None, 10, 1): (N, 10) is a warning (Keras adds the axis), a 1-D (10,) is one
    sequence (reshape), a 1-D (50,) is a series (window); each fix, run as printed, passes."""
    path = MODELS / model
    values = np.arange(50, dtype=np.float32)
    np.save(tmp_path / "rows.npy", np.zeros((3, 10), np.float32))
    np.save(tmp_path / "one.npy", values[:10])
    np.save(tmp_path / "series.npy", values)
    rows = run_cli("check", path, tmp_path / "rows.npy", "-f", "json")
    (finding,) = json.loads(rows.stdout)["findings"]
    assert rows.exit_code == 0 and (finding["kind"], finding["severity"]) == (
        "missing-axis",
        "warning",
    )
    assert "Keras itself adds this axis and runs" in finding["message"]
    one = json.loads(run_cli("check", path, tmp_path / "one.npy", "-f", "json").stdout)
    (finding,) = one["findings"]
    assert finding["fix"].startswith("x = x.reshape(1, -1, 1)")
    x = np.load(tmp_path / "one.npy")
    x = x.reshape(1, -1, 1)
    np.save(tmp_path / "one_fixed.npy", x)
    assert run_cli("check", path, tmp_path / "one_fixed.npy").exit_code == 0
    series = json.loads(run_cli("check", path, tmp_path / "series.npy", "-f", "json").stdout)
    (finding,) = series["findings"]
    assert finding["severity"] == "error"
    argv = finding["fix"].replace("windows/", f"{tmp_path}/windows/").split()
    assert argv[:2] == ["lstmdiag", "window"]
    assert run_cli(*argv[1:]).exit_code == 0
    windows = np.load(tmp_path / "windows/series.npy")
    assert windows.shape == (41, 10, 1) and np.array_equal(windows[3, :, 0], values[3:13])
    assert run_cli("check", path, tmp_path / "windows").exit_code == 0
