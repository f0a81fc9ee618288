"""`lstmdiag window`: the same windows as keras.utils.timeseries_dataset_from_array, from every
input format, streamed; and `check` pointing tables to it."""

from __future__ import annotations

import csv
import importlib.util
import json
import shlex
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

import lstmdiag
from lstmdiag.transform.window_plan import window_starts, window_targets, windows

from .conftest import MODELS, run_cli, run_keras_child

HERE = Path(__file__).resolve().parent
SEQ = MODELS / "k3/seq_fixed.keras"  # (None, 10, 8)


def _cases() -> list[dict[str, object]]:
    rng = np.random.default_rng(7)
    cases: list[dict[str, object]] = []
    for rows in (0, 3, 10, 31, 57, 100):
        for T in (1, 4, 10):
            for stride in (1, 3):
                for rate in (1, 2):
                    cases.append(
                        {
                            "rows": rows,
                            "T": T,
                            "stride": stride,
                            "rate": rate,
                            "horizon": int(rng.integers(0, 3)),
                            "with_targets": bool(rng.integers(0, 2)),
                            "dtype": ["float32", "int32"][int(rng.integers(0, 2))],
                            "features": [0, 1, 3][int(rng.integers(0, 3))],
                        }
                    )
    return cases


def _data(case: dict[str, object], index: int) -> np.ndarray:
    rows, features = int(case["rows"]), int(case["features"])  # type: ignore[call-overload]
    shape = (rows,) if features == 0 else (rows, features)
    values = np.random.default_rng(index).integers(-50, 50, size=shape)
    return values.astype(str(case["dtype"]))


def _keras_windows(
    cases: list[dict[str, object]], flavour: str, tmp_path: Path
) -> tuple[dict[str, np.ndarray], Any]:
    """The cases' data, and what real Keras windows them into (in a child process)."""
    arrays = {f"c{i}": _data(c, i) for i, c in enumerate(cases)}
    np.savez(tmp_path / "cases.npz", **arrays)
    (tmp_path / "params.json").write_text(json.dumps(cases))
    run_keras_child(
        "keras_window_child.py",
        flavour,
        tmp_path / "cases.npz",
        tmp_path / "params.json",
        tmp_path / "out.npz",
    )
    return arrays, np.load(tmp_path / "out.npz")


@pytest.mark.keras
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
@pytest.mark.parametrize("flavour", ["keras", "tf_keras"])
def test_identical_to_timeseries_dataset_from_array(flavour: str, tmp_path: Path) -> None:
    cases = _cases()
    arrays, keras_out = _keras_windows(cases, flavour, tmp_path)
    compared = 0
    for i, c in enumerate(cases):
        x = arrays[f"c{i}"]
        if f"error{i}" in keras_out:
            # Keras refuses a stride or rate not below the number of rows; lstmdiag gives the
            # windows its formula yields (at most one, often none).
            assert "must be lower than the length of the data" in str(keras_out[f"error{i}"])
            continue
        compared += 1
        T, stride, rate, horizon = (int(c[k]) for k in ("T", "stride", "rate", "horizon"))  # type: ignore[call-overload]
        if c["with_targets"]:
            starts = window_starts(len(x), T, stride, rate, horizon)
            ours = x[starts[:, None] + np.arange(T) * rate]
            column = x[:, 0] if x.ndim == 2 else x
            ys = window_targets(column, T, horizon, stride, rate)
            assert np.array_equal(ys, keras_out[f"y{i}"]), c
            assert ys.dtype == keras_out[f"y{i}"].dtype or len(ys) == 0
        else:
            ours = windows(x, T, stride, rate)
        theirs = keras_out[f"x{i}"]
        assert ours.shape == theirs.shape, (c, ours.shape, theirs.shape)
        assert np.array_equal(ours, theirs), c
        assert ours.dtype == theirs.dtype or len(ours) == 0, c
    assert compared >= 40


def _table_cases() -> list[dict[str, object]]:
    """Cases with a feature axis and rows enough to span several record batches."""
    return [c for c in _cases() if int(c["features"]) and int(c["rows"]) >= 31]  # type: ignore[call-overload]


