"""Array roles, whole-dataset checks, per-input padding and the refusal to guess layouts.

Every case here comes from issue #10 as a new user met it: the fix either makes the data
pass `check` and keeps every value, or lstmdiag says why it will not write anything.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import h5py
import numpy as np
import pytest

import lstmdiag
from lstmdiag.data.discover import describe_paths
from lstmdiag.errors import LstmdiagError
from lstmdiag.judge.check_options import CheckOptions
from lstmdiag.judge.checks import check_arrays
from lstmdiag.judge.layout import place
from lstmdiag.judge.roles import Role, classify
from lstmdiag.model import InputSpec, read_model

from .conftest import DATA, MODELS, run_cli

TWO = MODELS / "k3/two_input.keras"  # audio (None, 10, 8), video (None, 5, 3)
SEQ = MODELS / "k3/seq_fixed.keras"  # (None, 10, 8), Sequential, output (None, 1)
TOKENS = MODELS / "k3/embed_maskzero_gru.keras"  # tokens (None, 12) int32, input_dim 50


def _rows(report: lstmdiag.Report) -> list[tuple[str | None, str, str | None, str]]:
    return [(r.key or Path(r.path).name, r.role, r.input, r.verdict) for r in report.files]


def _kinds(report: lstmdiag.Report) -> list[tuple[str, str]]:
    return [(f.key or Path(f.path).name, f.kind.value) for f in report.findings]


# -- roles ------------------------------------------------------------------------------------
def test_targets_labels_masks_and_lengths_are_not_inputs(tmp_path: Path) -> None:
    np.savez(tmp_path / "xy.npz", x=np.ones((2, 10, 8), np.float32), y=np.zeros((2, 1)))
    np.save(tmp_path / "labels.npy", np.zeros((2,), np.int64))
    np.save(tmp_path / "y_train.npy", np.zeros((2, 3), np.float32))
    np.save(tmp_path / "clip.mask.npy", np.ones((2, 10), bool))
    np.save(tmp_path / "stack.lengths.npy", np.full((2,), 10, np.int64))
    np.save(tmp_path / "scores.npy", np.zeros((2, 1), np.float32))  # the output's shape
    report = lstmdiag.check(SEQ, [str(tmp_path)])
    assert sorted(_rows(report)) == [
        ("clip.mask.npy", "mask", None, "info"),
        ("labels.npy", "target", None, "info"),
        ("scores.npy", "target", None, "info"),
        ("stack.lengths.npy", "lengths", None, "info"),
        ("x", "input", "input_layer", "ok"),
        ("y", "target", None, "info"),
        ("y_train.npy", "target", None, "info"),
    ]
    assert {k for _, k in _kinds(report)} == {"not-input"}
    assert report.exit_code() == 0
    assert report.summary.not_inputs == 6 and report.summary.ok == 1


def test_a_target_shaped_like_an_input_is_still_a_target_by_name(tmp_path: Path) -> None:
    """Seq2seq targets have the input's shape: the name decides, not the shape."""
    np.savez(tmp_path / "s2s.npz", x=np.ones((2, 10, 8)), y=np.ones((2, 10, 8)))
    roles = classify(read_model(SEQ), describe_paths([str(tmp_path / "s2s.npz")]))
    assert [r.role for r in roles] == [Role.INPUT, Role.TARGET]


def test_exclude_leaves_arrays_out_entirely(tmp_path: Path) -> None:
    np.save(tmp_path / "ok.npy", np.ones((2, 10, 8), np.float32))
    np.save(tmp_path / "meta_info.npy", np.ones((2, 3, 3), np.float32))
    result = run_cli("check", SEQ, tmp_path, "--exclude", "meta_*", "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["ok.npy"]
    without = run_cli("check", SEQ, tmp_path, "--format", "json")
    assert without.exit_code == 1


def test_exclude_from_configuration(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    np.save(data / "ok.npy", np.ones((2, 10, 8), np.float32))
    np.save(data / "junk.npy", np.ones((2, 3, 3), np.float32))
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.lstmdiag]\nmodel = "{SEQ}"\ninputs = ["data"]\nexclude = ["junk.npy"]\n'
    )
    result = run_cli("check", "--config", tmp_path / "pyproject.toml", "--format", "json")
    assert result.exit_code == 0, result.stdout


