"""The right fix on every path (issue "The right fix on every path"): one rule for what each
array is and how its axes read, fixes that work as printed, and no data lost unannounced.
The fix oracle (test_fix_oracle.py) applies every fix under real Keras; these tests pin each
case down without Keras, exactly."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

import lstmdiag
from lstmdiag.data.discover import describe_paths
from lstmdiag.judge.check_options import CheckOptions
from lstmdiag.judge.checks import check_arrays
from lstmdiag.judge.keras_says import keras_on_wrong_batch
from lstmdiag.judge.shape_findings import fix_out_dir
from lstmdiag.model.spec import InputSpec, MaskSpec, ModelSpec

from .conftest import MODELS, run_cli


def _model(
    shape: tuple[int | None, ...],
    *,
    output: tuple[int | None, ...] = (None, 1),
    mask: float | None = None,
    sequential: bool = False,
    version: str = "3.15.1",
) -> ModelSpec:
    masking = () if mask is None else (MaskSpec("masking", "Masking", mask, "x"),)
    return ModelSpec(
        "m.keras",
        "keras",
        version,
        "Sequential" if sequential else "Functional",
        sequential,
        (InputSpec("x", shape, "float32"),),
        (),
        masking,
        outputs=(output,),
        keras_generation=int(version[0]),
    )


def _exec(fix: str, x: np.ndarray) -> np.ndarray:
    scope: dict[str, Any] = {"np": np, "x": x}
    exec(fix, scope)  # lstmdiag's own printed fix, applied as a user pastes it
    return np.asarray(scope["x"])


@pytest.mark.parametrize(
    ("shape", "input_shape", "kind"),
    [
        ((9, 1), (None, 9, 1), "missing-batch"),  # shaped like the (None, 1) output too
        ((300,), (None, 9, 1), "missing-axis"),
        ((7,), (None, 9, 1), "missing-axis"),
    ],
)
def test_the_only_array_for_a_one_input_model_is_its_input(
    tmp_path: Path, shape: tuple[int, ...], input_shape: tuple[int | None, ...], kind: str
) -> None:
    np.save(tmp_path / "one.npy", np.ones(shape, np.float32))
    report = check_arrays(_model(input_shape), describe_paths([str(tmp_path / "one.npy")]))
    assert [f.role for f in report.files] == ["input"]
    assert [f.kind.value for f in report.findings] == [kind]
    assert not any(f.kind.value == "missing-input" for f in report.findings)


def test_an_output_shaped_array_beside_the_input_is_the_target(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.ones((5, 9, 1), np.float32))
    np.save(tmp_path / "b.npy", np.ones((5, 1), np.float32))
    report = check_arrays(_model((None, 9, 1)), describe_paths([str(tmp_path)]))
    assert [(Path(f.path).name, f.role) for f in report.files] == [
        ("a.npy", "input"),
        ("b.npy", "target"),
    ]
    assert report.exit_code() == 0


def _root_h5(path: Path, lengths: list[int], features: int = 8) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    seqs = [rng.uniform(0.5, 1.5, (n, features)).astype(np.float32) for n in lengths]
    with h5py.File(path, "w") as f:
        for i, s in enumerate(seqs):
            f[str(i)] = s
    return seqs


def test_root_level_h5_sequences_are_one_collection_for_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seqs = _root_h5(tmp_path / "seqs.h5", [3, 10, 16, 5, 20, 7])
    model = str(MODELS / "k3/seq_fixed.keras")
    result = run_cli("check", model, "seqs.h5", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    assert {f["kind"] for f in findings} == {"ragged"}  # no cardinality, no expand_dims
    assert {f["fix"] for f in findings} == {f"lstmdiag pad seqs.h5 --model {model} --out padded/"}
    assert findings[0]["message"].endswith(
        "the model fixes 10: 2 of 6 sequences are cut, keeping 45 of 61 timesteps (74%) in all"
    )
    table = run_cli("check", model, "seqs.h5").stdout
    (fix,) = [line for line in table.splitlines() if line.startswith("    fix: ")]
    assert run_cli(*shlex.split(fix[len("    fix: lstmdiag ") :])).exit_code == 0
    assert run_cli("check", model, "padded/").exit_code == 0
    stats = json.loads(run_cli("stats", "seqs.h5", "--format", "json").stdout)
    assert (stats["count"], stats["min"], stats["max"]) == (6, 3, 20)
    with h5py.File("padded/seqs.h5") as f:  # pre-padded, pre-truncated, like pad_sequences
        assert np.array_equal(f["4"][0], seqs[4][-10:])
        assert np.array_equal(f["0"][0, 7:], seqs[0]) and not f["0"][0, :7].any()


def test_a_folder_of_one_sequence_files_is_padded_not_expanded(tmp_path: Path) -> None:
    for i, n in enumerate([3, 10, 16]):
        np.save(tmp_path / f"rec{i}.npy", np.ones((n, 8), np.float32))
    report = check_arrays(_model((None, 10, 8)), describe_paths([str(tmp_path)]))
    assert {f.kind.value for f in report.findings} == {"ragged"}
    assert all((f.fix or "").startswith("lstmdiag pad ") for f in report.findings)


def test_any_length_model_pads_to_the_longest_and_cuts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seqs = _root_h5(tmp_path / "seqs.h5", [3, 10, 16])
    model = str(MODELS / "k3/seq_none.keras")
    (finding, *_) = json.loads(run_cli("check", model, "seqs.h5", "--format", "json").stdout)[
        "findings"
    ]
    assert finding["severity"] == "warning" and "--maxlen longest" in finding["fix"]
    assert "padding to the longest cuts nothing" in finding["message"]
    assert run_cli(*shlex.split(finding["fix"])[1:]).exit_code == 0
    with h5py.File("padded/seqs.h5") as f:
        assert all(f[str(i)].shape == (1, 16, 8) for i in range(3))
        assert np.array_equal(f["2"][0], seqs[2])


def test_pad_maxlen_longest_without_a_model(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    np.save(tmp_path / "in" / "a.npy", np.ones((2, 4, 3), np.float32))
    np.save(tmp_path / "in" / "b.npy", np.ones((2, 9, 3), np.float32))
    out = tmp_path / "out"
    result = run_cli("pad", str(tmp_path / "in"), "--maxlen", "longest", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert np.load(out / "a.npy").shape == (2, 9, 3)


def test_pad_uses_the_model_mask_value_and_refuses_another(tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", np.full((2, 4, 8), 0.7, np.float32))
    model = str(MODELS / "k3/func_masking.keras")  # Masking(mask_value=0.0), T=10
    for value in ("5", "auto"):
        refused = run_cli(
            "pad", str(tmp_path / "x.npy"), "--model", model, "--value", value, "--out", "o/"
        )
        assert refused.exit_code == 2
        assert "masked by the value 0 (the model's mask)" in refused.output
    out = tmp_path / "out"
    done = run_cli("pad", str(tmp_path / "x.npy"), "--model", model, "--out", str(out))
    assert done.exit_code == 0, done.output
    padded = np.load(out / "x.npy")
    assert padded.shape == (2, 10, 8) and not padded[:, :6].any()


def test_pad_defaults_to_a_nonzero_mask_value(tmp_path: Path) -> None:
    """What the model masks pads: a Masking(-1.0) model gets -1.0, not Keras's 0.0."""
    from lstmdiag.transform.pad_plan import PadOptions, plan_pad
    from lstmdiag.transform.padding import run_pad

    np.save(tmp_path / "x.npy", np.full((2, 4, 8), 0.7, np.float32))
    spec = _model((None, 10, 8), mask=-1.0)
    options = PadOptions(out=tmp_path / "out")
    paths = [str(tmp_path / "x.npy")]
    run_pad(plan_pad(paths, describe_paths(paths), options, spec))
    padded = np.load(tmp_path / "out" / "x.npy")
    assert (padded[:, :6] == -1.0).all() and (padded[:, 6:] == 0.7).all()