def _write_tables(x: np.ndarray, folder: Path) -> tuple[Path, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [f"c{j}" for j in range(x.shape[1])]
    csv_path, parquet_path = folder / "t.csv", folder / "t.parquet"
    with csv_path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        w.writerows(x.tolist())
    pq.write_table(pa.table({n: x[:, j] for j, n in enumerate(names)}), parquet_path)
    return csv_path, parquet_path


@pytest.mark.keras
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs lstmdiag[tf]")
def test_tables_read_in_batches_window_as_keras(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CSV and Parquet are read a few rows per record batch, so windows span batch
    boundaries; every window and target is Keras's own."""
    from lstmdiag.data import tables

    monkeypatch.setattr(tables, "BATCH_BYTES", 64)  # a few CSV rows per batch
    monkeypatch.setattr(tables, "CHUNK_BYTES", 64)
    monkeypatch.setattr(tables, "BATCH_ROWS", 7)
    cases = _table_cases()
    arrays, keras_out = _keras_windows(cases, "keras", tmp_path)
    compared = 0
    for i, c in enumerate(cases):
        if f"error{i}" in keras_out:
            continue
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        dtype = "float32" if c["dtype"] == "float32" else "int32"
        for source in _write_tables(arrays[f"c{i}"], folder):
            out = folder / f"{source.suffix[1:]}.npy"
            args = ["window", source, "-T", c["T"], "--stride", c["stride"], "--rate", c["rate"]]
            args += ["--dtype", dtype, "--stack", out]
            if c["with_targets"]:
                args += ["--target", "c0", "--horizon", c["horizon"]]
            result = run_cli(*map(str, args))
            assert result.exit_code == 0, (c, result.stderr)
            ours = np.load(out)
            assert np.array_equal(ours, keras_out[f"x{i}"]), (c, source.name)
            if c["with_targets"]:
                ys = np.load(out.with_name(f"{out.stem}.y.npy"))
                assert np.array_equal(ys, keras_out[f"y{i}"]), (c, source.name)
            compared += 1
    assert compared >= 40


def test_tables_that_are_not_what_one_pass_assumes_are_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV is windowed in one pass on the row count its newlines give, and column types
    from its first block. Where blank lines or a quoted newline make the count wrong, or a
    later block holds floats in an integer column, it is read again: the same windows."""
    from lstmdiag.data import tables

    monkeypatch.setattr(tables, "BATCH_BYTES", 64)
    monkeypatch.setattr(tables, "CHUNK_BYTES", 64)
    rows = [[i, i * 2] for i in range(40)]
    expected = windows(np.array(rows, np.float64), 5, 3)
    cases = {
        "blank.csv": "a,b\n"
        + "\n".join(f"{x},{y}" for x, y in rows[:20])
        + "\n\n\n"
        + "\n".join(f"{x},{y}" for x, y in rows[20:])
        + "\n",
        "quoted.csv": 'a,"b\nsecond line"\n' + "\n".join(f"{x},{y}" for x, y in rows) + "\n",
        "promoted.csv": "a,b\n" + "\n".join(f"{x},{y}" for x, y in rows[:39]) + "\n39.0,78\n",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        out = tmp_path / f"{name}.npy"
        result = run_cli("window", tmp_path / name, "-T", "5", "--stride", "3", "--stack", out)
        assert result.exit_code == 0, (name, result.stderr)
        got = np.load(out)
        assert got.shape == expected.shape and np.array_equal(got, expected), name
        assert got.dtype == (np.float64 if name == "promoted.csv" else np.int64), name


def test_header_names_keep_their_spaces_in_one_pass(tmp_path: Path) -> None:
    """``a, b``: pyarrow names the second column " b"; the one-pass reader does too."""
    (tmp_path / "s.csv").write_text("a, b\n1, 2\n3, 4\n5, 6\n")
    result = run_cli("window", tmp_path / "s.csv", "-T", "2", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
    assert np.load(tmp_path / "o" / "s.npy").tolist() == [[[1, 2], [3, 4]], [[3, 4], [5, 6]]]


def test_a_missing_cell_is_refused_whatever_the_dtype(tmp_path: Path) -> None:
    """With --dtype int32 a missing cell was once written as -2147483648, unsaid."""
    (tmp_path / "g.csv").write_text("a,b\n1,2\n3,\n5,6\n7,8\n")
    for dtype in ("int32", "float32"):
        result = run_cli(
            "window", tmp_path / "g.csv", "-T", "2", "--dtype", dtype, "--out", tmp_path / dtype
        )
        assert result.exit_code == 2, dtype
        assert "1 row has a missing, NaN or Inf value in column b (data row 2)" in result.stderr
        assert not (tmp_path / dtype).exists()


def test_dtype_keeps_a_series_one_dimensional(tmp_path: Path) -> None:
    """Keras gives (windows, T) for a 1-D series; --dtype once added a feature axis."""
    np.save(tmp_path / "s.npy", np.arange(20, dtype=np.float32))
    result = run_cli(
        "window", tmp_path / "s.npy", "-T", "4", "--dtype", "float64", "--out", tmp_path / "o"
    )
    assert result.exit_code == 0, result.stderr
    got = np.load(tmp_path / "o" / "s.npy")
    assert got.dtype == np.float64 and np.array_equal(got, windows(np.arange(20.0), 4))


def test_window_counts_and_targets_by_hand() -> None:
    data = np.arange(10)
    assert window_starts(10, 3).tolist() == list(range(8))
    assert window_starts(10, 3, stride=4).tolist() == [0, 4]
    assert window_starts(10, 3, rate=2).tolist() == list(range(6))  # last start 5: 5, 7, 9
    assert window_starts(2, 3).tolist() == []  # shorter than one window
    assert windows(data, 3, 4, 2).tolist() == [[0, 2, 4], [4, 6, 8]]
    # y[i] = data at 1 row after the last row of window i; the last window has no such row
    assert window_targets(data, 3, 1).tolist() == [3, 4, 5, 6, 7, 8, 9]


def _write_formats(folder: Path, series: np.ndarray) -> None:
    np.save(folder / "a.npy", series)
    np.savez(folder / "b.npz", s=series)
    with h5py.File(folder / "c.h5", "w") as f:
        f["s"] = series
    with (folder / "d.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([f"f{i}" for i in range(series.shape[1])])
        writer.writerows(series.tolist())
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({f"f{i}": series[:, i] for i in range(series.shape[1])})
    pq.write_table(table, folder / "e.parquet")


def test_every_format_gives_the_same_windows(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    series = np.random.default_rng(0).standard_normal((300, 8)).astype(np.float32)
    _write_formats(src, series)
    want = windows(series, 10, 3, 2)
    result = run_cli(
        "window",
        src,
        "--timesteps",
        "10",
        "--stride",
        "3",
        "--rate",
        "2",
        "--out",
        tmp_path / "out",
    )
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "out"
    assert np.array_equal(np.load(out / "a.npy"), want)
    with np.load(out / "b.npz") as z:
        assert np.array_equal(z["s"], want)
    with h5py.File(out / "c.h5") as f:
        assert np.array_equal(f["s"][()], want)
    assert np.allclose(np.load(out / "d.npy"), want)  # CSV text round trip
    assert np.array_equal(np.load(out / "e.npy"), want)
    stacked = run_cli(
        "window", src / "a.npy", src / "e.parquet", "-T", "10", "--stack", tmp_path / "all.npy"
    )
    assert stacked.exit_code == 0, stacked.stderr
    both = np.load(tmp_path / "all.npy")
    assert np.array_equal(both, np.concatenate([windows(series, 10), windows(series, 10)]))


def test_targets_and_horizon(tmp_path: Path) -> None:
    series = np.arange(40, dtype=np.float32).reshape(20, 2)
    np.save(tmp_path / "s.npy", series)
    result = run_cli(
        "window",
        tmp_path / "s.npy",
        "-T",
        "4",
        "--target",
        "1",
        "--horizon",
        "2",
        "--stack",
        tmp_path / "o" / "w.npy",
    )
    assert result.exit_code == 0, result.stderr
    x, y = np.load(tmp_path / "o" / "w.npy"), np.load(tmp_path / "o" / "w.y.npy")
    # 17 windows; those whose row last+2 is past the end (2 of them) are dropped
    assert x.shape == (15, 4, 2) and y.shape == (15,)
    assert "2 windows without a target row dropped" in result.stdout
    assert y[0] == series[3 + 2, 1] and np.array_equal(x[0], series[:4])


def test_csv_columns_header_and_gaps(tmp_path: Path) -> None:
    with (tmp_path / "t.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["when", "a", "b", "c"])
        for i in range(30):
            w.writerow([f"day{i}", i, i * 0.5, -i])
    result = run_cli("window", tmp_path / "t.csv", "-T", "5", "--out", tmp_path / "o", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert any("dropped non-numeric column(s) when" in n for n in data["notes"])
    assert np.load(tmp_path / "o" / "t.npy").shape == (26, 5, 3)
    picked = run_cli(
        "window", tmp_path / "t.csv", "-T", "5", "--columns", "c,a", "--out", tmp_path / "p"
    )
    first = np.load(tmp_path / "p" / "t.npy")[0]
    assert picked.exit_code == 0 and first[:, 0].tolist() == [0, -1, -2, -3, -4]
    unknown = run_cli(
        "window", tmp_path / "t.csv", "-T", "5", "--columns", "zz", "--out", tmp_path / "q"
    )
    assert unknown.exit_code == 2 and "no column 'zz'" in unknown.stderr
    # no header row: columns are numbered
    (tmp_path / "n.csv").write_text("\n".join(f"{i},{i * 2}" for i in range(12)) + "\n")
    plain = run_cli("window", tmp_path / "n.csv", "-T", "3", "--out", tmp_path / "r")
    assert plain.exit_code == 0 and np.load(tmp_path / "r" / "n.npy").shape == (10, 3, 2)
    # missing cells are refused with their row numbers
    (tmp_path / "g.csv").write_text("a,b\n1,2\n3,\n5,6\nnan,1\n")
    gaps = run_cli("window", tmp_path / "g.csv", "-T", "2", "--out", tmp_path / "s")
    assert gaps.exit_code == 2 and "data rows 2, 4" in gaps.stderr
    assert not (tmp_path / "s").exists()


def test_model_gives_t_and_checks_features(tmp_path: Path) -> None:
    np.save(tmp_path / "s.npy", np.ones((50, 8), np.float32))
    ok = run_cli("window", tmp_path / "s.npy", "--model", SEQ, "--out", tmp_path / "o")
    assert ok.exit_code == 0 and np.load(tmp_path / "o" / "s.npy").shape == (41, 10, 8)
    np.save(tmp_path / "t.npy", np.ones((50, 5), np.float32))
    bad = run_cli("window", tmp_path / "t.npy", "--model", SEQ, "--out", tmp_path / "p")
    assert bad.exit_code == 2 and "5 feature columns, the model takes 8" in bad.stderr
    inside = run_cli("window", tmp_path, "-T", "3", "--out", tmp_path / "w")
    assert inside.exit_code == 2 and "inside the input folder" in inside.stderr


def test_check_points_a_csv_table_to_window_and_the_fix_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with (tmp_path / "sensors.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f"s{i}" for i in range(8)])
        for i in range(200):
            w.writerow([i + j for j in range(8)])
    report = lstmdiag.check(SEQ, "sensors.csv")
    (finding,) = report.findings
    assert finding.kind.value == "missing-axis" and finding.found == (200, 8)
    assert finding.fix is not None and finding.fix.startswith("lstmdiag window sensors.csv")
    assert run_cli(*shlex.split(finding.fix)[1:]).exit_code == 0
    assert lstmdiag.check(SEQ, "windows").exit_code() == 0


def test_python_api(tmp_path: Path) -> None:
    series = np.arange(60, dtype=np.float32).reshape(30, 2)
    np.save(tmp_path / "s.npy", series)
    result = lstmdiag.window(
        str(tmp_path / "s.npy"), timesteps=5, stride=5, stack=tmp_path / "o" / "w.h5"
    )
    assert isinstance(result, lstmdiag.WindowResult) and result.windows == 6
    with h5py.File(tmp_path / "o" / "w.h5") as f:
        assert np.array_equal(f["windows"][()], lstmdiag.windows(series, 5, 5))
    assert "window" in dir(lstmdiag) or hasattr(lstmdiag, "window")
