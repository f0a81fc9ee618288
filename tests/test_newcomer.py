"""Newcomer papercuts (issue #27): what a first-time user reads, table and JSON alike."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

from .conftest import run_cli


def _ragged(folder: Path, lengths: list[int], features: int = 3) -> None:
    folder.mkdir()
    for i, n in enumerate(lengths):
        np.save(folder / f"seq_{i:03d}.npy", np.full((n, features), i + 1, np.float32))


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


SEQ = Path(__file__).resolve().parent.parent / "fixtures/models/k3/seq_fixed.keras"  # (None, 10, 8)


def _gapped(path: Path) -> Path:
    """A 20-row, 8-feature CSV with an empty cell in s1 (data row 3) and a NaN and an empty
    cell in s3 (data rows 3 and 7)."""
    rows = [",".join(["time", *(f"s{i}" for i in range(8))])]
    for r in range(20):
        cells = [f"t{r}", *(f"{0.1 * (r + i):.1f}" for i in range(8))]
        if r == 2:
            cells[2] = cells[4] = ""
        if r == 6:
            cells[4] = "nan"
        rows.append(",".join(cells))
    path.write_text("\n".join(rows) + "\n")
    return path


def test_window_names_the_columns_with_the_gaps(tmp_path: Path) -> None:
    table = _gapped(tmp_path / "g.csv")
    result = run_cli("window", table, "-T", "4", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "2 rows have missing, NaN or Inf values in columns s1 (1 row), s3 (2 rows) "
        "(data rows 3, 7); fill or drop them first"
    ), result.stderr
    one = run_cli("window", table, "-T", "4", "--columns", "s0,s1", "--out", tmp_path / "p")
    assert "1 row has a missing, NaN or Inf value in column s1 (data row 3); fill or drop it" in (
        " ".join(one.stderr.split())
    )


def test_check_deep_says_what_would_stop_its_window_fix(tmp_path: Path) -> None:
    table = _gapped(tmp_path / "g.csv")
    report = json.loads(run_cli("check", SEQ, table, "--deep", "-f", "json").stdout)
    kinds = [(f["kind"], f["severity"]) for f in report["findings"]]
    assert kinds == [("missing-axis", "error"), ("non-finite", "error")]
    assert "lstmdiag window" in report["findings"][0]["fix"]
    assert report["findings"][1]["message"] == (
        "2 rows have missing, NaN or Inf values in columns s1 (1 row), s3 (2 rows) "
        "(data rows 3, 7): lstmdiag window refuses the table until they are filled or dropped"
    )
    table_out = run_cli("check", SEQ, table, "--deep").stdout
    assert "error non-finite: 2 rows have missing" in " ".join(table_out.split())
    clean = _gapped(tmp_path / "c.csv")
    clean.write_text(clean.read_text().replace(",,", ",0.5,").replace("nan", "0.5"))
    report = json.loads(run_cli("check", SEQ, clean, "--deep", "-f", "json").stdout)
    assert [f["kind"] for f in report["findings"]] == ["missing-axis"]


TEXTS = Path(__file__).resolve().parent / "texts"  # made by texts/make_stateful_fit.py


@pytest.mark.parametrize("flavour", ["tf_keras", "keras3"])
def test_explain_a_stateful_fit_error_gives_a_fit_fix(flavour: str) -> None:
    """The batch that broke fit is its last partial one, and the model's own batch is 8 in
    both (the loss node has the state's batch first, the cell's step the data's). Padding
    with zero samples would train on them: the fix leaves the remainder out, and says so."""
    text = (TEXTS / f"stateful_fit_{flavour}.txt").read_text()
    result = run_cli("explain", text, "-f", "json")
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["title"] == "a training batch of 4 for a model fixed to batches of 8"
    assert d["fix"] == (
        "n = len(x) // 8 * 8; model.fit(x[:n], y[:n], batch_size=8)   "
        "# leaves out the last len(x) % 8 samples"
    )
    assert "predict" not in result.stdout
    table = run_cli("explain", text).stdout
    assert "Fix: n = len(x) // 8 * 8; model.fit(x[:n], y[:n], batch_size=8)" in table


def test_explain_prints_only_the_shapes_it_knows() -> None:
    """Keras 3's LSTM-cell feature error names the kernel's features: the model's shape is
    not '?' but what is known of it."""
    text = (
        "ValueError: Dimensions must be equal, but are 10 and 5 for '{{node MatMul}} = "
        "MatMul[T=DT_FLOAT, transpose_a=false, transpose_b=false](strided_slice_1, kernel)'"
    )
    table = run_cli("explain", text).stdout
    assert "Model expects (None, None, 5), data is (None, None, 10)" in table
    assert "?" not in table
    d = json.loads(run_cli("explain", text, "-f", "json").stdout)
    assert (d["expected"], d["found"]) == ([None, None, 5], [None, None, 10])


def _long_names(folder: Path) -> list[str]:
    deep = folder / "padded" / "some_deeper_folder_name"
    deep.mkdir(parents=True)
    names = [
        "recordings_of_the_morning_session_2026_01_01.npy",
        "recordings_of_the_evening_session_2026_01_01_with_extra.npy",
    ]
    for name in names:
        np.save(deep / name, np.zeros((2, 7, 8), np.float32))
    np.save(folder / "a.npy", np.zeros((2, 7, 8), np.float32))  # the names' base: folder
    return [f"padded/some_deeper_folder_name/{n}" for n in names]


def test_a_piped_table_never_cuts_a_name_nor_drops_a_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns (a pipe, a CI log) a table too wide for the names is one line per row:
    whole names, and the shape and verdict of each (they were squeezed to nothing)."""
    monkeypatch.setenv("COLUMNS", "80")
    names = _long_names(tmp_path / "data")
    out = run_cli("check", SEQ, tmp_path / "data").stdout
    for name in names:
        assert f"  {name}:  found (2, 7, 8)  verdict error\n" in out
    assert "┃" not in out  # no table squeezed into 80 columns
    padded = run_cli(
        "pad", tmp_path / "data", "--model", SEQ, "--out", tmp_path / "out_with_a_long_name"
    ).stdout
    for name in names:
        target = tmp_path / "out_with_a_long_name" / name
        assert f"  {target}:  shape (2, 10, 8)  dtype float32  from " in padded
    monkeypatch.setenv("COLUMNS", "400")  # room enough: the table as before
    wide = run_cli("check", SEQ, tmp_path / "data").stdout
    assert " file " in wide and " found " in wide and " verdict " in wide
    assert f"{names[1]} │ (2, 7, 8) │ error" in wide


MODELS = SEQ.parent


@pytest.mark.parametrize(
    ("model", "itself", "weight"),
    [
        ("seq_none", False, False),  # Sequential, no mask layer, one output per sequence
        ("func_masking", True, False),  # its Masking layer skips the padding itself
        ("bidir_td", False, True),  # an output per timestep: sample_weight works
    ],
)
def test_mask_files_say_how_a_model_without_a_mask_input_uses_them(
    tmp_path: Path, model: str, itself: bool, weight: bool
) -> None:
    _ragged(tmp_path / "seqs", [3, 12, 7], 8)
    result = run_cli(
        "pad", tmp_path / "seqs", "--sequence-files", "--model", MODELS / f"{model}.keras",
        "--maxlen", "10", "--mask", "--stack", tmp_path / "s.npy", "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    notes = [n for n in json.loads(result.stdout)["notes"] if n.startswith("--mask:")]
    assert len(notes) == 1
    assert notes[0].startswith(
        "--mask: this model has no mask input (Keras's fit and predict take none), so the "
        "mask is not fed to it"
    )
    assert 'keras.Input(shape=(10,), dtype="bool"), passed as mask=m' in notes[0]
    assert ("skips the padded steps itself" in notes[0]) is itself
    assert ("sample_weight=" in notes[0]) is weight
    table = run_cli(
        "pad", tmp_path / "seqs", "--sequence-files", "--model", MODELS / f"{model}.keras",
        "--maxlen", "10", "--mask", "--stack", tmp_path / "t.npy",
    ).stdout  # fmt: skip
    assert "--mask: this model has no mask input" in " ".join(table.split())


def test_no_mask_note_for_a_model_with_a_mask_input() -> None:
    from dataclasses import replace

    from lstmdiag import read_model
    from lstmdiag.transform.pad_plan import PadOptions, _mask_use

    spec = read_model(str(MODELS / "keyword_call.keras"))
    assert any(m.mask_input for m in spec.masking)
    assert _mask_use(spec, [i.name for i in spec.inputs], 10, PadOptions(mask=True)) == []
    plain = replace(spec, masking=())
    assert _mask_use(plain, [i.name for i in spec.inputs], 10, PadOptions(mask=True)) != []
    assert _mask_use(plain, [i.name for i in spec.inputs], 10, PadOptions(mask=False)) == []


def test_a_csv_reads_missing_cells_as_pyarrow_does() -> None:
    """check sniffs a CSV's first rows, window reads it with pyarrow: the same cells are
    missing for both (an 'n/a' column was text to check and numeric-with-a-gap to window)."""
    pa_csv = pytest.importorskip("pyarrow.csv")
    from lstmdiag.data.tables import NULLS

    assert frozenset(pa_csv.ConvertOptions().null_values) == NULLS


def _with_cell(path: Path, value: str) -> Path:
    _gapped(path)
    lines = path.read_text().splitlines()
    cells = lines[10].split(",")
    cells[3] = value  # s2, data row 10
    lines[10] = ",".join(cells)
    path.write_text("\n".join(lines).replace(",,", ",0.5,").replace("nan", "0.5") + "\n")
    return path


def test_check_and_window_count_the_same_features(tmp_path: Path) -> None:
    table = _with_cell(tmp_path / "na.csv", "n/a")
    report = json.loads(run_cli("check", SEQ, table, "-f", "json").stdout)
    assert report["files"][0]["shape"] == [20, 8]  # s2 is a feature with a gap
    deep = json.loads(run_cli("check", SEQ, table, "--deep", "-f", "json").stdout)
    assert "in column s2 (data row 10)" in deep["findings"][1]["message"]
    result = run_cli("window", table, "--model", SEQ, "--out", tmp_path / "o")
    assert "in column s2 (data row 10)" in result.stderr


def test_a_text_column_is_named_where_the_feature_count_differs(tmp_path: Path) -> None:
    table = _with_cell(tmp_path / "text.csv", "abc")
    report = json.loads(run_cli("check", SEQ, table, "-f", "json").stdout)
    (features,) = [f for f in report["findings"] if f["kind"] == "features"]
    assert features["message"].endswith(
        "The table's features are its numeric columns; left out as text: time, s2 (a column "
        "with one text cell is text; empty cells, NA and n/a count as missing)."
    )
    result = run_cli("window", table, "--model", SEQ, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()).endswith(
        "7 feature columns (s0, s1, s3, s4, s5, s6, s7), the model takes 8; dropped "
        "non-numeric column(s) time, s2 (choose them with --columns a,b,c)"
    )


def test_nan_warning_speaks_of_recurrent_state_only_where_there_is_one() -> None:
    from dataclasses import replace

    import lstmdiag

    x = np.zeros((2, 10, 8), np.float32)
    x[1, 3, 0] = np.nan
    spec = lstmdiag.read_model(str(SEQ))
    (rnn,) = [
        f for f in lstmdiag.check(spec, x, deep=True).findings if f.kind.value == "non-finite"
    ]
    assert rnn.message == (
        "1 NaN/Inf value: they propagate through the recurrent state and poison every later "
        "timestep"
    )
    dense = replace(spec, recurrent=())
    (plain,) = [
        f for f in lstmdiag.check(dense, x, deep=True).findings if f.kind.value == "non-finite"
    ]
    assert (
        plain.message == "1 NaN/Inf value: a Dense or convolution layer that reads one outputs NaN"
    )


def test_stats_plot_labels_do_not_overlap(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from collections import Counter

    from lstmdiag.judge.stats import compute_stats
    from lstmdiag.render.plot import figure

    counts = Counter({n: 50 for n in range(5, 12)} | {12: 5, 13: 2, 40: 1})  # p90..p99 close
    stats = compute_stats(counts, None, None, ())
    assert len({c.maxlen for c in stats.candidates}) >= 4
    fig = figure(stats, counts)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert len(boxes) == len(stats.candidates)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    result = run_cli("stats", tmp_path, "--plot", tmp_path / "h.png")  # the CLI draws it too
    assert result.exit_code == 2  # an empty folder: no sequences, nothing drawn
    assert not (tmp_path / "h.png").exists()