def test_deep_check_finds_padding_the_mask_does_not_skip(tmp_path: Path) -> None:
    x = np.full((4, 10, 8), 5.0, np.float32)
    for i, n in enumerate((3, 5, 10, 4)):
        x[i, :n] = np.random.default_rng(i).uniform(0.5, 1.5, (n, 8))
    np.save(tmp_path / "x.npy", x)
    spec = _model((None, 10, 8), mask=0.0)
    report = check_arrays(spec, describe_paths([str(tmp_path / "x.npy")]), CheckOptions(deep=True))
    (finding,) = report.findings
    assert finding.kind.value == "padding" and finding.severity.value == "warning"
    assert finding.message.startswith("3 sequences end in a run of timesteps that all equal 5.0")
    assert finding.fix is not None
    fixed = _exec(finding.fix, np.load(tmp_path / "x.npy"))
    assert (fixed[0, 3:] == 0).all() and np.array_equal(fixed[0, :3], x[0, :3])
    assert np.array_equal(fixed[2], x[2])  # a full-length row is untouched
    np.save(tmp_path / "x.npy", fixed)
    again = check_arrays(spec, describe_paths([str(tmp_path / "x.npy")]), CheckOptions(deep=True))
    assert not again.findings


def test_pre_padding_fix_moves_the_padding(tmp_path: Path) -> None:
    x = np.zeros((2, 6, 3), np.float32)
    x[0, 4:] = 0.5
    x[1, 1:] = 0.25
    np.save(tmp_path / "x.npy", x)
    spec = _model((None, 6, 3), mask=0.0)
    report = check_arrays(spec, describe_paths([str(tmp_path / "x.npy")]), CheckOptions(deep=True))
    (finding,) = report.findings
    assert finding.kind.value == "padding" and finding.fix is not None
    fixed = _exec(finding.fix, x)
    assert (fixed[0, :2] == 0.5).all() and not fixed[0, 2:].any()
    assert (fixed[1, :5] == 0.25).all() and not fixed[1, 5:].any()