# -- whole-dataset checks -----------------------------------------------------------------------
def test_a_model_input_without_data_is_an_error(tmp_path: Path) -> None:
    np.save(tmp_path / "audio_only.npy", np.ones((2, 10, 8), np.float32))
    result = run_cli(
        "check", TWO, "--input", f"audio={tmp_path / 'audio_only.npy'}", "--format", "json"
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    missing = [f for f in data["findings"] if f["kind"] == "missing-input"]
    assert [(f["input"], f["path"], f["expected"]) for f in missing] == [
        ("video", str(TWO), [None, 5, 3])
    ]
    assert data["summary"]["dataset_errors"] == 1 and data["summary"]["ok"] == 1


def test_files_that_feed_no_input_do_not_pass_a_multi_input_check(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.ones((2, 7, 7), np.float32))
    np.save(tmp_path / "b.npy", np.ones((2, 6, 6), np.float32))
    report = lstmdiag.check(TWO, [str(tmp_path)])
    assert sorted(_kinds(report)) == [
        ("a.npy", "unmapped"),
        ("b.npy", "unmapped"),
        ("two_input.keras", "missing-input"),
        ("two_input.keras", "missing-input"),
    ]
    assert report.exit_code() == 1


def test_inputs_in_one_npz_must_agree_on_the_batch(tmp_path: Path) -> None:
    np.savez(
        tmp_path / "pair.npz",
        audio=np.ones((2, 10, 8), np.float32),
        video=np.ones((3, 5, 3), np.float32),
    )
    report = lstmdiag.check(TWO, str(tmp_path / "pair.npz"))
    assert _kinds(report) == [("audio", "cardinality"), ("video", "cardinality")]
    assert "(audio 2, video 3)" in report.findings[0].message
    assert "Data cardinality is ambiguous" in report.findings[0].message
    assert report.exit_code() == 1


def test_targets_count_toward_cardinality(tmp_path: Path) -> None:
    np.savez(tmp_path / "xy.npz", x=np.ones((4, 10, 8), np.float32), y=np.zeros((3, 1)))
    report = lstmdiag.check(SEQ, str(tmp_path / "xy.npz"))
    assert [k for _, k in _kinds(report)] == ["cardinality", "not-input", "cardinality"]


def test_inputs_from_separate_files_must_agree(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.ones((2, 10, 8), np.float32))
    np.save(tmp_path / "v.npy", np.ones((3, 5, 3), np.float32))
    report = lstmdiag.check(
        TWO, {"audio": str(tmp_path / "a.npy"), "video": str(tmp_path / "v.npy")}
    )
    assert [k for _, k in _kinds(report)] == ["cardinality", "cardinality"]
    assert "(audio 2, video 3)" in report.findings[0].message


def test_per_file_layouts_pair_by_name(tmp_path: Path) -> None:
    audio, video = tmp_path / "audio", tmp_path / "video"
    audio.mkdir()
    video.mkdir()
    for name in ("0001", "0002"):
        np.save(audio / f"{name}.npy", np.ones((1, 10, 8), np.float32))
    for name in ("0001", "0003"):
        np.save(video / f"{name}.npy", np.ones((1, 5, 3), np.float32))
    report = lstmdiag.check(TWO, {"audio": str(audio), "video": str(video)})
    bad = [f for f in report.findings if f.kind.value == "cardinality"]
    assert len(bad) == 2 and "file 2 of each input has a different name" in bad[0].message
    (video / "0003.npy").rename(video / "0002.npy")
    assert lstmdiag.check(TWO, {"audio": str(audio), "video": str(video)}).exit_code() == 0
    np.save(video / "0004.npy", np.ones((1, 5, 3), np.float32))
    report = lstmdiag.check(TWO, {"audio": str(audio), "video": str(video)})
    assert "different numbers of arrays (audio 2, video 3)" in report.findings[0].message


def test_a_feature_only_input_is_not_offered_padding() -> None:
    """Axis 1 of a (None, F) float input is features: never a `timesteps` finding."""
    spec = lstmdiag.ModelSpec(
        "m.keras",
        "keras",
        "3.15.1",
        "Functional",
        False,
        (InputSpec("static", (None, 4), "float32"),),
        (),
        (),
    )
    report = lstmdiag.check(spec, {"static": np.zeros((3, 5), np.float32)})
    assert [(f.kind.value, f.fix) for f in report.findings] == [("features", None)]


# -- pad: per input, round trips ---------------------------------------------------------------
def _two_input_npz(path: Path) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    arrays = {
        "audio": rng.standard_normal((3, 10, 8)).astype(np.float32),
        "video": rng.standard_normal((3, 7, 3)).astype(np.float32),
        "y": rng.standard_normal((3, 1)).astype(np.float32),
    }
    np.savez(path, **arrays)
    return arrays


def test_the_printed_fix_pads_each_input_to_its_own_length(tmp_path: Path) -> None:
    """Issue #10: the fix for a two-input npz used to pad video to 10 and truncate it."""
    src = tmp_path / "multi"
    src.mkdir()
    arrays = _two_input_npz(src / "badpair.npz")
    report = lstmdiag.check(TWO, str(src / "badpair.npz"))
    (finding,) = [f for f in report.findings if f.severity.value == "error"]
    assert finding.fix is not None
    cmd = shlex.split(finding.fix)
    assert cmd[:2] == ["lstmdiag", "pad"] and cmd[cmd.index("--out") + 1] == "padded/"
    out = tmp_path / "padded"
    result = run_cli("pad", src / "badpair.npz", "--model", TWO, "--out", out)
    assert result.exit_code == 0, result.stderr
    with np.load(out / "badpair.npz") as padded:
        assert padded["audio"].tobytes() == arrays["audio"].tobytes()  # already fit: same
        assert padded["video"].shape == (3, 5, 3)
        assert padded["video"].tobytes() == arrays["video"][:, -5:].tobytes()  # truncating pre
        assert padded["y"].tobytes() == arrays["y"].tobytes()  # a target: copied unchanged
    listed = json.loads(
        run_cli(
            "pad", src / "badpair.npz", "--model", TWO, "--out", out, "--force", "-f", "json"
        ).stdout
    )
    assert [(o["key"], o["note"]) for o in listed["outputs"]] == [
        ("audio", None),
        ("video", None),
        ("y", "copied unchanged: a target"),
    ]
    assert lstmdiag.check(TWO, str(out)).exit_code() == 0


def test_a_fix_for_data_inside_padded_points_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "padded").mkdir()
    np.save(tmp_path / "padded" / "x.npy", np.ones((1, 4, 8), np.float32))
    report = lstmdiag.check(SEQ, "padded")
    assert report.findings[0].fix is not None
    assert report.findings[0].fix.endswith("--out padded-2/")