def test_a_mask_collision_fix_is_prose_not_a_failing_command(tmp_path: Path) -> None:
    x = np.full((3, 6, 2), 0.5, np.float32)
    x[0, 2] = 0.0
    np.save(tmp_path / "x.npy", x)
    report = check_arrays(
        _model((None, 6, 2), mask=0.0),
        describe_paths([str(tmp_path / "x.npy")]),
        CheckOptions(deep=True),
    )
    (finding,) = report.findings
    assert finding.kind.value == "mask-collision" and finding.culprit == "model"
    assert finding.fix is not None and not finding.fix.startswith("lstmdiag ")
    assert "the values run from 0 to 0.5" in finding.fix


@pytest.mark.parametrize(("major", "silent"), [("2.21.0", True), ("3.15.1", False)])
def test_one_sample_into_a_fixed_batch(major: str, silent: bool) -> None:
    """tf-keras broadcasts a batch of one against the state; Keras 3 raises (both seen with a
    stateful LSTM of batch 4 in the fix oracle)."""
    spec = _model((4, 10, 8), version=major)
    ran, sentence = keras_on_wrong_batch(spec, 1)
    assert ran is silent
    assert ("NO error" in sentence) is silent
    assert keras_on_wrong_batch(spec, 3) == (False, "Keras raises an error")


def test_batch_fix_is_one_literal_snippet(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.ones((6, 10, 8), np.float32))
    np.save(tmp_path / "b.npy", np.ones((12, 10, 8), np.float32))
    spec = _model((4, 10, 8))
    report = check_arrays(spec, describe_paths([str(tmp_path)]))
    six, twelve = [f for f in report.findings if f.kind.value == "batch"]
    assert six.severity.value == "error" and six.fix is not None
    assert _exec(six.fix, np.ones((6, 10, 8), np.float32)).shape == (8, 10, 8)
    assert "model.predict(x, batch_size=4)[:6]" in six.fix
    assert twelve.severity.value == "warning" and twelve.fix == "model.predict(x, batch_size=4)"


def test_a_series_window_snippet_runs_on_the_shape_it_is_printed_for() -> None:
    spec = _model((None, 10, 1))
    series = np.arange(300, dtype=np.float32)
    (finding,) = lstmdiag.check(spec, series).findings
    assert finding.fix is not None
    windows = _exec(finding.fix, series)
    assert windows.shape == (291, 10, 1) and np.array_equal(windows[5, :, 0], series[5:15])
    assert lstmdiag.check(spec, windows).exit_code() == 0


def test_long_batches_window_alternative_windows_each_sequence() -> None:
    spec = _model((None, 10, 8))
    x = np.random.default_rng(0).uniform(size=(3, 41, 8)).astype(np.float32)
    (finding,) = lstmdiag.check(spec, x).findings
    (windows_fix,) = [fix for kind, fix, _ in finding.alternatives if kind == "missing-axis"]
    windows = _exec(windows_fix, x)
    assert windows.shape == (3 * 32, 10, 8)
    assert np.array_equal(windows[33], x[1, 1:11])


def test_window_layout_follows_keras_without_a_model(tmp_path: Path) -> None:
    series = np.arange(50, dtype=np.float32)
    np.save(tmp_path / "s.npy", series)
    plain = run_cli(
        "window", str(tmp_path / "s.npy"), "--timesteps", "5", "--stack", str(tmp_path / "w.npy")
    )
    assert plain.exit_code == 0, plain.output
    assert np.array_equal(np.load(tmp_path / "w.npy"), lstmdiag.windows(series, 5))
    model = str(MODELS / "k3/univariate_seq.keras")  # (None, 10, 1)
    run = run_cli(
        "window", str(tmp_path / "s.npy"), "--model", model, "--stack", str(tmp_path / "m.npy")
    )
    assert run.exit_code == 0, run.output
    assert np.load(tmp_path / "m.npy").shape == (41, 10, 1)


def test_stats_reports_the_rest_and_lists_ambiguous_arrays_once(tmp_path: Path) -> None:
    for i, n in enumerate((3, 10)):
        np.save(tmp_path / f"a{i}.npy", np.ones((2, n, 8), np.float32))
    np.save(tmp_path / "amb.npy", np.ones((30, 8), np.float32))
    data = json.loads(run_cli("stats", str(tmp_path), "--format", "json").stdout)
    assert data["count"] == 4 and len(data["skipped"]) == 1
    assert "amb.npy (30, 8) float32: one sequence of 30 timesteps" in data["skipped"][0]


def test_a_recheck_inside_the_output_folder_writes_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "padded").mkdir()
    np.save(tmp_path / "padded" / "a.npy", np.ones((2, 5, 8), np.float32))
    monkeypatch.chdir(tmp_path / "padded")
    (info,) = describe_paths(["."])
    assert fix_out_dir(info, (".",)) == "../padded-2/"
    monkeypatch.chdir(tmp_path)
    (info,) = describe_paths(["padded"])
    assert fix_out_dir(info, ("padded",)) == "padded-2/"


def test_stats_json_is_json_even_when_it_refuses(tmp_path: Path) -> None:
    np.save(tmp_path / "amb.npy", np.ones((30, 8), np.float32))
    result = run_cli("stats", str(tmp_path / "amb.npy"), "--format", "json")
    assert result.exit_code == 2
    assert "cannot tell how to read" in json.loads(result.stdout)["error"]


def test_container_sequences_without_a_model_are_sequences(tmp_path: Path) -> None:
    _root_h5(tmp_path / "seqs.h5", [3, 10, 16])
    data = json.loads(run_cli("stats", str(tmp_path / "seqs.h5"), "--format", "json").stdout)
    assert (data["count"], data["min"], data["max"], data["skipped"]) == (3, 3, 16, [])