@pytest.mark.parametrize(
    "layout",
    [
        "npy-out",
        "npy-out-mask",
        "npz-out-mask",
        "h5-out-mask",
        "h5-ragged-out",
        "stack-npy",
        "stack-h5-mask",
    ],
)
def test_pad_outputs_pass_check_against_their_model(layout: str, tmp_path: Path) -> None:
    """The round trip for every layout: what pad writes for a model, check passes, masks and
    lengths included (they are recognised, listed, and not fed to the model)."""
    src = tmp_path / "src"
    src.mkdir()
    rng = np.random.default_rng(0)
    if layout.startswith(("npy", "stack")):
        np.save(src / "short.npy", rng.standard_normal((2, 4, 8)).astype(np.float32))
        np.save(src / "long.npy", rng.standard_normal((3, 12, 8)).astype(np.float32))
    elif layout.startswith("npz"):
        np.savez(src / "d.npz", seqs=rng.standard_normal((2, 4, 8)).astype(np.float32))
    elif layout == "h5-out-mask":
        with h5py.File(src / "d.h5", "w") as f:
            f["seqs"] = rng.standard_normal((2, 4, 8)).astype(np.float32)
    else:
        with h5py.File(src / "d.h5", "w") as f:
            g = f.create_group("seqs")
            for i, n in enumerate([3, 10, 14]):
                g[f"{i}"] = rng.standard_normal((n, 8)).astype(np.float32)
    args = ["pad", src, "--model", SEQ, "--padding", "post"]
    if "mask" in layout:
        args.append("--mask")
    (tmp_path / "stacked").mkdir()
    target = tmp_path / "stacked" / ("out.h5" if "h5" in layout else "out.npy")
    args += ["--stack", target] if layout.startswith("stack") else ["--out", tmp_path / "out"]
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    check_target = str(target.parent if layout.startswith("stack") else tmp_path / "out")
    report = lstmdiag.check(SEQ, check_target)
    assert report.exit_code() == 0, [f.message for f in report.findings]
    roles = sorted({r.role for r in report.files})
    assert "input" in roles
    lstmdiag.assert_compatible(SEQ, check_target)


def test_api_pad_with_mask_passes_assert_compatible(tmp_path: Path) -> None:
    lstmdiag.pad(
        [str(DATA / "short.npy")], model=SEQ, out=tmp_path / "o", mask=True, padding="post"
    )
    report = lstmdiag.assert_compatible(SEQ, str(tmp_path / "o"))
    assert sorted((r.role, r.verdict) for r in report.files) == [("input", "ok"), ("mask", "info")]


def test_stack_refuses_a_multi_input_model(tmp_path: Path) -> None:
    _two_input_npz(tmp_path / "pair.npz")
    result = run_cli("pad", tmp_path / "pair.npz", "--model", TWO, "--stack", tmp_path / "s.npy")
    assert result.exit_code == 2 and "use --out DIR" in result.stderr


def test_maxlen_contradicting_the_model_is_refused(tmp_path: Path) -> None:
    result = run_cli(
        "pad", DATA / "short.npy", "--model", SEQ, "--maxlen", "12", "--out", tmp_path / "o"
    )
    assert result.exit_code == 2
    assert "takes exactly 10 timesteps" in result.stderr and not (tmp_path / "o").exists()


# -- no silent mangling -----------------------------------------------------------------------
def test_ambiguous_2d_float_is_refused_with_both_readings(tmp_path: Path) -> None:
    np.save(tmp_path / "seq.npy", np.ones((10, 128), np.float32))
    result = run_cli("pad", tmp_path / "seq.npy", "--maxlen", "10", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "one sequence of 10 timesteps x 128 features (--sequence-files)" in result.stderr
    assert "10 sequences of 128 timesteps with one feature each (--time-axis 1)" in result.stderr
    assert not (tmp_path / "o").exists()
    stats = run_cli("stats", tmp_path / "seq.npy")
    assert stats.exit_code == 2 and "--sequence-files" in stats.stderr
    auto = run_cli("pad", tmp_path / "seq.npy", "--maxlen", "auto", "--out", tmp_path / "o")
    assert auto.exit_code == 2
    # Each flag picks one reading.
    one = run_cli(
        "pad", tmp_path / "seq.npy", "--maxlen", "12", "--sequence-files", "--out", tmp_path / "o1"
    )
    assert one.exit_code == 0 and np.load(tmp_path / "o1/seq.npy").shape == (1, 12, 128)
    many = run_cli(
        "pad", tmp_path / "seq.npy", "--maxlen", "128", "--time-axis", "1", "--out", tmp_path / "o2"
    )
    assert many.exit_code == 0 and np.load(tmp_path / "o2/seq.npy").shape == (10, 128)
    assert (
        json.loads(
            run_cli("stats", tmp_path / "seq.npy", "--time-axis", "0", "--format", "json").stdout
        )["count"]
        == 1
    )


def test_rank_4_is_refused_without_a_model_and_with_a_rank_3_model(tmp_path: Path) -> None:
    np.save(tmp_path / "four.npy", np.ones((1, 3, 10, 128), np.float32))
    bare = run_cli("pad", tmp_path / "four.npy", "--maxlen", "10", "--out", tmp_path / "o")
    assert bare.exit_code == 2 and "np.squeeze" in bare.stderr
    with pytest.raises(LstmdiagError, match="has 4 axes; input 'input_layer' takes 3"):
        place(describe_paths([str(tmp_path / "four.npy")]), read_model(SEQ))


def test_integer_2d_arrays_are_token_sequences(tmp_path: Path) -> None:
    np.save(tmp_path / "tok.npy", np.arange(12, dtype=np.int32).reshape(3, 4))
    (placed,) = place(describe_paths([str(tmp_path / "tok.npy")]), None)
    assert placed.pad and not placed.info.single and placed.info.sequences == 3


def test_model_decides_a_single_sequence_and_checks_its_features(tmp_path: Path) -> None:
    np.save(tmp_path / "one.npy", np.ones((7, 8), np.float32))
    (placed,) = place(describe_paths([str(tmp_path / "one.npy")]), read_model(SEQ))
    assert placed.info.single and placed.info.shape == (1, 7, 8)


def test_maxlen_far_beyond_the_longest_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "huge"
    result = run_cli("pad", DATA / "short.npy", "--maxlen", "1000", "--out", out)
    assert result.exit_code == 2
    assert "more than 4x the longest sequence (4 timesteps)" in result.stderr
    assert "99.6% padding" in result.stderr and not out.exists()
    forced = run_cli("pad", DATA / "short.npy", "--maxlen", "1000", "--out", out, "--force")
    assert forced.exit_code == 0 and np.load(out / "short.npy").shape == (1, 1000, 8)


# -- value evidence ---------------------------------------------------------------------------
def test_float_features_truncated_to_integers_warn(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    real = [rng.standard_normal((n, 8)).astype(np.float32) for n in (10, 7)]
    # What keras.utils.pad_sequences does by default (dtype='int32'), re-cast to float.
    truncated = np.zeros((2, 10, 8), np.int32)
    for i, s in enumerate(real):
        truncated[i, -len(s) :] = s.astype(np.int32)
    np.save(tmp_path / "trunc.npy", truncated.astype(np.float32))
    np.save(tmp_path / "trunc_int.npy", truncated)
    onehot = np.eye(8, dtype=np.float32)[rng.integers(0, 8, (2, 10))]
    np.save(tmp_path / "onehot.npy", onehot)
    np.save(tmp_path / "real.npy", np.stack([np.pad(s, ((10 - len(s), 0), (0, 0))) for s in real]))
    report = check_arrays(read_model(SEQ), describe_paths([str(tmp_path)]), CheckOptions(deep=True))
    warned = sorted(Path(f.path).name for f in report.findings if f.kind.value == "dtype")
    assert warned == ["trunc.npy", "trunc_int.npy"]
    finding = next(f for f in report.findings if f.path.endswith("trunc.npy"))
    assert finding.severity.value == "warning" and "dtype='float32'" in (finding.fix or "")
    assert lstmdiag.check(SEQ, str(tmp_path / "trunc.npy")).exit_code() == 0  # header: silent


def test_negative_token_ids_say_what_each_keras_does(tmp_path: Path) -> None:
    np.save(tmp_path / "tok.npy", np.array([[1, 2, -1] + [3] * 9], np.int32))
    for flavour, words in (("k3", "Keras 3 silently reads negative ids"), ("k2", "Keras raises")):
        report = check_arrays(
            read_model(MODELS / f"{flavour}/embed_maskzero_gru.keras"),
            describe_paths([str(tmp_path / "tok.npy")]),
            CheckOptions(deep=True),
        )
        vocab = next(f for f in report.findings if f.kind.value == "vocab")
        assert f"1 negative: {words}" in vocab.message


# -- exported SavedModels ---------------------------------------------------------------------
def test_exported_savedmodel_signature_is_read_statically(tmp_path: Path) -> None:
    from .conftest import TRUTH

    spec = read_model(MODELS / "k3/two_input_export")
    truth = TRUTH["k3/two_input_export"]
    assert spec.signature == truth["signature"] and spec.format == "savedmodel"
    got = [{"name": i.name, "shape": list(i.shape), "dtype": i.dtype} for i in spec.inputs]
    assert got == truth["inputs"]
    np.savez(
        tmp_path / "d.npz",
        audio=np.ones((2, 10, 8), np.float32),
        video=np.ones((2, 4, 3), np.float32),
    )
    report = lstmdiag.check(spec, str(tmp_path / "d.npz"))
    assert _kinds(report) == [("video", "timesteps")]
    shown = run_cli("inspect", MODELS / "k3/two_input_export")
    assert shown.exit_code == 0 and "serving signature 'serving_default'" in shown.stdout


# -- every printed pad fix, applied literally, makes the data pass -----------------------------
def _apply_and_recheck(model: Path, data: Path, cwd: Path) -> None:
    """Check, run the one printed pad command literally, check its output: it must pass."""
    first = json.loads(run_cli("check", model, data, "-f", "json").stdout)
    fixes = {f["fix"] for f in first["findings"] if f["fix"] and f["fix"].startswith("lstmdiag")}
    assert len(fixes) == 1, fixes
    (fix,) = fixes
    cmd = shlex.split(fix)
    result = run_cli(*cmd[1:])
    assert result.exit_code == 0, (fix, result.stderr)
    again = run_cli("check", model, cwd / cmd[cmd.index("--out") + 1], "-f", "json")
    assert again.exit_code == 0, (fix, again.stdout)


@pytest.mark.parametrize(
    "name",
    [
        "k3/seq_fixed.keras",
        "k2/seq_fixed.h5",
        "k3/func_masking.keras",
        "k3/bidir_td.keras",
        "k3/embed_maskzero_gru.keras",
        "k2/stacked.json",
    ],
)
@pytest.mark.parametrize("length", [3, 15])
def test_applied_timesteps_fix_passes(
    name: str, length: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = read_model(MODELS / name)
    inp = spec.inputs[0]
    rest = tuple(d or 4 for d in inp.shape[2:])
    dtype = "int32" if spec.embeddings else "float32"
    data = tmp_path / "data"
    data.mkdir()
    np.save(data / "x.npy", np.ones((2, length, *rest), dtype))
    _apply_and_recheck(MODELS / name, data, tmp_path)


def test_applied_fix_for_a_multi_input_npz_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "multi").mkdir()
    _two_input_npz(tmp_path / "multi" / "badpair.npz")
    _apply_and_recheck(TWO, tmp_path / "multi", tmp_path)


def test_applied_fix_for_a_ragged_collection_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    with h5py.File(tmp_path / "d" / "clips.h5", "w") as f:
        for i, n in enumerate([3, 10, 14]):
            f[f"clips/{i}"] = np.ones((n, 8), np.float32)
    _apply_and_recheck(SEQ, tmp_path / "d", tmp_path)


def test_applied_fix_for_a_file_mapped_by_input_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A multi-input model whose data is mapped by --input: the fix carries the mapping."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v").mkdir()
    np.save(tmp_path / "v" / "clip.npy", np.ones((2, 9, 3), np.float32))
    np.save(tmp_path / "a.npy", np.ones((2, 10, 8), np.float32))
    first = lstmdiag.check(TWO, {"audio": str(tmp_path / "a.npy"), "video": str(tmp_path / "v")})
    (fix,) = [f.fix for f in first.findings if f.fix]
    assert f"--input video={tmp_path / 'v' / 'clip.npy'}" in fix
    assert run_cli(*shlex.split(fix)[1:]).exit_code == 0
    fixed = lstmdiag.check(TWO, {"audio": str(tmp_path / "a.npy"), "video": "padded"})
    assert fixed.exit_code() == 0
